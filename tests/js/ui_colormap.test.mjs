import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  colorize, colorizeDiverging, diverging, GREY_BYTES, inferno, INFERNO, INFERNO_BYTES, lutIndex, normalize,
} from '../../web/ui/colormap.mjs';

const luminance = ([r, g, b]) => {
  const lin = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
};

test('inferno has matplotlib\'s 256 entries, from near-black to pale yellow', () => {
  assert.equal(INFERNO.length, 256 * 3);
  assert.deepEqual(inferno(0), [0.001462, 0.000466, 0.013866]);
  assert.deepEqual(inferno(1), [0.988362, 0.998364, 0.644924]);
  // spot checks against matplotlib's _inferno_data rows 64, 128, 192, and the sum of all values
  assert.deepEqual(inferno(64 / 256), [0.3415, 0.062325, 0.429425]);
  assert.deepEqual(inferno(0.5), [0.735683, 0.215906, 0.330245]);
  assert.deepEqual(inferno(192 / 256), [0.978422, 0.557937, 0.034931]);
  assert.ok(Math.abs(INFERNO.reduce((a, b) => a + b, 0) - 317.149384) < 1e-6);
});

test('inferno\'s luminance rises monotonically across the whole table', () => {
  let previous = -1;
  for (let i = 0; i < 256; i++) {
    const y = luminance(inferno((i + 0.5) / 256));
    assert.ok(y > previous, `entry ${i}`);
    previous = y;
  }
});

test('t picks entry floor(t * 256) as matplotlib does, clamped, NaN to 0', () => {
  assert.equal(lutIndex(0), 0);
  assert.equal(lutIndex(1 / 256 - 1e-9), 0);
  assert.equal(lutIndex(1 / 256), 1);
  assert.equal(lutIndex(0.999), 255);
  assert.equal(lutIndex(1), 255);
  assert.equal(lutIndex(-3), 0);
  assert.equal(lutIndex(7), 255);
  assert.equal(lutIndex(NaN), 0);
  assert.deepEqual(inferno(2), inferno(1));
});

test('bytes are floor(channel * 255), like Colormap(x, bytes=True)', () => {
  assert.deepEqual([...INFERNO_BYTES.slice(0, 3)], [0, 0, 3]);
  assert.deepEqual([...INFERNO_BYTES.slice(765)], [252, 254, 164]);
  assert.deepEqual([...GREY_BYTES.slice(3 * 200, 3 * 200 + 3)], [200, 200, 200]);
});

test('normalize finds min and max of a strided slice and skips non-finite values', () => {
  const hwc = Float32Array.from([0, 10, 1, 20, 2, 30, 3, 40]); // 4 pixels x 2 channels
  assert.deepEqual(normalize(hwc, 0, 4, 2), { min: 0, max: 3 });
  assert.deepEqual(normalize(hwc, 1, 4, 2), { min: 10, max: 40 });
  assert.deepEqual(normalize([5, NaN, -1, Infinity]), { min: -1, max: 5 });
  assert.deepEqual(normalize([NaN]), { min: 0, max: 0 });
  assert.deepEqual(normalize(hwc, 2, 2), { min: 1, max: 20 });
});

test('colorize scales each image to its own min/max; a constant image is all t = 0', () => {
  const rgba = colorize(Float32Array.from([2, 4, 6]));
  assert.equal(rgba.length, 12);
  assert.ok(rgba instanceof Uint8ClampedArray);
  assert.deepEqual([...rgba.slice(0, 4)], [0, 0, 3, 255]); // min -> first entry
  assert.deepEqual([...rgba.slice(4, 8)], [...INFERNO_BYTES.slice(128 * 3, 128 * 3 + 3), 255]); // midpoint -> entry 128
  assert.deepEqual([...rgba.slice(8, 12)], [252, 254, 164, 255]); // max -> last entry
  const flat = colorize(new Float32Array([0.7, 0.7, 0.7, 0.7]));
  for (let p = 0; p < 4; p++) assert.deepEqual([...flat.slice(p * 4, p * 4 + 4)], [0, 0, 3, 255]);
});

test('colorize walks a channel of an HWC buffer into a reused buffer, with a fixed range if given', () => {
  const hwc = Float32Array.from([0, 5, 1, 5, 2, 5]);
  const out = new Uint8ClampedArray(12);
  const same = colorize(hwc, 0, 3, { stride: 2, out, lut: GREY_BYTES });
  assert.equal(same, out);
  assert.deepEqual([out[0], out[4], out[8]], [0, 128, 255]); // t = 0.5 -> entry 128
  colorize(hwc, 0, 3, { stride: 2, out, lut: GREY_BYTES, range: { min: 0, max: 4 } });
  assert.deepEqual([out[0], out[4], out[8]], [0, 64, 128]);
});

test('the diverging palette is blue below 0, near-white at 0, red above, and symmetric', () => {
  const [r0, g0, b0] = diverging(0);
  assert.ok(r0 > 240 && g0 > 240 && b0 > 240);
  const [rn, , bn] = diverging(-1);
  const [rp, , bp] = diverging(1);
  assert.ok(bn > rn && rp > bp);
  assert.deepEqual(diverging(-5), diverging(-1));
  const sym = colorizeDiverging(Float32Array.from([-2, 0, 2]));
  assert.deepEqual([...sym.slice(0, 4)], [...diverging(-1), 255]);
  assert.deepEqual([...sym.slice(8, 12)], [...diverging(1), 255]);
  const half = colorizeDiverging(Float32Array.from([1]), 2);
  assert.deepEqual([...half.slice(0, 3)], diverging(0.5));
  assert.deepEqual([...colorizeDiverging(new Float32Array(2)).slice(0, 3)], diverging(0));
});
