import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canvasSize, describeShape, extractChannel, isSpatial, kernelLimit, kernelSlice, maxAbs, upscaleFactor,
} from '../../web/ui/feature_maps.mjs';

// A 2x3 map with 4 channels where value = 100*channel + 10*y + x, laid out NHWC (N = 1).
function hwc(h, w, c) {
  const data = new Float32Array(h * w * c);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) data[(y * w + x) * c + ch] = 100 * ch + 10 * y + x;
  return data;
}

test('extractChannel takes one channel of an NHWC map, row-major', () => {
  const data = hwc(2, 3, 4);
  assert.deepEqual([...extractChannel(data, [2, 3, 4], 1)], [100, 101, 102, 110, 111, 112]);
  assert.deepEqual([...extractChannel(data, [2, 3, 4], 3)], [300, 301, 302, 310, 311, 312]);
  const out = new Float32Array(6);
  assert.equal(extractChannel(data, [2, 3, 4], 0, out), out);
  assert.deepEqual([...out], [0, 1, 2, 10, 11, 12]);
});

test('extractChannel refuses a channel the layer does not have, or too little data', () => {
  assert.throws(() => extractChannel(hwc(2, 2, 2), [2, 2, 2], 2), /channel 2 out of range for shape 2×2×2/);
  assert.throws(() => extractChannel(hwc(2, 2, 2), [2, 2, 2], -1), RangeError);
  assert.throws(() => extractChannel(new Float32Array(3), [2, 2, 1], 0), /needs 4/);
});

test('the course grid\'s shapes: Conv2D 26x26x32 -> filter 1 is every 32nd value from 1', () => {
  const data = Float32Array.from({ length: 26 * 26 * 32 }, (_, i) => i);
  const plane = extractChannel(data, [26, 26, 32], 1);
  assert.equal(plane.length, 676);
  assert.equal(plane[0], 1);
  assert.equal(plane[675], 675 * 32 + 1);
});

test('kernelSlice reads an HWIO kernel for one input channel or the mean over them', () => {
  // 2x2 kernel, 2 input channels, 3 filters: value = 100*filter + 10*ci + position
  const [kh, kw, cin, f] = [2, 2, 2, 3];
  const data = new Float32Array(kh * kw * cin * f);
  for (let p = 0; p < kh * kw; p++) for (let ci = 0; ci < cin; ci++) for (let fi = 0; fi < f; fi++) data[(p * cin + ci) * f + fi] = 100 * fi + 10 * ci + p;
  assert.deepEqual([...kernelSlice(data, [2, 2, 2, 3], 2)], [200, 201, 202, 203]);
  assert.deepEqual([...kernelSlice(data, [2, 2, 2, 3], 2, 1)], [210, 211, 212, 213]);
  assert.deepEqual([...kernelSlice(data, [2, 2, 2, 3], 0, 'mean')], [5, 6, 7, 8]);
  assert.throws(() => kernelSlice(data, [2, 2, 2, 3], 3), /filter 3 out of range/);
  assert.throws(() => kernelSlice(data, [2, 2, 2, 3], 0, 2), /input channel 2 out of range/);
});

test('kernels share one symmetric scale: the largest |weight| over all filters', () => {
  const data = Float32Array.from([0.1, -0.5, 0.2, 0.3]); // 1x1 kernel, 2 input channels, 2 filters
  assert.equal(kernelLimit(data, [1, 1, 2, 2], 0), Math.fround(0.5));
  assert.equal(kernelLimit(data, [1, 1, 2, 2], 1), Math.fround(0.3));
  assert.ok(Math.abs(kernelLimit(data, [1, 1, 2, 2], 'mean') - 0.15) < 1e-7);
  assert.equal(maxAbs([0, -2, NaN, 1]), 2);
  assert.equal(maxAbs([]), 0);
});

test('layout: whole upscale factors that reach the display size times the pixel ratio', () => {
  assert.equal(upscaleFactor(26, 26, 160), 7);
  assert.equal(upscaleFactor(26, 26, 160, 2), 13);
  assert.equal(upscaleFactor(5, 5, 160), 32);
  assert.equal(upscaleFactor(300, 300, 160), 1);
  assert.deepEqual(canvasSize(13, 13, 160), { width: 169, height: 169 });
  assert.deepEqual(canvasSize(3, 5, 48), { width: 50, height: 30 });
});

test('shapes: which can be drawn as maps, and how they are written', () => {
  assert.equal(isSpatial([26, 26, 32]), true);
  assert.equal(isSpatial([5408]), false);
  assert.equal(isSpatial([0, 3, 3]), false);
  assert.equal(describeShape([26, 26, 32]), '26×26×32');
});
