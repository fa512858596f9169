// Augmentation: exact results on tiny images for each part of the affine map (the expected
// images are written out by hand), their composition order, seeding and option checking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageDataGenerator, transformImage } from '../../web/lib/augment.mjs';

const grid3 = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);

function apply(src, h, w, c, params, fillMode, cval) {
  return Array.from(transformImage(src, new Float32Array(h * w * c), h, w, c, params, fillMode, cval));
}

function randomBatch(length, seed = 3) {
  const x = new Float32Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = s / 2147483648;
  }
  return x;
}

const bytes = (f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength);

test('with no augmentation the batch is unchanged bit for bit', () => {
  const x = randomBatch(5 * 6 * 7 * 3);
  x[0] = -0;
  x[1] = NaN;
  const before = x.slice();
  const out = new ImageDataGenerator().augmentBatch(x, 5, 6, 7, 3);
  assert.equal(out, x);
  assert.ok(bytes(x).equals(bytes(before)));
  // Explicit zero ranges, flips off and a zoom pair of [1, 1] are the same.
  const y = before.slice();
  new ImageDataGenerator({ rotationRange: 0, zoomRange: [1, 1], widthShiftRange: 0, seed: 9 }).augmentBatch(y, 5, 6, 7, 3);
  assert.ok(bytes(y).equals(bytes(before)));
});

test('a horizontal flip mirrors the columns, channel by channel', () => {
  assert.deepEqual(apply(grid3, 3, 3, 1, { flip: true }), [3, 2, 1, 6, 5, 4, 9, 8, 7]);
  assert.deepEqual(apply(grid3, 3, 3, 1, { flipVertical: true }), [7, 8, 9, 4, 5, 6, 1, 2, 3]);
  // 1x3 image, 2 channels: pixels (1,10) (2,20) (3,30).
  const rgb = Float32Array.from([1, 10, 2, 20, 3, 30]);
  assert.deepEqual(apply(rgb, 1, 3, 2, { flip: true }), [3, 30, 2, 20, 1, 10]);
});

test('an integer shift translates the image, filling by the chosen mode', () => {
  const src = Float32Array.from({ length: 25 }, (_, i) => i + 1);  // 5x5, row r = 5r+1 .. 5r+5
  // Independent expectation: out(r, c) = src(r + dy, c + dx) with coordinates clamped.
  const shifted = (dx, dy) => {
    const out = [];
    const clamp = (v) => Math.min(Math.max(v, 0), 4);
    for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) out.push(src[clamp(r + dy) * 5 + clamp(c + dx)]);
    return out;
  };
  assert.deepEqual(apply(src, 5, 5, 1, { tx: 2 }), shifted(2, 0));
  assert.deepEqual(apply(src, 5, 5, 1, { ty: -1 }), shifted(0, -1));
  assert.deepEqual(apply(src, 5, 5, 1, { tx: -3, ty: 2 }), shifted(-3, 2));
  assert.deepEqual(apply(src, 5, 5, 1, { tx: 2 }).slice(0, 5), [3, 4, 5, 5, 5]);
  assert.deepEqual(apply(src, 5, 5, 1, { tx: 2 }, 'constant').slice(0, 5), [3, 4, 5, 0, 0]);
  assert.deepEqual(apply(src, 5, 5, 1, { tx: 2 }, 'constant', -1).slice(5, 10), [8, 9, 10, -1, -1]);
  assert.deepEqual(apply(src, 5, 5, 1, { tx: 2 }, 'reflect').slice(0, 5), [3, 4, 5, 5, 4]);
  assert.deepEqual(apply(src, 5, 5, 1, { tx: 2 }, 'wrap').slice(0, 5), [3, 4, 5, 1, 2]);
});

test('rotations by multiples of 90 degrees are exact turns about the centre', () => {
  // Positive theta turns the picture counter-clockwise (np.rot90).
  assert.deepEqual(apply(grid3, 3, 3, 1, { theta: 90 }), [3, 6, 9, 2, 5, 8, 1, 4, 7]);
  assert.deepEqual(apply(grid3, 3, 3, 1, { theta: -90 }), [7, 4, 1, 8, 5, 2, 9, 6, 3]);
  assert.deepEqual(apply(grid3, 3, 3, 1, { theta: 180 }), [9, 8, 7, 6, 5, 4, 3, 2, 1]);
  // An even size turns about a point between pixels: still exact.
  const g4 = Float32Array.from({ length: 16 }, (_, i) => i);
  const rot90 = [];
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) rot90.push(g4[c * 4 + (3 - r)]);
  assert.deepEqual(apply(g4, 4, 4, 1, { theta: 90 }), rot90);
  // With a constant fill, border pixels whose coordinates land a rounding error outside the
  // image must still be copied, not filled.
  for (const theta of [90, -90, 180, 270, 450]) {
    assert.deepEqual(apply(g4, 4, 4, 1, { theta }, 'constant', -1), apply(g4, 4, 4, 1, { theta }, 'nearest'), `theta ${theta}`);
  }
  assert.deepEqual(apply(g4, 4, 4, 1, { theta: 270 }), apply(g4, 4, 4, 1, { theta: -90 }));
  // A non-square image turns about its own centre: the middle row of a 3x5 stays in place
  // under 180 degrees, reversed.
  const g35 = Float32Array.from({ length: 15 }, (_, i) => i);
  assert.deepEqual(apply(g35, 3, 5, 1, { theta: 180 }).slice(5, 10), [9, 8, 7, 6, 5]);
});

test('fractional coordinates are interpolated bilinearly, edges by fill mode', () => {
  const ramp = Float32Array.from([0, 10, 20, 30]);  // 1x4
  assert.deepEqual(apply(ramp, 1, 4, 1, { tx: 0.5 }), [5, 15, 25, 30]);
  assert.deepEqual(apply(ramp, 1, 4, 1, { tx: 0.5 }, 'constant'), [5, 15, 25, 0]);
  assert.deepEqual(apply(ramp, 1, 4, 1, { tx: 0.5 }, 'reflect'), [5, 15, 25, 30]);
  assert.deepEqual(apply(ramp, 1, 4, 1, { tx: 0.5 }, 'wrap'), [5, 15, 25, 15]);
  assert.deepEqual(apply(ramp, 1, 4, 1, { tx: -0.25 }, 'reflect'), [0, 7.5, 17.5, 27.5]);
  // Both axes: the centre of a 2x2 square is the mean of its corners.
  const sq = Float32Array.from([0, 4, 8, 12]);
  assert.deepEqual(apply(sq, 2, 2, 1, { tx: 0.5, ty: 0.5 }), [6, 8, 10, 12]);
});

test('zoom scales sampling about the centre: > 1 zooms out, < 1 zooms in', () => {
  const line = Float32Array.from([0, 1, 2, 3, 4]);  // 1x5, centre 2
  assert.deepEqual(apply(line, 1, 5, 1, { zx: 2 }), [0, 0, 2, 4, 4]);
  assert.deepEqual(apply(line, 1, 5, 1, { zx: 0.5 }), [1, 1.5, 2, 2.5, 3]);
  // zy acts on rows only.
  const column = Float32Array.from([0, 1, 2, 3, 4]);  // 5x1
  assert.deepEqual(apply(column, 5, 1, 1, { zy: 0.5 }), [1, 1.5, 2, 2.5, 3]);
  assert.deepEqual(apply(column, 5, 1, 1, { zx: 0.5 }), [0, 1, 2, 3, 4]);
});

test('the parts compose as Keras: rotation . shift . zoom, then the flip', () => {
  // Output (r, c) samples the input at row c + 1, column 2 - r: the shift is taken along the
  // turned axes, so theta=90, tx=1 is not "shift, then turn the result".
  assert.deepEqual(apply(grid3, 3, 3, 1, { theta: 90, tx: 1 }), [6, 9, 9, 5, 8, 8, 4, 7, 7]);
  // The flip mirrors the shifted image: [2, 3, 3] reversed, not the flipped image shifted.
  const row = Float32Array.from([1, 2, 3]);
  assert.deepEqual(apply(row, 1, 3, 1, { tx: 1, flip: true }), [3, 3, 2]);
  // Zoom before shift: the shift is in output pixels, not scaled by the zoom.
  const line = Float32Array.from([0, 1, 2, 3, 4]);
  assert.deepEqual(apply(line, 1, 5, 1, { zx: 0.5, tx: 1 }), [2, 2.5, 3, 3.5, 4]);
});

test('the same seed gives the same augmentations; another seed does not', () => {
  const options = { rotationRange: 20, widthShiftRange: 0.2, heightShiftRange: 0.1, zoomRange: 0.2, horizontalFlip: true };
  const run = (seed) => {
    const x = randomBatch(4 * 8 * 8 * 3);
    const g = new ImageDataGenerator({ ...options, seed });
    g.augmentBatch(x, 4, 8, 8, 3);
    const first = x.slice();
    g.augmentBatch(x, 4, 8, 8, 3);
    return [first, x];
  };
  const [a1, a2] = run(7);
  const [b1, b2] = run(7);
  const [c1] = run(8);
  assert.ok(bytes(a1).equals(bytes(b1)));
  assert.ok(bytes(a2).equals(bytes(b2)));
  assert.ok(!bytes(a1).equals(bytes(c1)));
  assert.ok(!bytes(a1).equals(bytes(randomBatch(4 * 8 * 8 * 3))));
});

test('random transforms stay within their ranges and flips happen about half the time', () => {
  const g = new ImageDataGenerator({ rotationRange: 30, widthShiftRange: 0.25, heightShiftRange: 3.5, zoomRange: [0.8, 1.1], horizontalFlip: true, seed: 5 });
  const draws = Array.from({ length: 2000 }, () => g.getRandomTransform(10, 8));
  const range = (key) => [Math.min(...draws.map((d) => d[key])), Math.max(...draws.map((d) => d[key]))];
  const within = ([lo, hi], min, max) => lo >= min && hi <= max && lo < min + 0.1 * (max - min) && hi > max - 0.1 * (max - min);
  assert.ok(within(range('theta'), -30, 30), String(range('theta')));
  assert.ok(within(range('tx'), -2, 2), String(range('tx')));  // 0.25 of the width 8
  assert.ok(within(range('ty'), -3.5, 3.5), String(range('ty')));  // pixels
  assert.ok(within(range('zx'), 0.8, 1.1) && within(range('zy'), 0.8, 1.1));
  assert.ok(draws.some((d) => d.zx !== d.zy));
  const flips = draws.filter((d) => d.flip).length;
  assert.ok(flips > 900 && flips < 1100, String(flips));
  assert.ok(draws.every((d) => d.flipVertical === false));
});

test('an integer shift range draws whole pixels from (-r, r), as Keras does for ints', () => {
  const g = new ImageDataGenerator({ widthShiftRange: 2, seed: 11 });
  const values = new Set(Array.from({ length: 300 }, () => g.getRandomTransform(8, 8).tx));
  assert.deepEqual([...values].map((v) => v + 0).sort(), [-1, 0, 1]);
  const h = new ImageDataGenerator({ heightShiftRange: 2.5, seed: 11 });
  assert.ok(Array.from({ length: 50 }, () => h.getRandomTransform(8, 8).ty).some((v) => !Number.isInteger(v)));
});

test('a flipping generator mirrors some images and leaves the rest exactly as they were', () => {
  const n = 16;
  const x = new Float32Array(n * 9);
  for (let i = 0; i < n; i++) x.set(grid3, i * 9);
  new ImageDataGenerator({ horizontalFlip: true, seed: 2 }).augmentBatch(x, n, 3, 3, 1);
  const images = Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * 9, i * 9 + 9)).join());
  const flipped = images.filter((s) => s === '3,2,1,6,5,4,9,8,7').length;
  const same = images.filter((s) => s === '1,2,3,4,5,6,7,8,9').length;
  assert.equal(flipped + same, n);
  assert.ok(flipped > 0 && same > 0);
});

test('augmentBatch only touches the first n images of a longer buffer', () => {
  const x = randomBatch(3 * 16);
  const tail = x.slice(2 * 16);
  new ImageDataGenerator({ rotationRange: 45, seed: 4 }).augmentBatch(x, 2, 4, 4, 1);
  assert.ok(bytes(x.subarray(2 * 16)).equals(bytes(tail)));
});

test('options and arguments are checked with clear messages', () => {
  const cases = [
    [() => new ImageDataGenerator({ rotation_range: 10 }), "ImageDataGenerator: unknown option 'rotation_range' (did you mean 'rotationRange'?)"],
    [() => new ImageDataGenerator({ horizontalFlips: true }), "ImageDataGenerator: unknown option 'horizontalFlips' (did you mean 'horizontalFlip'?)"],
    [() => new ImageDataGenerator({ shearRange: 0.2 }), /^ImageDataGenerator: unknown option 'shearRange' \(options: widthShiftRange, heightShiftRange, /],
    [() => new ImageDataGenerator({ fillMode: 'mirror' }), "ImageDataGenerator: fillMode must be one of 'nearest', 'constant', 'reflect', 'wrap', got 'mirror'"],
    [() => new ImageDataGenerator({ zoomRange: [1.2, 0.8] }), 'ImageDataGenerator: zoomRange must give 0 <= lo <= hi, got [1.2, 0.8]'],
    [() => new ImageDataGenerator({ zoomRange: [0.8] }), 'ImageDataGenerator: zoomRange must be a number or a [lo, hi] pair of numbers, got [0.8]'],
    [() => new ImageDataGenerator({ zoomRange: -0.1 }), 'ImageDataGenerator: zoomRange must be a finite number >= 0, got -0.1'],
    [() => new ImageDataGenerator({ rotationRange: -5 }), 'ImageDataGenerator: rotationRange must be a finite number >= 0, got -5'],
    [() => new ImageDataGenerator({ horizontalFlip: 'yes' }), "ImageDataGenerator: horizontalFlip must be true or false, got 'yes'"],
    [() => new ImageDataGenerator({ seed: 1.5 }), 'ImageDataGenerator: seed must be an integer in [0, 4294967295], got 1.5'],
    [() => new ImageDataGenerator().augmentBatch(new Float32Array(10), 1, 2, 2, 3),
      'ImageDataGenerator.augmentBatch: x has 10 values, fewer than n*height*width*channels = 1*2*2*3 = 12'],
    [() => new ImageDataGenerator().augmentBatch([1, 2], 1, 1, 2, 1), 'ImageDataGenerator.augmentBatch: x must be a Float32Array, got [1, 2]'],
    [() => new ImageDataGenerator().augmentBatch(new Float32Array(4), 1, 0, 2, 2), 'ImageDataGenerator.augmentBatch: height must be an integer >= 1, got 0'],
    [() => transformImage(grid3, new Float32Array(9), 3, 3, 1, { rotation: 90 }), "transformImage: unknown option 'rotation' (options: theta, tx, ty, zx, zy, flip, flipVertical)"],
    [() => transformImage(grid3, new Float32Array(9), 3, 3, 1, { thetta: 90 }), "transformImage: unknown option 'thetta' (did you mean 'theta'?)"],
    [() => transformImage(grid3, grid3, 3, 3, 1, { theta: 90 }), 'transformImage: src and dst overlap; transform into a separate buffer'],
    [() => transformImage(grid3, new Float32Array(8), 3, 3, 1, {}), 'transformImage: src and dst need 3*3*1 = 9 values, got 9 and 8'],
  ];
  for (const [make, message] of cases) assert.throws(make, { message });
});
