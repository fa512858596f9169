// The Keras-style library: fit/evaluate/predict, callbacks inside fit, determinism.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, engine } from '../../web/lib/convlab.mjs';
import { loadFashionMnist } from '../../web/lib/datasets.mjs';
import { PRESETS } from '../../web/lib/presets.mjs';
import { StopAtThreshold, EarlyStopping } from '../../web/lib/callbacks.mjs';

const full = await loadFashionMnist(await engine(), 'train');
const N = 2048;
const images = full.images.subarray(0, N * 784);
const labels = full.labels.subarray(0, N);

async function dnn(seed = 1) {
  const model = await createModel(PRESETS.dnn, { seed });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

test('fit returns a Keras history and the loss falls epoch by epoch', async () => {
  const model = await dnn();
  const h = await model.fit(images, labels, { epochs: 3, batchSize: 32, validationSplit: 0.25 });
  assert.deepEqual(h.epoch, [0, 1, 2]);
  assert.deepEqual(Object.keys(h.history), ['loss', 'accuracy', 'val_loss', 'val_accuracy']);
  assert.equal(h.params.samples, 1536);
  assert.equal(h.params.steps, 48);
  const loss = h.history.loss;
  assert.ok(loss[2] < loss[1] && loss[1] < loss[0], `loss ${loss}`);
  assert.ok(h.history.val_accuracy[2] > 0.6);
  const r = model.evaluate(images.subarray(1536 * 784), labels.subarray(1536));
  assert.ok(Math.abs(r.loss - h.history.val_loss[2]) < 1e-6, 'validation is the last 25% of the data');
  model.dispose();
});

test('the same seed gives the identical loss sequence, batch by batch, twice in a row', async () => {
  const run = async (seed) => {
    const model = await dnn(seed);
    const losses = [];
    await model.fit(images, labels, { epochs: 2, batchSize: 64, callbacks: [{ onBatchEnd: (b, logs) => losses.push(logs.loss) }] });
    model.dispose();
    return losses;
  };
  const a = await run(5);
  assert.equal(a.length, 64);
  assert.deepEqual(await run(5), a);
  assert.notDeepEqual(await run(6), a);
});

// fit() gathers a large training set's batches in JS instead of copying it into the engine
// (MAX_ENGINE_COPY_BYTES); forced here with a 1-byte limit, it must not change a single loss or
// weight, with Dropout's RNG draws in between, on 3 epochs with a partial last batch.
test('batches gathered in JS train bit for bit as the engine\'s own cursor does', async () => {
  const config = { ...PRESETS.dnn, layers: [...PRESETS.dnn.layers.slice(0, -1), { Dropout: { rate: 0.2 } }, PRESETS.dnn.layers.at(-1)] };
  const run = async (maxEngineCopyBytes) => {
    const model = await createModel(config, { seed: 3 });
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const losses = [];
    const h = await model.fit(images.subarray(0, 1000 * 784), labels.subarray(0, 1000), {
      epochs: 3, batchSize: 64, validationSplit: 0.1, maxEngineCopyBytes, callbacks: [{ onBatchEnd: (b, logs) => losses.push(logs.loss) }],
    });
    const weights = model.trainer.getWeights();
    model.dispose();
    return { losses, val: h.history.val_loss, weights: [...weights] };
  };
  const engineCursor = await run(Infinity);
  const inJs = await run(1);
  assert.equal(engineCursor.losses.length, 45);
  assert.deepEqual(inJs.losses, engineCursor.losses);
  assert.deepEqual(inJs.val, engineCursor.val);
  assert.deepEqual(inJs.weights, engineCursor.weights);
  await assert.rejects(async () => {
    const model = await dnn();
    await model.fit(images.subarray(0, 10 * 784), labels.subarray(0, 7), { maxEngineCopyBytes: 1 });
  }, /data 'train': 7 target values for 10 samples/);
});

test('the threshold callback stops training after the first epoch whose accuracy exceeds it', async () => {
  const free = await dnn(3);
  const accuracy = (await free.fit(images, labels, { epochs: 6 })).history.accuracy;
  free.dispose();
  // A threshold between epoch 3's and epoch 4's accuracy (they rise monotonically here).
  for (let i = 1; i < accuracy.length; i++) assert.ok(accuracy[i] > accuracy[i - 1], `accuracy ${accuracy}`);
  const threshold = (accuracy[2] + accuracy[3]) / 2;
  const model = await dnn(3);
  const stopper = new StopAtThreshold({ threshold });
  const h = await model.fit(images, labels, { epochs: 6, callbacks: [stopper] });
  assert.deepEqual(h.epoch, [0, 1, 2, 3]);
  assert.equal(stopper.stoppedEpoch, 3);
  assert.deepEqual(h.history.accuracy, accuracy.slice(0, 4));
  assert.match(stopper.message, /^Reached [\d.]+% accuracy so cancelling training!$/);
  model.dispose();
});

test('EarlyStopping restores the weights of the best epoch when it stops', async () => {
  // 256 training samples and a large learning rate: validation loss soon gets worse.
  const model = await createModel(PRESETS.dnn, { seed: 2 });
  model.compile({ optimizer: 'adam', learningRate: 0.01 });
  const weightsByEpoch = [];
  const early = new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
  const h = await model.fit(images.subarray(0, 512 * 784), labels.subarray(0, 512), {
    epochs: 40, validationSplit: 0.5, callbacks: [{ onEpochEnd: () => weightsByEpoch.push(model.getWeights()) }, early],
  });
  const val = h.history.val_loss;
  const best = val.indexOf(Math.min(...val));
  assert.ok(h.epoch.length < 40, 'stopped early');
  assert.equal(early.stoppedEpoch, h.epoch.at(-1));
  assert.equal(early.stoppedEpoch, best + 2);
  assert.deepEqual(model.getWeights(), weightsByEpoch[best]);
  assert.notDeepEqual(model.getWeights(), weightsByEpoch.at(-1));
  model.dispose();
});

test('fit yields to the event loop between batches', async () => {
  const model = await dnn();
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  await model.fit(images, labels, { epochs: 1, batchSize: 8, yieldMs: 0 });
  clearInterval(timer);
  assert.ok(ticks > 10, `timer ran ${ticks} times during fit`);
  model.dispose();
});

test('stopTraining set from a batch callback stops after that batch', async () => {
  const model = await dnn();
  const seen = [];
  const h = await model.fit(images, labels, {
    epochs: 3, callbacks: [{ onBatchEnd(b) { seen.push(b); if (b === 4) this.model.stopTraining = true; } }],
  });
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
  assert.deepEqual(h.epoch, [0]);
  model.dispose();
});

test('predict and layerOutputs give probabilities and feature maps of the right shapes', async () => {
  const model = await createModel(PRESETS.lab, { seed: 1 });
  model.compile({});
  const three = images.subarray(0, 3 * 784);
  const p = model.predict(three);
  assert.equal(p.length, 30);
  const maps = model.layerOutputs(three, [0, 1, 'conv2d_1', 3]);
  assert.deepEqual(maps.map((m) => m.shape), [[3, 26, 26, 32], [3, 13, 13, 32], [3, 11, 11, 32], [3, 5, 5, 32]]);
  assert.ok(maps[0].data.some((v) => v > 0));
  assert.throws(() => model.layerOutputs(three, ['conv9']), /layerOutputs: no layer "conv9"/);
  model.dispose();
});

test('bad arguments give clear errors and leave the model usable', async () => {
  const model = await dnn();
  await assert.rejects(model.fit(images, labels, { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
  await assert.rejects(model.fit(images.subarray(0, 100), labels), /100 values is not a whole number of samples/);
  await assert.rejects(model.fit(images, labels, { validationSplit: 1 }), /validationSplit must be in \[0, 1\)/);
  const bad = Float32Array.from(labels.subarray(0, 64));
  bad[40] = 11;
  await assert.rejects(model.fit(images.subarray(0, 64 * 784), bad, { epochs: 1, shuffle: false }),
    /^Error: data 'train': label 11 at sample 40 is outside \[0, 10\): the model's last layer has 10 units$/);  // before any batch
  assert.throws(() => model.compile({ metrics: ['mse'] }), /unsupported metric 'mse'/);
  const h = await model.fit(images.subarray(0, 64 * 784), labels.subarray(0, 64));
  assert.ok(Number.isFinite(h.history.loss[0]));
  model.dispose();
});

test('a diverging run stops with the batch named and the last good weights kept', async () => {
  const model = await createModel(PRESETS.dnn, { seed: 1 });
  model.compile({ optimizer: 'sgd', learningRate: 1e30 });
  let good = model.getWeights();
  const err = await model.fit(images, labels, { epochs: 1, callbacks: [{ onBatchEnd: () => { good = model.getWeights(); } }] })
    .then(() => null, (e) => e);
  assert.match(err?.message ?? '', /^epoch 1, batch \d+: training: the loss is (NaN|infinite); this batch's update was skipped/);
  assert.deepEqual(model.getWeights(), good);
  model.dispose();
});
