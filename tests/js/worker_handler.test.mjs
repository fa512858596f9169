// The Worker's command handler, driven from Node with the real engine and a small data slice.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, engine } from '../../web/lib/convlab.mjs';
import { loadFashionMnist } from '../../web/lib/datasets.mjs';
import { PRESETS } from '../../web/lib/presets.mjs';
import { createHandler } from '../../web/worker/handler.mjs';
import { loadDataset } from '../../web/lib/data/load.mjs';
import { mnistLikeNpz, file } from './data_fixtures.mjs';

let slices;
before(async () => {
  const e = await engine();
  const [train, test] = await Promise.all([loadFashionMnist(e, 'train'), loadFashionMnist(e, 'test')]);
  const cut = (d, n) => ({ ...d, count: n, images: d.images.slice(0, n * 784), labels: d.labels.slice(0, n) });
  slices = { train: cut(train, 640), test: cut(test, 100) };
});

// Drives the handler as the page does: each command gets an id and exactly one reply.
function harness(loadData = async () => ({ ...slices, name: 'fashion-mnist' })) {
  const events = [];
  const waiters = [];
  let nextId = 1;
  const post = (msg) => {
    events.push(msg);
    for (const w of [...waiters]) if (w.match(msg)) { waiters.splice(waiters.indexOf(w), 1); w.ok(msg); }
  };
  const handle = createHandler({ post, loadData, createModel });
  const next = (type, pred = () => true) => new Promise((ok) => waiters.push({ match: (m) => m.type === type && pred(m), ok }));
  const of = (type) => events.filter((m) => m.type === type);
  // The reply to one command: {result} or {error: {code, params}}.
  const call = async (type, payload = {}) => {
    const id = nextId++;
    const reply = next('reply', (m) => m.id === id);
    await handle({ type, id, ...payload });
    return reply;
  };
  const ok = async (type, payload) => {
    const r = await call(type, payload);
    assert.equal(r.error, undefined, `${type}: ${JSON.stringify(r.error)}`);
    return r.result;
  };
  return { handle, next, of, events, call, ok };
}

test('build replies with the model; a bad config is a coded error naming the layer and keeps the model', async () => {
  const h = harness();
  const model = await h.ok('build', { config: PRESETS.lab, seed: 1 });
  assert.equal(model.params, 113386);
  assert.match(model.summary, /conv2d_1 \(Conv2D\)/);
  const bad = await h.call('build', { config: { input_shape: [28, 28, 1], layers: ['Flatten', { Dense: { units: 0 } }] } });
  assert.equal(bad.error.code, 'engine.layer');
  assert.equal(bad.error.params.layer, 'dense');
  assert.equal(bad.error.params.index, 1);
  assert.match(bad.error.params.detail, /units/);
  const maps = await h.ok('featureMaps', {});
  assert.deepEqual(maps.layers.map((l) => l.shape), [[26, 26, 32], [13, 13, 32], [11, 11, 32], [5, 5, 32]]);
  assert.equal(maps.maps.length, 3);
  assert.equal(maps.maps[0][0].length, 26 * 26 * 32);
});

test('train replies when the run has ended, with progress points, epochs and a test result under its run id', async () => {
  const h = harness();
  await h.ok('build', { config: PRESETS.dnn, seed: 1 });
  const done = await h.ok('train', { runId: 7, settings: { epochs: 2, batchSize: 32 } });
  assert.equal(done.runId, 7);
  assert.equal(done.ending, 'finished');
  assert.equal(done.stoppedAt, null);
  assert.equal(done.history.loss.length, 2);
  assert.ok(done.test.accuracy > 0.5);
  assert.equal(done.test.steps, Math.ceil(100 / 32));
  const points = h.of('progress').flatMap((p) => p.points);
  assert.deepEqual(points.map((p) => p.step), Array.from({ length: 40 }, (_, i) => i + 1));
  assert.ok(h.of('progress').every((p) => p.runId === 7) && h.of('epoch').every((e) => e.runId === 7));
  // The per-batch losses average back to the epoch's logged loss.
  const mean = points.slice(0, 20).reduce((s, p) => s + p.loss, 0) / 20;
  assert.ok(Math.abs(mean - done.history.loss[0]) < 1e-9);
  assert.deepEqual(h.of('state').map((s) => s.state), ['training']);
  assert.deepEqual(h.of('epoch').map((e) => [e.epoch, e.step, e.steps]), [[0, 20, 20], [1, 40, 20]]);
});

test('pause, step and resume move the batch counter as expected; stop ends the run where it stopped', async () => {
  const h = harness();
  await h.ok('build', { config: PRESETS.dnn, seed: 1 });
  const running = h.call('train', { runId: 1, settings: { epochs: 50, batchSize: 8 } });
  await h.next('progress');
  const pausedAt = h.next('progress');  // posted when the loop reaches the pause
  await h.ok('pause');
  const paused = await pausedAt;
  const at = paused.points.at(-1).step;
  await new Promise((ok) => setTimeout(ok, 400));
  assert.equal(h.of('progress').at(-1).points.at(-1).step, at, 'no batch runs while paused');
  const steppedTo = h.next('progress', (p) => p.points.at(-1).step > at);
  await h.ok('step');
  const stepped = await steppedTo;
  assert.equal(stepped.points.at(-1).step, at + 1, 'step runs exactly one batch');
  // The 400 ms paused are not training time: the elapsed time (and so the ETA) leaves them out.
  assert.ok(stepped.epoch !== paused.epoch || stepped.elapsed - paused.elapsed < 0.2, `${paused.elapsed} -> ${stepped.elapsed} s`);
  await new Promise((ok) => setTimeout(ok, 50));
  assert.equal(h.of('progress').at(-1).points.at(-1).step, at + 1);
  const resumed = h.next('progress', (p) => p.points.at(-1).step > at + 3);
  await h.ok('resume');
  await resumed;
  await h.ok('stop');
  const done = (await running).result;
  assert.equal(done.ending, 'stopped');
  const last = h.of('progress').at(-1);
  assert.deepEqual(done.stoppedAt, { epoch: last.epoch, batch: last.batch + 1 });
  assert.ok(done.history.loss.length < 50);
  // The stopped epoch's event says how far it got, so no marker is drawn at a full epoch.
  const lastEpoch = h.of('epoch').at(-1);
  if (lastEpoch.epoch === last.epoch) assert.equal(lastEpoch.step, last.points.at(-1).step);
  assert.equal(h.of('state').at(-1).state, 'stopping');
});

test('pings are answered mid-run, between batches, and while paused (the page heartbeat)', async () => {
  const h = harness();
  await h.ok('build', { config: PRESETS.dnn, seed: 1 });
  const running = h.call('train', { runId: 1, settings: { epochs: 50, batchSize: 8 } });
  await h.next('progress');
  // As in a Worker: each ping is a macrotask, so it is handled only when fit yields its loop.
  const ping = (seq) => new Promise((ok) => setTimeout(() => ok(h.handle({ type: 'ping', seq })), 0));
  const steps = [];
  for (let seq = 1; seq <= 5; seq++) {
    const pong = h.next('pong');
    await ping(seq);
    assert.deepEqual(await pong, { type: 'pong', seq });
    steps.push(h.of('progress').at(-1).points.at(-1).step);
    await h.next('progress', (p) => p.points.at(-1).step > steps.at(-1));  // training goes on
  }
  assert.equal(h.of('reply').filter((r) => r.result?.runId).length, 0, 'every pong came during the run');
  await h.ok('pause');
  assert.equal(h.of('state').at(-1).state, 'paused');
  const pong = h.next('pong');
  await ping(6);
  assert.deepEqual(await pong, { type: 'pong', seq: 6 });
  await h.ok('stop');
  assert.equal((await running).result.ending, 'stopped');
  assert.equal(h.of('pong').length, 6);
});

test('Train starts from fresh weights of its seed; Continue keeps them; reset returns to the initial weights', async () => {
  const losses = (h, runId) => h.of('progress').filter((p) => p.runId === runId).flatMap((p) => p.points).slice(0, 10).map((p) => p.loss);
  const a = harness();
  await a.ok('build', { config: PRESETS.dnn, seed: 9 });
  await a.ok('train', { runId: 1, settings: { epochs: 1, seed: 9 } });
  await a.ok('train', { runId: 2, settings: { epochs: 1, seed: 9 } });  // fresh again: same losses
  assert.deepEqual(losses(a, 2), losses(a, 1));
  await a.ok('train', { runId: 3, fresh: false, settings: { epochs: 1, seed: 9 } });  // continued: lower
  assert.ok(losses(a, 3)[0] < losses(a, 1)[0]);
  const b = harness();
  await b.ok('build', { config: PRESETS.dnn, seed: 9 });
  await b.ok('train', { runId: 1, settings: { epochs: 1, seed: 9 } });
  assert.deepEqual(losses(b, 1), losses(a, 1));
  await b.ok('reset');
  await b.ok('train', { runId: 2, fresh: false, settings: { epochs: 1, seed: 9 } });
  assert.deepEqual(losses(b, 2), losses(a, 1));
});

test('commands that do not fit the state are coded errors, not crashes', async () => {
  const h = harness();
  assert.equal((await h.call('train', { runId: 1, settings: { epochs: 1 } })).error.code, 'worker.noModel');
  await h.ok('build', { config: PRESETS.dnn });
  const bad = await h.call('train', { runId: 1, settings: { epochs: 0 } });
  assert.deepEqual([bad.error.code, bad.error.params.field, bad.error.params.min, bad.error.params.max], ['settings.integer', 'epochs', 1, 1000]);
  assert.equal((await h.call('step')).error.code, 'worker.notPaused');
  assert.equal((await h.call('launch')).error.code, 'worker.unknownCommand');
  const kernel = await h.call('kernels', { layer: 1 });
  assert.deepEqual(kernel.error, { code: 'maps.noKernel', params: { layer: 'dense' } });
  const ev = await h.ok('evaluate');
  assert.equal(ev.probabilities.length, 1000);
  assert.equal(ev.steps, 4);
});

test('predictPixels: the engine\'s probabilities and layer outputs for pixels from the page; a wrong size is a coded error', async () => {
  const h = harness();
  await h.ok('build', { config: PRESETS.lab, seed: 3 });
  const image = Float32Array.from(slices.test.images.subarray(5 * 784, 6 * 784), (v) => v / 255);
  const r = await h.ok('predictPixels', { pixels: image.slice(), layers: [0, 1] });
  assert.equal(r.probabilities.length, 10);
  assert.ok(Math.abs(r.probabilities.reduce((s, p) => s + p, 0) - 1) < 1e-5);
  assert.deepEqual(r.layers.map((l) => l.shape), [[26, 26, 32], [13, 13, 32]]);
  // The same numbers as the feature-map request on the same test image (bytes scaled inside).
  const maps = await h.ok('featureMaps', { images: [5], layers: [0, 1] });
  assert.deepEqual([...r.maps[1]], [...maps.maps[0][1]]);
  const bad = await h.call('predictPixels', { pixels: new Float32Array(10) });
  assert.equal(bad.error.code, 'ownImage.badPixels');
  assert.equal(bad.error.params.expected, 784);
  assert.equal(bad.error.params.got, '10');
});

test('dataset swaps the data after it is read in full; a refused file is one coded error naming it, and the data stays', async () => {
  const e = await engine();
  const h = harness((source, options) => (source ? loadDataset(e, source, options) : { ...slices, name: 'fashion-mnist' }));
  await h.ok('build', { config: PRESETS.lab, seed: 1 });
  const d = await h.ok('dataset', { source: { files: [file('tiny.npz', mnistLikeNpz({ train: 12, test: 6 }))] } });
  assert.deepEqual([d.dataset, d.title, d.trainCount, d.testCount, d.imageShape, d.classes], ['tiny.npz', 'tiny', 12, 6, [4, 4, 1], ['0', '1', '2']]);
  const bad = await h.call('dataset', { source: { files: [file('cut.npz', mnistLikeNpz().slice(0, 60))] } });
  assert.equal(bad.error.code, 'dataset.failed');
  assert.equal(bad.error.params.file, 'cut.npz');
  assert.match(bad.error.params.detail, /^cut\.npz: not a valid zip file or truncated/);
  // The 4×4 set is still the data: the lab model (28×28) cannot take its test images.
  const maps = await h.call('featureMaps', { images: [0], layers: [0] });
  assert.ok(maps.error, 'the 4×4 images are still loaded');
  assert.equal((await h.ok('dataset', { source: { name: 'fashion-mnist' } })).dataset, 'fashion-mnist');
});

test('train with loss categorical_crossentropy fits one-hot rows made from the labels; another loss is refused by name', async () => {
  const h = harness();
  await h.ok('build', { config: PRESETS.lab, seed: 1 });
  const r = await h.ok('train', { runId: 1, settings: { epochs: 1, batchSize: 64, validationSplit: 0.2, samples: 320 }, loss: 'categorical_crossentropy' });
  assert.equal(r.ending, 'finished');
  assert.equal(r.batches, 4);
  assert.ok(Number.isFinite(r.history.val_loss[0]) && Number.isFinite(r.test.loss));
  const bad = await h.call('train', { runId: 2, settings: { epochs: 1 }, loss: 'mse' });
  assert.deepEqual(bad.error, { code: 'worker.loss', params: { loss: 'mse' } });
});

test("train runs the code's ImageDataGenerator and LearningRateScheduler: rates per the schedule, Keras's line in the log", async () => {
  const { parseKerasPython } = await import('../../web/lib/keras_python.mjs');
  const { fit } = parseKerasPython(`model = Sequential([Flatten(input_shape=(28, 28)), Dense(10, activation='softmax')])
datagen = ImageDataGenerator(rotation_range=10, horizontal_flip=True)
def lr_schedule(epoch):
    return 0.01 if epoch < 1 else 0.01 * 0.5 ** epoch
model.fit(datagen.flow(x, y, batch_size=64), epochs=3, callbacks=[LearningRateScheduler(lr_schedule, verbose=1)])`);
  const h = harness();
  await h.ok('build', { config: PRESETS.dnn, seed: 1 });
  const settings = { epochs: fit.epochs, batchSize: fit.batchSize, samples: 320 };
  const done = await h.ok('train', { runId: 1, settings, augment: fit.augment, schedule: fit.schedule });
  // 0.01, then 0.01 * 0.5 and 0.01 * 0.25 (as the optimizer's float32 holds them).
  assert.deepEqual(done.history.learning_rate, [0.01, 0.005, 0.0025].map(Math.fround));
  assert.deepEqual(h.of('epoch').map((e) => e.logs.learning_rate), done.history.learning_rate);
  const notes = h.of('progress').flatMap((p) => p.notes);
  assert.deepEqual(notes, ['', 'Epoch 00001: LearningRateScheduler setting learning rate to 0.01.',
    '', 'Epoch 00002: LearningRateScheduler setting learning rate to 0.005.', '', 'Epoch 00003: LearningRateScheduler setting learning rate to 0.0025.']);
  // The same run without augmentation trains on other pixels: its first loss differs.
  const plain = await h.ok('train', { runId: 2, settings, schedule: fit.schedule });
  assert.notEqual(plain.history.loss[0], done.history.loss[0]);
  const again = await h.ok('train', { runId: 3, settings, augment: fit.augment, schedule: fit.schedule });
  assert.deepEqual(again.history.loss, done.history.loss); // seeded: the same augmentations
});
