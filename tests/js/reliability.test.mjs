// Bad input at the library level: every refusal names what is wrong, and nothing in use is
// lost — a failed build, weights load or training step leaves the model and its weights as
// they were, and the model goes on training afterwards.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, engine } from '../../web/lib/convlab.mjs';
import { loadFashionMnist, parseCifar10 } from '../../web/lib/datasets.mjs';
import { PRESETS } from '../../web/lib/presets.mjs';
import { toTfjsArtifacts } from '../../web/lib/tfjs_format.mjs';

let train;
before(async () => {
  const t = await loadFashionMnist(await engine(), 'test');
  train = { images: t.images.slice(0, 256 * 784), labels: t.labels.slice(0, 256) };
});

const SMALL = { input_shape: [28, 28, 1], layers: [{ Conv2D: { filters: 4, kernel_size: 3, activation: 'relu' } }, 'MaxPooling2D', 'Flatten', { Dense: { units: 10, activation: 'softmax' } }] };

test('a model too large for memory is refused with the MB it needs', async () => {
  await assert.rejects(createModel({ input_shape: [28, 28, 1], layers: ['Flatten', { Dense: { units: 16777216 } }] }),
    /^Error: model: needs about \d+ MB of memory for weights and activations at batch 32, more than the 1024 MB limit$/);
});

test('models the engine cannot build say which layer and field', async () => {
  const cases = [
    [{ input_shape: [4], layers: [{ Dense: { units: 0 } }] }, "dense: Dense: argument 'units' must be a positive integer, got 0"],
    [{ input_shape: [4], layers: [{ Dense: { units: '8' } }] }, "dense: Dense: argument 'units' must be a positive integer, got \"8\""],
    [{ input_shape: [4], layers: [{ Dropout: { rate: 1 } }] }, 'dropout: Dropout rate must be in [0, 1), got 1'],
    [{ input_shape: [4], layers: [{ Dense: { units: 2, activation: 'swishy' } }] }, /activation 'swishy'/],
    [{ input_shape: [4], layers: [{ LSTM: { units: 2 } }] }, /^layer 0: unknown layer type 'LSTM'/],
    [{ input_shape: [3, 3, 1], layers: [{ Conv2D: { filters: 1, kernel_size: 5 } }] },
      "conv2d: kernel 5x5 does not fit input (None, 3, 3, 1) with padding='valid' (the output would be -1x-1)"],
  ];
  for (const [config, message] of cases) {
    await assert.rejects(createModel(config), (e) => (typeof message === 'string' ? e.message === message : message.test(e.message)), JSON.stringify(config));
  }
  const model = await createModel(SMALL);
  assert.throws(() => model.compile({ optimizer: 'adamx' }), /adamx/);
  assert.throws(() => model.compile({ loss: 'hinge' }), /hinge/);
  for (const lr of [0, -1, NaN]) assert.throws(() => model.compile({ optimizer: 'sgd', learningRate: lr }), /learning_rate/);
});

test('a failed weights load keeps the weights in use; a good one replaces them', async () => {
  const a = await createModel(SMALL, { seed: 1 });
  const b = await createModel(SMALL, { seed: 2 });
  const { modelJson, weightData } = toTfjsArtifacts(a);
  const before = b.getWeights();
  const truncated = weightData.slice(0, weightData.byteLength - 4);
  assert.throws(() => b.loadWeights(modelJson, truncated), new RegExp(`^Error: weights.bin: ${truncated.byteLength} bytes but the manifest describes`));
  const renamed = structuredClone(modelJson);
  renamed.weightsManifest[0].weights[2].name = 'dense_9/kernel';
  assert.throws(() => b.loadWeights(renamed, weightData), /weight 'dense_9\/kernel' is not in the model/);
  assert.deepEqual(b.getWeights(), before);
  b.loadWeights(modelJson, weightData);
  assert.deepEqual(b.getWeights(), a.getWeights());
});

test('a NaN loss stops fit naming the batch, keeps the last good weights, and training goes on', async () => {
  const model = (await createModel(SMALL)).compile({ optimizer: 'adam' });
  const x = Float32Array.from(train.images.subarray(0, 64 * 784), (v) => v / 255);
  await model.fit(x, train.labels.subarray(0, 64), { epochs: 1, batchSize: 32, shuffle: false });
  const good = model.getWeights();
  x[40 * 784 + 5] = NaN;  // in the second batch
  const seen = [];
  await assert.rejects(model.fit(x, train.labels.subarray(0, 64), { epochs: 1, batchSize: 32, shuffle: false, callbacks: [{ onBatchEnd: (b) => seen.push(b) }] }),
    /^Error: epoch 1, batch 2: training: the loss is NaN; this batch's update was skipped, so the weights are the last good ones$/);
  assert.deepEqual(seen, [0]);
  const afterFirst = model.getWeights();
  assert.notDeepEqual(afterFirst, good, 'batch 1 trained');
  x[40 * 784 + 5] = 0.5;
  await model.fit(x, train.labels.subarray(0, 64), { epochs: 1, batchSize: 32 });  // still trains
  assert.ok(model.getWeights().every(Number.isFinite));
});

test('bad training settings are refused before anything runs', async () => {
  const model = (await createModel(SMALL)).compile();
  const x = train.images.subarray(0, 10 * 784), y = train.labels.subarray(0, 10);
  await assert.rejects(model.fit(x, y, { batchSize: 0 }), /^Error: batchSize must be a positive integer, got 0$/);
  const one = await model.fit(x, y, { batchSize: 11 });
  assert.equal(one.params.steps, 1, 'a batch_size above the sample count is one batch of all of them, as in Keras');
  await assert.rejects(model.fit(x, y.subarray(0, 9), { batchSize: 2 }), /9 target values for 10 samples/);
  const bad = Float32Array.from(y);
  bad[3] = 10;
  await assert.rejects(model.fit(x, bad, { batchSize: 2 }), /label 10.*outside \[0, 10\)/);
});

test('CIFAR-10 images into a 28x28x1 model are refused by shape, even when the sizes divide', async () => {
  const record = new Uint8Array(3073);
  const batch = new Uint8Array(49 * 3073);
  for (let i = 0; i < 49; i++) batch.set(record, i * 3073);
  const cifar = parseCifar10(batch, 'data_batch_1.bin');
  const model = await createModel(PRESETS.lab);
  assert.equal(cifar.images.length % 784, 0, '49 CIFAR images hold a whole number of 28x28 images');
  assert.throws(() => model.checkSampleShape([cifar.rows, cifar.cols, cifar.channels], 'data_batch_1.bin'),
    /^Error: data_batch_1.bin: the images are 32x32x3 but the model's input is \(None, 28, 28, 1\); use a model built for 32x32x3 images/);
  assert.equal(model.checkSampleShape([28, 28, 1]), model);
});
