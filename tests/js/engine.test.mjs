// The wasm module under Node: the facade end to end, errors as JS Errors, determinism, heap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { loadEngine } from '../../web/lib/engine.mjs';
import { loadFashionMnist, parseIdxImages, parseIdxLabels } from '../../web/lib/datasets.mjs';
import { PRESETS } from '../../web/lib/presets.mjs';

const engine = await loadEngine();
const train = await loadFashionMnist(engine, 'train');

function batch(start, n) {
  const x = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) x[i] = train.images[start * 784 + i] / 255;
  return { x, y: train.labels.slice(start, start + n) };
}

function lab(seed = 1) {
  const t = new engine.Trainer(JSON.stringify(PRESETS.lab), seed, undefined);
  t.compile('adam', 'sparse_categorical_crossentropy');
  return t;
}

test('the lab preset builds with Keras names, shapes and 113,386 params', () => {
  const t = lab();
  const layers = JSON.parse(t.describe());
  assert.deepEqual(layers.map((l) => l.name),
    ['conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'flatten', 'dense', 'dense_1']);
  assert.deepEqual(layers[2].output_shape, [11, 11, 32]);
  assert.match(t.summary(), /Total params: 113,386\n/);
  assert.deepEqual(layers.map((l) => l.params), [320, 0, 9248, 0, 0, 102528, 1290]);
  t.delete();
});

test('training on real Fashion-MNIST batches lowers the loss', () => {
  const t = lab();
  const losses = [];
  for (let i = 0; i < 40; i++) {
    const { x, y } = batch(i * 32, 32);
    losses.push(t.trainOnBatch(x, y).loss);
  }
  const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(mean(losses.slice(-8)) < 0.8 * mean(losses.slice(0, 8)), `losses ${losses}`);
  const probs = t.layerOutput(batch(5000, 4).x, -1);
  assert.equal(probs.length, 40);
  for (let r = 0; r < 4; r++) {
    const sum = probs.slice(r * 10, r * 10 + 10).reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5);
  }
  t.delete();
});

test('the same seed gives the same losses; another seed does not', () => {
  const run = (seed) => {
    const t = lab(seed);
    const out = [];
    for (let i = 0; i < 5; i++) out.push(t.trainOnBatch(batch(i * 32, 32).x, batch(i * 32, 32).y).loss);
    t.delete();
    return out;
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
});

test('engine errors arrive as JS Errors and leave the model as it was', () => {
  const t = lab();
  const before = t.getWeights();
  assert.throws(() => t.trainOnBatch(new Float32Array(100), new Float32Array(1)),
    { message: /^train_on_batch: got 100 input values, not a whole number of samples/ });
  assert.throws(() => t.trainOnBatch(batch(0, 2).x, new Float32Array([1, 10])),
    { message: /labels: label 10 at index 1 is outside \[0, 10\)/ });
  assert.deepEqual(t.getWeights(), before);
  assert.throws(() => new engine.Trainer('{"input_shape": [28, 28, 1], "layers": [{"Conv2D": {"filters": 32, "kernel_size": 3, "activatoin": "relu"}}]}', 1, undefined),
    { message: "conv2d: Conv2D: unknown argument 'activatoin' (did you mean 'activation'?)" });
  assert.throws(() => t.setWeights(new Float32Array(3)), { message: /^weights: the model has 113386 weight values/ });
  assert.ok(Number.isFinite(t.trainOnBatch(batch(0, 8).x, batch(0, 8).y).loss));  // still usable
  t.delete();
});

test('the in-engine epoch cursor trains without copying batches and the heap stays put', () => {
  const t = lab();
  t.setData('train', train.images.subarray(0, 3200 * 784), train.labels.subarray(0, 3200));
  t.startTraining(32, true);
  for (let i = 0; i < 10; i++) t.trainStep();  // warm: every buffer sized
  const heap = engine.heapSize();
  let last;
  for (let i = 0; i < 100; i++) last = t.trainStep();
  assert.equal(engine.heapSize(), heap);
  assert.equal(last.epoch, 1);
  assert.equal(last.batch, 9);
  assert.equal(last.batches, 100);
  t.delete();
});

test('IDX parsing errors name the file', () => {
  assert.throws(() => parseIdxImages(engine, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 0]), 'train-labels.idx'),
    { message: 'train-labels.idx: wrong magic number 2049 (expected 2051 for IDX images); this looks like a labels file' });
  const truncated = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7]);
  assert.throws(() => parseIdxImages(engine, truncated, 'tiny-images'),
    { message: 'tiny-images: header says 2 images of 2x2 (8 bytes of pixels) but the file has 7 (truncated)' });
  assert.throws(() => parseIdxLabels(engine, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 1, 2]), 'tiny-labels'),
    { message: 'tiny-labels: header says 3 labels but the file has 2 (truncated)' });
});

test('IDX images are read in place: the pixels are a view of the file, the header checked by the engine', async () => {
  const file = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 40]);
  const images = parseIdxImages(engine, file, 'tiny-images');
  assert.deepEqual({ count: images.count, rows: images.rows, cols: images.cols }, { count: 2, rows: 1, cols: 2 });
  assert.equal(images.pixels.buffer, file.buffer);
  assert.deepEqual([...images.pixels], [10, 20, 30, 40]);
  assert.deepEqual([...parseIdxLabels(engine, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]), 'tiny-labels')], [7, 9]);
  // The real training set (47 MB of pixels) leaves a fresh engine's heap as it was.
  const fresh = await loadEngine();
  const heap = fresh.heapSize();
  const train = await loadFashionMnist(fresh, 'train');
  assert.equal(train.count, 60000);
  assert.equal(fresh.heapSize(), heap);
});

test('the wasm glue has no eval and runs with code generation from strings disabled', async () => {
  const glue = await readFile(new URL('../../web/wasm/convlab.mjs', import.meta.url), 'utf8');
  assert.doesNotMatch(glue, /new Function|\beval\(/);
  const script = `import { loadEngine } from ${JSON.stringify(new URL('../../web/lib/engine.mjs', import.meta.url).href)};
    const e = await loadEngine(); const t = new e.Trainer('{"input_shape":[4],"layers":[{"Dense":{"units":2,"activation":"softmax"}}]}', 1, undefined);
    t.compile('adam', 'sparse_categorical_crossentropy');
    console.log(t.trainOnBatch(new Float32Array(4), new Float32Array([1])).size);`;
  const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script]);
  assert.equal(out.toString().trim(), '1');
});
