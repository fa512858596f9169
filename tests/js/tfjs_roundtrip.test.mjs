// Models that leave and come back: convlab's export loads in TensorFlow.js (tf.loadLayersModel)
// and predicts what convlab predicts; what TF.js itself saves, and Keras's model.to_json(),
// load into convlab. TF.js runs on its pure-JS CPU backend (no tfjs-node, no network).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { createModel, engine } from '../../web/lib/convlab.mjs';
import { loadFashionMnist } from '../../web/lib/datasets.mjs';
import { PRESETS } from '../../web/lib/presets.mjs';
import { toTfjsArtifacts, modelFromTfjs } from '../../web/lib/tfjs_format.mjs';

// TF.js greets Node users on its first kernel run ("install tfjs-node"); keep test output clean.
tf.env().set('IS_NODE', false);

const CLI = new URL('../../bin/convlab.mjs', import.meta.url).pathname;
const N = 1000;  // test images predicted by both
const BN_DROPOUT = {
  input_shape: [28, 28, 1],
  layers: [
    { Conv2D: { filters: 16, kernel_size: 3, activation: 'relu' } }, 'BatchNormalization', 'MaxPooling2D',
    { Dropout: { rate: 0.25 } }, { Conv2D: { filters: 16, kernel_size: 3, activation: 'relu', padding: 'same' } },
    'MaxPooling2D', 'Flatten', { Dense: { units: 64, activation: 'relu' } }, { Dropout: { rate: 0.5 } },
    { Dense: { units: 10, activation: 'softmax' } },
  ],
};
let train, testSet, x;

before(async () => {
  const e = await engine();
  [train, testSet] = await Promise.all([loadFashionMnist(e, 'train'), loadFashionMnist(e, 'test')]);
  x = Float32Array.from(testSet.images.subarray(0, N * 784), (v) => v / 255);
});

async function trained(config, samples = 1920) {
  const model = await createModel(config, { seed: 3 });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  await model.fit(train.images.subarray(0, samples * 784), train.labels.subarray(0, samples), { epochs: 1, batchSize: 64 });
  return model;
}

// A TF.js IOHandler over bytes in memory: no file:// fetch involved.
const memoryHandler = (modelJson, weightData) => ({
  load: async () => ({
    modelTopology: modelJson.modelTopology, format: modelJson.format, generatedBy: modelJson.generatedBy,
    weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights), weightData,
  }),
});

function tfPredict(tfModel, images = x) {
  const input = tf.tensor4d(images, [images.length / 784, 28, 28, 1]);
  const out = tfModel.predict(input);
  const data = out.dataSync();
  tf.dispose([input, out]);
  return data;
}

function maxAbsDiff(a, b) {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

const argmax = (p, i) => { let best = 0; for (let c = 1; c < 10; c++) if (p[i * 10 + c] > p[i * 10 + best]) best = c; return best; };

for (const [name, config] of [['lab', PRESETS.lab], ['BatchNormalization + Dropout', BN_DROPOUT]]) {
  test(`a trained ${name} model loads in TF.js and predicts ${N} test images as convlab does (1e-4)`, async () => {
    const model = await trained(config);
    const ours = model.predict(x);
    const { modelJson, weightData } = toTfjsArtifacts(model);
    // Through JSON text, as the files travel.
    const tfModel = await tf.loadLayersModel(memoryHandler(JSON.parse(JSON.stringify(modelJson)), weightData));
    const theirs = tfPredict(tfModel);
    assert.ok(maxAbsDiff(ours, theirs) < 1e-4, `max |difference| ${maxAbsDiff(ours, theirs)}`);
    let correct = 0;
    for (let i = 0; i < N; i++) correct += argmax(theirs, i) === testSet.labels[i];
    assert.ok(correct / N > 0.5, `TF.js accuracy of the exported model ${correct / N}`);
    tfModel.dispose();
    model.dispose();
  });
}

test('the files `convlab train --save` writes load in TF.js and predict as `convlab` does', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convlab-tfjs-'));
  const idx = (magic, dims, body) => {
    const header = Buffer.alloc(4 + 4 * dims.length);
    header.writeUInt32BE(magic, 0);
    dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
    return gzipSync(Buffer.concat([header, Buffer.from(body)]));
  };
  for (const [prefix, data, n] of [['train', train, 640], ['t10k', testSet, 64]]) {
    await writeFile(join(dir, `${prefix}-images-idx3-ubyte.gz`), idx(2051, [n, 28, 28], data.images.subarray(0, n * 784)));
    await writeFile(join(dir, `${prefix}-labels-idx1-ubyte.gz`), idx(2049, [n], Uint8Array.from(data.labels.subarray(0, n))));
  }
  await writeFile(join(dir, 'bn.json'), JSON.stringify(BN_DROPOUT));
  const r = await new Promise((ok) => execFile(process.execPath,
    [CLI, 'train', '--model', join(dir, 'bn.json'), '--epochs', '1', '--data', dir, '--save', join(dir, 'run')],
    (err, stdout, stderr) => ok({ code: err?.code ?? 0, stderr })));
  assert.equal(r.code, 0, r.stderr);
  const modelJson = JSON.parse(await readFile(join(dir, 'run', 'model.json'), 'utf8'));
  const bytes = await readFile(join(dir, 'run', 'weights.bin'));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const tfModel = await tf.loadLayersModel(memoryHandler(modelJson, weightData));
  const back = await modelFromTfjs(createModel, modelJson, weightData);
  const images = x.subarray(0, 200 * 784);
  assert.ok(maxAbsDiff(back.predict(images), tfPredict(tfModel, images)) < 1e-4);
  tfModel.dispose();
  back.dispose();
});

// What TF.js's own model.save() hands to a save handler.
async function tfjsSaved(tfModel) {
  let artifacts;
  await tfModel.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return {
    modelJson: { format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] },
    weightData: artifacts.weightData,
  };
}

test('a model saved by TF.js loads into convlab (weights by name) and predicts as TF.js does', async () => {
  tf.util.seedrandom?.('convlab');
  const tfModel = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: 'relu' }),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 32, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  // Non-trivial BatchNormalization statistics, so that mixing up weights would show.
  const bn = tfModel.layers[1];
  bn.setWeights(bn.getWeights().map((w, i) => tf.add(w, tf.randomUniform(w.shape, 0.1 * (i + 1), 0.2 * (i + 1)))));
  const { modelJson, weightData } = await tfjsSaved(tfModel);
  // TF.js lists trainable weights first, then moving statistics: an order convlab does not use.
  assert.deepEqual(modelJson.weightsManifest[0].weights.map((w) => w.name.split('/').pop()).slice(-2), ['moving_mean', 'moving_variance']);
  const model = await modelFromTfjs(createModel, JSON.parse(JSON.stringify(modelJson)), weightData);
  const images = x.subarray(0, 300 * 784);
  assert.ok(maxAbsDiff(model.predict(images), tfPredict(tfModel, images)) < 1e-4);
  model.dispose();
  tfModel.dispose();
});

test('unsupported layers are refused by name; wrong weights name the weight', async () => {
  const tfModel = tf.sequential({
    layers: [tf.layers.lstm({ inputShape: [28, 28], units: 8, name: 'lstm' }), tf.layers.dense({ units: 10, activation: 'softmax' })],
  });
  const { modelJson, weightData } = await tfjsSaved(tfModel);
  await assert.rejects(modelFromTfjs(createModel, modelJson, weightData), { message: /^layer 'lstm' \(LSTM\) is not supported by convlab/ });
  tfModel.dispose();

  const model = await createModel(PRESETS.dnn);
  const good = toTfjsArtifacts(model);
  const bad = structuredClone(good.modelJson);
  bad.weightsManifest[0].weights[0].name = 'dense/kernal';
  await assert.rejects(modelFromTfjs(createModel, bad, good.weightData), /no weight for dense\/kernel/);
  await assert.rejects(modelFromTfjs(createModel, good.modelJson, good.weightData.slice(4)), /weights\.bin: \d+ bytes but model\.json describes/);
  model.dispose();
});

test("Keras's model.to_json() (tf.keras 2.x and Keras 3) loads into convlab", async () => {
  for (const [file, params] of [['keras2_lab.json', 113386], ['keras3_bn_dropout.json', 160 + 64 + 27050]]) {
    const text = await readFile(new URL(`../fixtures/keras/${file}`, import.meta.url), 'utf8');
    const model = await createModel(text);
    assert.match(model.summary(), new RegExp(`Total params: ${params.toLocaleString('en')}`), file);
    const { modelJson, weightData } = toTfjsArtifacts(model);
    const back = await modelFromTfjs(createModel, modelJson, weightData);
    assert.deepEqual(back.getWeights(), model.getWeights(), `${file}: weights survive export and import`);
    back.dispose();
    model.dispose();
  }
});

test('weights named in another scheme are matched by order of layer and parameter', async () => {
  const model = await createModel(PRESETS.lab, { seed: 5 });
  const { modelJson, weightData } = toTfjsArtifacts(model);
  for (const w of modelJson.weightsManifest[0].weights) w.name = w.name.replace(/^([a-z0-9_]+?)(_\d+)?\//, (_, base, n) => `${base}_${base}${Number(n?.slice(1) ?? 0) + 1}/`);
  assert.equal(modelJson.weightsManifest[0].weights[2].name, 'conv2d_conv2d2/kernel');
  const back = await modelFromTfjs(createModel, modelJson, weightData);
  assert.deepEqual(back.getWeights(), model.getWeights());
  back.dispose();
  model.dispose();
});
