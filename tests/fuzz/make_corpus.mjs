// Writes the fuzz harnesses' seed corpus (tests/fuzz/corpus/<harness>/) from real inputs: the
// first records of Fashion-MNIST, the preset configs in both forms, a Keras 3 config and a
// saved TF.js model.json with its weights. Run after a wasm build; the output is committed.
//   node tests/fuzz/make_corpus.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { PRESETS } from '../../web/lib/presets.mjs';
import { createModel } from '../../web/lib/convlab.mjs';
import { toTfjsArtifacts } from '../../web/lib/tfjs_format.mjs';
import { npy } from '../js/data_fixtures.mjs';

const root = new URL('./corpus/', import.meta.url);
const write = (harness, name, data) => {
  mkdirSync(new URL(`${harness}/`, root), { recursive: true });
  writeFileSync(new URL(`${harness}/${name}`, root), data);
};

// IDX: selector byte (1 images, 0 labels) + the file's first records with a matching header.
const fm = '/usr/share/datasets/fashion-mnist';
const images = gunzipSync(readFileSync(`${fm}/t10k-images-idx3-ubyte.gz`));
const labels = gunzipSync(readFileSync(`${fm}/t10k-labels-idx1-ubyte.gz`));
for (const count of [1, 2]) {
  const img = Buffer.from(images.subarray(0, 16 + count * 784));
  img.writeUInt32BE(count, 4);
  write('idx', `images-${count}`, Buffer.concat([Buffer.from([1]), img]));
  const lab = Buffer.from(labels.subarray(0, 8 + count));
  lab.writeUInt32BE(count, 4);
  write('idx', `labels-${count}`, Buffer.concat([Buffer.from([0]), lab]));
}
const tiny = Buffer.from([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 9, 8, 7, 6]);
write('idx', 'images-2x2', Buffer.concat([Buffer.from([1]), tiny]));

// .npy: what np.save writes for the arrays of a Keras .npz (and a few valid odd ones).
write('npy', 'u1-images', npy('|u1', [2, 3, 3], new Array(18).fill(0).map((_, i) => i)));
write('npy', 'f4-images', npy('<f4', [2, 2], [0, 0.5, 1, 0.25]));
write('npy', 'i8-labels', npy('<i8', [3], [3, 1, 4]));
write('npy', 'scalar', npy('|u1', [], [7]));
write('npy', 'fortran', npy('|u1', [2, 3], new Array(6).fill(0), { fortran: true }));
write('npy', 'v2', npy('|u1', [4], [1, 2, 3, 4], { version: 2 }));

// Keras configs: presets as written (terse) and as Keras's to_json() (what the app saves).
for (const [name, config] of Object.entries(PRESETS)) {
  write('keras_config', `${name}.terse.json`, JSON.stringify(config));
  const model = await createModel(config, { seed: 1 });
  write('keras_config', `${name}.keras2.json`, model.toJSON());
  model.dispose();
}
write('keras_config', 'keras3.json', JSON.stringify({
  module: 'keras', class_name: 'Sequential', config: {
    name: 'seq', trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } },
    layers: [
      { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 6, 6, 1], dtype: 'float32', sparse: false, name: 'input_layer' } },
      { module: 'keras.layers', class_name: 'Conv2D', config: {
        name: 'c', trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } },
        filters: 2, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last',
        dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true,
        kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null } },
        bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {} },
        kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 } },
        bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null } },
      { module: 'keras.layers', class_name: 'BatchNormalization', config: { name: 'bn', momentum: 0.99, epsilon: 0.001 } },
      { module: 'keras.layers', class_name: 'Dropout', config: { name: 'drop', rate: 0.25 } },
      { module: 'keras.layers', class_name: 'Flatten', config: { name: 'flat' } },
      { module: 'keras.layers', class_name: 'Dense', config: { name: 'out', units: 3, activation: 'softmax' } },
    ] } }));

// Weights: the model fuzz_weights.cpp loads into, saved as TF.js artifacts. Input format:
// manifest JSON, a NUL byte, the weights bytes.
const small = { input_shape: [6, 6, 1], layers: [
  { Conv2D: { filters: 2, kernel_size: 3, activation: 'relu' } }, 'BatchNormalization', 'MaxPooling2D', 'Flatten',
  { Dense: { units: 3, activation: 'softmax' } }] };
const model = await createModel(small, { seed: 2 });
const { modelJson, weightData } = toTfjsArtifacts(model);
write('keras_config', 'saved-model-topology.json', JSON.stringify(modelJson.modelTopology));
const nul = Buffer.from([0]);
write('weights', 'model.json+weights.bin', Buffer.concat([Buffer.from(JSON.stringify(modelJson)), nul, Buffer.from(weightData)]));
write('weights', 'manifest+weights.bin', Buffer.concat([Buffer.from(JSON.stringify(modelJson.weightsManifest)), nul, Buffer.from(weightData)]));
const prefixed = structuredClone(modelJson.weightsManifest);
for (const w of prefixed[0].weights) w.name = `sequential/${w.name}:0`;
prefixed[0].paths = ['group1-shard1of1.bin'];
write('weights', 'prefixed-names', Buffer.concat([Buffer.from(JSON.stringify(prefixed)), nul, Buffer.from(weightData)]));
model.dispose();
