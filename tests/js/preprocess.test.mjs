import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromRgba, borderMean, toSquare, resizeArea, invert, preprocess } from '../../web/lib/preprocess.mjs';

// An RGBA image from a function (x, y) -> [r, g, b, a] in bytes.
function rgba(width, height, f) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(f(x, y), (y * width + x) * 4);
  return { width, height, data };
}
const grey = (width, height, values) => ({ width, height, channels: 1, data: Float32Array.from(values) });
const close = (a, b, tol = 1e-6) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol, `at ${i}: ${v} vs ${b[i]}`));

test('fromRgba: BT.601 luma for grey, channels kept for RGB, transparency over white', () => {
  const img = rgba(3, 1, (x) => [[255, 0, 0, 255], [0, 0, 255, 255], [0, 0, 0, 0]][x]);
  close(fromRgba(img, 1).data, [0.299, 0.114, 1]);
  close(fromRgba(img, 3).data, [1, 0, 0, 0, 0, 1, 1, 1, 1]);
  const half = rgba(1, 1, () => [0, 0, 0, 255 * 0.5]);
  close(fromRgba(half, 1).data, [0.5], 0.003);
  assert.throws(() => fromRgba(img, 2), /channels must be 1 or 3, got 2/);
});

test('toSquare pads the short side with the border mean, centred; crop keeps the centre', () => {
  // 2 wide, 4 tall: padding adds one column each side; border = every pixel here.
  const tall = grey(2, 4, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(borderMean(tall), [4.5]);
  const padded = toSquare(tall, 'pad');
  assert.equal(padded.width, 4);
  assert.equal(padded.height, 4);
  assert.deepEqual([...padded.data], [4.5, 1, 2, 4.5, 4.5, 3, 4, 4.5, 4.5, 5, 6, 4.5, 4.5, 7, 8, 4.5]);
  const cropped = toSquare(tall, 'crop');
  assert.equal(cropped.width, 2);
  assert.deepEqual([...cropped.data], [3, 4, 5, 6]);
  const square = grey(2, 2, [1, 2, 3, 4]);
  assert.deepEqual([...toSquare(square, 'pad').data], [1, 2, 3, 4]);
  assert.throws(() => toSquare(square, 'stretch'), /'pad' or 'crop', got stretch/);
});

test('resizeArea: integer shrink is the block mean, so an upscaled image comes back exactly', () => {
  const small = grey(3, 2, [0.1, 0.5, 0.9, 0.3, 0.7, 0.2]);
  // Nearest-neighbour upscale by 4 (what the e2e test does to a test image).
  const big = grey(12, 8, Array.from({ length: 96 }, (_, i) => small.data[Math.floor(Math.floor(i / 12) / 4) * 3 + Math.floor((i % 12) / 4)]));
  close(resizeArea(big, 3, 2).data, small.data);
  close(resizeArea(grey(2, 2, [0, 1, 2, 3]), 1, 1).data, [1.5]);
});

test('resizeArea: fractional shrink weights partly covered pixels and keeps the mean', () => {
  // 3 -> 2: output 0 covers pixel 0 fully and half of pixel 1.
  close(resizeArea(grey(3, 1, [0, 3, 6]), 2, 1).data, [1, 5]);
  const values = Array.from({ length: 35 }, (_, i) => (i * 7) % 11);
  const out = resizeArea(grey(7, 5, values), 3, 2).data;
  const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(Math.abs(mean(out) - mean(values)) < 1e-5);
});

test('invert and the whole pipeline: steps are kept, only the last is inverted', () => {
  close(invert(grey(2, 1, [0.25, 1])).data, [0.75, 0]);
  const img = rgba(8, 4, (x) => (x < 4 ? [0, 0, 0, 255] : [255, 255, 255, 255]));
  const steps = preprocess(img, { shape: [2, 2, 1], square: 'crop' });
  assert.equal(steps.square.width, 4);
  close(steps.input.data, [0, 1, 0, 1]);  // the centre 4×4: two black columns, two white
  const flipped = preprocess(rgba(2, 2, (x) => (x ? [255, 255, 255, 255] : [0, 0, 0, 255])), { shape: [2, 2, 1], invert: true });
  close(flipped.resized.data, [0, 1, 0, 1]);
  close(flipped.input.data, [1, 0, 1, 0]);
  assert.equal(preprocess(img, { shape: [4, 4, 3] }).input.data.length, 48);
});
