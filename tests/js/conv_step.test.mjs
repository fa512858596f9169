// The step-through's arithmetic (web/lib/conv_step.mjs) against the engine: at every output
// position of a 'valid', a 'same' and a strided Conv2D, and of a max pooling, the products'
// sum + bias → activation is the engine's own output pixel; and the window geometry against
// TensorFlow's formulas on hand-made cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModel } from '../../web/lib/convlab.mjs';
import { createHandler } from '../../web/worker/handler.mjs';
import { window1d, stepConfig, geometry, windowCells, convStep, poolStep, movePosition, pixelAt, activate } from '../../web/lib/conv_step.mjs';

test('window geometry is TensorFlow\'s: valid, same, strided, with the extra padding after', () => {
  assert.deepEqual(window1d(28, 3, 1, 'valid'), { out: 26, padBefore: 0 });
  assert.deepEqual(window1d(28, 3, 1, 'same'), { out: 28, padBefore: 1 });
  assert.deepEqual(window1d(28, 3, 2, 'same'), { out: 14, padBefore: 0 });  // total 1: all after
  assert.deepEqual(window1d(28, 5, 2, 'same'), { out: 14, padBefore: 1 });  // total 3: 1 before, 2 after
  assert.deepEqual(window1d(27, 2, 2, 'valid'), { out: 13, padBefore: 0 });
  assert.deepEqual(window1d(2, 3, 1, 'valid'), { out: 0, padBefore: 0 });
  const conv = stepConfig('Conv2D', { kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' });
  assert.deepEqual(conv, { kind: 'conv', window: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu', useBias: true });
  assert.deepEqual(stepConfig('MaxPooling2D', { pool_size: [2, 2], strides: null }).strides, [2, 2]);
  assert.equal(stepConfig('Dense', {}), null);
  assert.deepEqual(geometry([5, 5, 1], conv), { outH: 3, outW: 3, padTop: 1, padLeft: 1 });
  const { top, left, cells } = windowCells([5, 5, 1], conv, 0, 2);
  assert.deepEqual([top, left], [-1, 3]);
  assert.deepEqual(cells.filter((c) => c.inside).map((c) => [c.iy, c.ix]), [[0, 3], [0, 4], [1, 3], [1, 4]]);
  assert.throws(() => windowCells([5, 5, 1], conv, 3, 0), /outside the 3×3 output/);
  assert.deepEqual(movePosition({ row: 0, col: 2 }, 1, 3, 3), { row: 1, col: 0 });
  assert.deepEqual(movePosition({ row: 0, col: 0 }, -1, 3, 3), { row: 2, col: 2 });
  assert.equal(activate('relu', -2), 0);
  assert.equal(activate('softmax', 1), null);
});

test('a 2×2 convolution by hand: patch, products, sum, bias and ReLU', () => {
  const input = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);  // 3×3×1
  const kernel = Float32Array.from([1, 0, 0, -1]);  // 2×2×1×1: top-left − bottom-right
  const layer = stepConfig('Conv2D', { kernel_size: [2, 2], activation: 'relu' });
  const s = convStep({ input, inputShape: [3, 3, 1], kernel, kernelShape: [2, 2, 1, 1], bias: [0.5], filter: 0, layer, row: 1, col: 0 });
  assert.deepEqual(Array.from(s.values), [4, 5, 7, 8]);
  assert.deepEqual(Array.from(s.products), [4, 0, 0, -8]);
  assert.equal(s.sum, -4);
  assert.equal(s.preActivation, -3.5);
  assert.equal(s.output, 0);
  const pool = poolStep({ input, inputShape: [3, 3, 1], channel: 0, layer: stepConfig('MaxPooling2D', { pool_size: [2, 2], padding: 'same' }), row: 1, col: 1 });
  assert.deepEqual(pool.values, [9, null, null, null]);
  assert.equal(pool.output, 9);
  assert.deepEqual([pool.from.iy, pool.from.ix], [2, 2]);
});

// A model with each kind of window; trained for a few batches so that the biases are not 0.
const CONFIG = {
  input_shape: [28, 28, 1],
  layers: [
    { Conv2D: { filters: 4, kernel_size: 3, activation: 'relu' } },                            // valid
    { Conv2D: { filters: 3, kernel_size: 3, padding: 'same', activation: 'linear' } },         // same, 4 channels in
    { Conv2D: { filters: 2, kernel_size: 5, strides: 2, padding: 'same', activation: 'tanh' } },  // strided
    { MaxPooling2D: { pool_size: 2, padding: 'same' } },
    'Flatten', { Dense: { units: 10, activation: 'softmax' } },
  ],
};

test('at every position of a valid, a same and a strided conv, sum + bias → activation is the engine\'s output', async () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const images = Float32Array.from({ length: 64 * 784 }, rand);
  const labels = Float32Array.from({ length: 64 }, (_, i) => i % 10);
  const posted = [];
  const handle = createHandler({ post: (m) => posted.push(m), loadData: async () => ({ train: { images, labels, count: 64 }, test: { images, labels, count: 64, rows: 28, cols: 28, channels: 1 } }), createModel });
  const call = async (type, payload) => {
    const id = posted.length + 1000;
    await handle({ type, id, ...payload });
    const reply = posted.find((m) => m.type === 'reply' && m.id === id);
    assert.equal(reply.error, undefined, JSON.stringify(reply.error));
    return reply.result;
  };
  await call('build', { config: CONFIG, seed: 3 });
  await call('train', { runId: 1, settings: { epochs: 1, batchSize: 16, learningRate: 0.01 } });
  const pixels = images.slice(5 * 784, 6 * 784);
  for (const layer of [0, 1, 2]) {
    const r = await call('stepThrough', { layer, pixels: pixels.slice() });
    const config = stepConfig(r.layer.className, r.layer.config);
    const { outH, outW } = geometry(r.input.shape, config);
    assert.deepEqual([outH, outW], r.output.shape.slice(0, 2), `layer ${layer}: output size`);
    assert.ok(r.bias.some((b) => Math.abs(b) > 1e-4), 'trained biases');
    let worst = 0;
    for (let filter = 0; filter < r.kernel.shape[3]; filter++) {
      for (let row = 0; row < outH; row++) {
        for (let col = 0; col < outW; col++) {
          const s = convStep({ input: r.input.data, inputShape: r.input.shape, kernel: r.kernel.data, kernelShape: r.kernel.shape, bias: r.bias, filter, layer: config, row, col });
          assert.equal(s.count, config.window[0] * config.window[1] * r.input.shape[2]);
          worst = Math.max(worst, Math.abs(s.output - pixelAt(r.output.data, r.output.shape, row, col, filter)));
        }
      }
    }
    assert.ok(worst < 1e-5, `layer ${layer} (${config.padding}, strides ${config.strides}): worst difference ${worst}`);
  }
  const r = await call('stepThrough', { layer: 3, pixels: pixels.slice() });
  const config = stepConfig(r.layer.className, r.layer.config);
  const { outH, outW } = geometry(r.input.shape, config);
  for (let channel = 0; channel < r.input.shape[2]; channel++) {
    for (let row = 0; row < outH; row++) {
      for (let col = 0; col < outW; col++) {
        const s = poolStep({ input: r.input.data, inputShape: r.input.shape, channel, layer: config, row, col });
        assert.equal(s.output, pixelAt(r.output.data, r.output.shape, row, col, channel));
        assert.equal(pixelAt(r.input.data, r.input.shape, s.from.iy, s.from.ix, channel), s.output);
      }
    }
  }
});
