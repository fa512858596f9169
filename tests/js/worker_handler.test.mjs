// The Worker's command handler, driven from Node with the real engine and a small data slice.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, engine } from '../../web/lib/convlab.mjs';
import { loadFashionMnist } from '../../web/lib/datasets.mjs';
import { PRESETS } from '../../web/lib/presets.mjs';
import { createHandler } from '../../web/worker/handler.mjs';

let slices;
before(async () => {
  const e = await engine();
  const [train, test] = await Promise.all([loadFashionMnist(e, 'train'), loadFashionMnist(e, 'test')]);
  const cut = (d, n) => ({ ...d, count: n, images: d.images.slice(0, n * 784), labels: d.labels.slice(0, n) });
  slices = { train: cut(train, 640), test: cut(test, 100) };
});

function harness() {
  const events = [];
  const waiters = [];
  const post = (msg) => {
    events.push(msg);
    for (const w of [...waiters]) if (w.match(msg)) { waiters.splice(waiters.indexOf(w), 1); w.ok(msg); }
  };
  const handle = createHandler({ post, loadData: async () => slices, createModel });
  const next = (type, pred = () => true) => new Promise((ok) => waiters.push({ match: (m) => m.type === type && pred(m), ok }));
  const of = (type) => events.filter((m) => m.type === type);
  return { handle, next, of, events };
}

test('build reports the model; a bad config is an error and keeps the model', async () => {
  const h = harness();
  await h.handle({ type: 'build', config: PRESETS.lab, seed: 1 });
  const model = h.of('model')[0];
  assert.equal(model.params, 113386);
  assert.match(model.summary, /conv2d_1 \(Conv2D\)/);
  await h.handle({ type: 'build', config: { input_shape: [28, 28, 1], layers: [{ Dense: { units: 0 } }] } });
  assert.match(h.of('error')[0].message, /units/);
  assert.equal(h.of('error')[0].during, 'build');
  await h.handle({ type: 'featureMaps', id: 1 });
  const maps = h.of('featureMaps')[0];
  assert.deepEqual(maps.layers.map((l) => l.shape), [[26, 26, 32], [13, 13, 32], [11, 11, 32], [5, 5, 32]]);
  assert.equal(maps.maps.length, 3);
  assert.equal(maps.maps[0][0].length, 26 * 26 * 32);
});

test('train runs to done with progress points, epochs and a test result', async () => {
  const h = harness();
  await h.handle({ type: 'build', config: PRESETS.dnn, seed: 1 });
  await h.handle({ type: 'train', epochs: 2, batchSize: 32 });
  const done = h.of('done')[0];
  assert.equal(done.history.loss.length, 2);
  assert.ok(done.test.accuracy > 0.5);
  const points = h.of('progress').flatMap((p) => p.points);
  assert.deepEqual(points.map((p) => p.step), Array.from({ length: 40 }, (_, i) => i + 1));
  // The per-batch losses average back to the epoch's logged loss.
  const mean = points.slice(0, 20).reduce((s, p) => s + p.loss, 0) / 20;
  assert.ok(Math.abs(mean - done.history.loss[0]) < 1e-9);
  assert.deepEqual(h.of('state').map((s) => s.state), ['training', 'idle']);
  assert.deepEqual(h.of('epoch').map((e) => e.epoch), [0, 1]);
});

test('pause, step and resume move the batch counter as expected; stop ends the run', async () => {
  const h = harness();
  await h.handle({ type: 'build', config: PRESETS.dnn, seed: 1 });
  const running = h.handle({ type: 'train', epochs: 50, batchSize: 8 });
  await h.next('progress');
  await h.handle({ type: 'pause' });
  const paused = await h.next('progress');  // posted when the loop reaches the pause
  const at = paused.points.at(-1).step;
  await new Promise((ok) => setTimeout(ok, 50));
  assert.equal(h.of('progress').at(-1).points.at(-1).step, at, 'no batch runs while paused');
  await h.handle({ type: 'step' });
  const stepped = await h.next('progress', (p) => p.points.at(-1).step > at);
  assert.equal(stepped.points.at(-1).step, at + 1, 'step runs exactly one batch');
  await new Promise((ok) => setTimeout(ok, 50));
  assert.equal(h.of('progress').at(-1).points.at(-1).step, at + 1);
  await h.handle({ type: 'resume' });
  await h.next('progress', (p) => p.points.at(-1).step > at + 3);
  await h.handle({ type: 'stop' });
  await running;
  const done = h.of('done')[0];
  assert.equal(done.stopReason, 'stopped');
  assert.ok(done.history.loss.length < 50);
  assert.equal(h.of('state').at(-1).state, 'idle');
});

test('pings are answered mid-run, between batches, and while paused (the page heartbeat)', async () => {
  const h = harness();
  await h.handle({ type: 'build', config: PRESETS.dnn, seed: 1 });
  const running = h.handle({ type: 'train', epochs: 50, batchSize: 8 });
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
  assert.equal(h.of('done').length, 0, 'every pong came during the run');
  await h.handle({ type: 'pause' });
  assert.equal(h.of('state').at(-1).state, 'paused');
  const pong = h.next('pong');
  await ping(6);
  assert.deepEqual(await pong, { type: 'pong', seq: 6 });
  await h.handle({ type: 'stop' });
  await running;
  assert.equal(h.of('pong').length, 6);
  assert.equal(h.of('done')[0].stopReason, 'stopped');
});

test('reset returns to the same initial weights; a seed gives the same first losses', async () => {
  const first = async () => {
    const h = harness();
    await h.handle({ type: 'build', config: PRESETS.dnn, seed: 9 });
    await h.handle({ type: 'train', epochs: 1 });
    return h;
  };
  const a = await first();
  const b = await first();
  const losses = (h) => h.of('progress').flatMap((p) => p.points).slice(0, 10).map((p) => p.loss);
  assert.deepEqual(losses(a), losses(b));
  await a.handle({ type: 'reset' });
  await a.handle({ type: 'train', epochs: 1 });
  const again = a.of('progress').flatMap((p) => p.points).slice(20, 30).map((p) => p.loss);
  assert.deepEqual(again, losses(b));
});

test('commands that do not fit the state are errors, not crashes', async () => {
  const h = harness();
  await h.handle({ type: 'train', epochs: 1 });
  assert.match(h.of('error')[0].message, /no model yet/);
  await h.handle({ type: 'build', config: PRESETS.dnn });
  await h.handle({ type: 'train', epochs: 0 });
  assert.match(h.of('error')[1].message, /epochs must be an integer from 1 to 1000, got 0/);
  await h.handle({ type: 'step' });
  assert.match(h.of('error')[2].message, /step works while paused/);
  await h.handle({ type: 'launch' });
  assert.match(h.of('error')[3].message, /unknown command "launch"/);
  await h.handle({ type: 'kernels', layer: 1 });
  assert.match(h.of('error')[4].message, /has no convolution kernel/);
  await h.handle({ type: 'evaluate' });
  const ev = h.of('evaluation')[0];
  assert.equal(ev.probabilities.length, 1000);
});
