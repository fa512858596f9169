// Dataset loading on small files written here (IDX pairs, CIFAR-10 batches), the errors for bad
// files, toCategorical, and one check on the real Fashion-MNIST test set.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { loadEngine } from '../../web/lib/engine.mjs';
import {
  loadIdxPair, loadFashionMnist, parseCifar10, toCategorical, CIFAR10_CLASSES,
} from '../../web/lib/datasets.mjs';

const engine = await loadEngine();
const dir = await mkdtemp(join(tmpdir(), 'convlab-datasets-'));
after(() => rm(dir, { recursive: true, force: true }));

async function put(name, bytes) {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

function be32(...values) {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v, 4 * i));
  return b;
}

const idxImages = (pixels, count, rows, cols) => Buffer.concat([be32(0x803, count, rows, cols), Buffer.from(pixels)]);
const idxLabels = (labels) => Buffer.concat([be32(0x801, labels.length), Buffer.from(labels)]);

// 3 images of 4x5, pixel k of image i = 20i + k; labels 7, 0, 9.
const PIXELS = Uint8Array.from({ length: 3 * 20 }, (_, k) => k);
const LABELS = [7, 0, 9];

test('an IDX pair is gunzipped and parsed, with channels 1', async () => {
  const images = await put('small-images-idx3-ubyte.gz', gzipSync(idxImages(PIXELS, 3, 4, 5)));
  const labels = await put('small-labels-idx1-ubyte.gz', gzipSync(idxLabels(LABELS)));
  const data = await loadIdxPair(engine, images, labels);
  assert.equal(data.count, 3);
  assert.equal(data.rows, 4);
  assert.equal(data.cols, 5);
  assert.equal(data.channels, 1);
  assert.ok(data.images instanceof Uint8Array);
  assert.deepEqual(Array.from(data.images), Array.from(PIXELS));
  assert.ok(data.labels instanceof Float32Array);
  assert.deepEqual(Array.from(data.labels), LABELS);
  // A file: URL reads the same file.
  const again = await loadIdxPair(engine, pathToFileURL(images), pathToFileURL(labels).href);
  assert.deepEqual(again.images, data.images);
});

test('uncompressed IDX files are read as they are', async () => {
  const images = await put('raw-images-idx3-ubyte', idxImages(PIXELS, 3, 4, 5));
  const labels = await put('raw-labels-idx1-ubyte.gz', idxLabels(LABELS));  // a browser may have gunzipped it
  const data = await loadIdxPair(engine, images, labels);
  assert.deepEqual(Array.from(data.images), Array.from(PIXELS));
  assert.deepEqual(Array.from(data.labels), LABELS);
});

test('bad IDX files are reported with their names', async () => {
  const goodLabels = await put('ok-labels.gz', gzipSync(idxLabels(LABELS)));
  const goodImages = await put('ok-images.gz', gzipSync(idxImages(PIXELS, 3, 4, 5)));
  const gz = gzipSync(idxImages(PIXELS, 3, 4, 5));

  const notGzip = await put('text-images.gz', Buffer.from('this is not compressed at all'));
  await assert.rejects(loadIdxPair(engine, notGzip, goodLabels), { message: 'text-images.gz: not a gzip file' });

  const truncated = await put('cut-images.gz', gz.subarray(0, gz.length - 12));
  await assert.rejects(loadIdxPair(engine, truncated, goodLabels), { message: 'cut-images.gz: truncated or corrupt gzip data' });

  const corrupt = Buffer.from(gz);
  corrupt[corrupt.length - 6] ^= 0xff;  // the CRC
  await assert.rejects(loadIdxPair(engine, await put('crc-images.gz', corrupt), goodLabels),
    { message: 'crc-images.gz: truncated or corrupt gzip data' });

  const empty = await put('empty-labels.gz', Buffer.alloc(0));
  await assert.rejects(loadIdxPair(engine, goodImages, empty), { message: 'empty-labels.gz: the file is empty' });

  await assert.rejects(loadIdxPair(engine, goodLabels, goodLabels),
    { message: 'ok-labels.gz: wrong magic number 2049 (expected 2051 for IDX images); this looks like a labels file' });

  const twoLabels = await put('two-labels.gz', gzipSync(idxLabels([1, 2])));
  await assert.rejects(loadIdxPair(engine, goodImages, twoLabels), { message: 'ok-images.gz has 3 images but two-labels.gz has 2 labels' });

  // The header promises more images than the file holds.
  const short = await put('short-images.gz', gzipSync(idxImages(PIXELS.subarray(0, 50), 3, 4, 5)));
  await assert.rejects(loadIdxPair(engine, short, goodLabels), { message: /^short-images\.gz: / });

  await assert.rejects(loadIdxPair(engine, join(dir, 'missing-images.gz'), goodLabels), { message: /ENOENT.*missing-images\.gz/ });
});

// CIFAR-10 records: label, then 1024 red, 1024 green, 1024 blue bytes.
const red = (i, p) => p % 251;
const green = (i, p) => 100 + i;
const blue = (i, p) => (p * 7 + i) % 256;

function cifarBatch(labels) {
  const bytes = new Uint8Array(labels.length * 3073);
  labels.forEach((label, i) => {
    const r = i * 3073;
    bytes[r] = label;
    for (let p = 0; p < 1024; p++) {
      bytes[r + 1 + p] = red(i, p);
      bytes[r + 1 + 1024 + p] = green(i, p);
      bytes[r + 1 + 2048 + p] = blue(i, p);
    }
  });
  return bytes;
}

test('a CIFAR-10 batch becomes channels-last images', () => {
  const data = parseCifar10(cifarBatch([3, 0, 9]), 'tiny.bin');
  assert.equal(data.count, 3);
  assert.deepEqual([data.rows, data.cols, data.channels], [32, 32, 3]);
  assert.deepEqual(Array.from(data.labels), [3, 0, 9]);
  assert.ok(data.labels instanceof Float32Array);
  assert.equal(data.images.length, 3 * 32 * 32 * 3);
  // Image 2, row 1, column 2 is plane offset 34: (34, 102, 240).
  const at = (i, row, col) => Array.from(data.images.subarray(((i * 32 + row) * 32 + col) * 3, ((i * 32 + row) * 32 + col) * 3 + 3));
  assert.deepEqual(at(2, 1, 2), [34, 102, 240]);
  assert.deepEqual(at(0, 0, 0), [0, 100, 0]);
  assert.deepEqual(at(1, 31, 31), [1023 % 251, 101, (1023 * 7 + 1) % 256]);
  for (let i = 0; i < 3; i++) {
    for (let p = 0; p < 1024; p++) {
      const o = (i * 1024 + p) * 3;
      if (data.images[o] !== red(i, p) || data.images[o + 1] !== green(i, p) || data.images[o + 2] !== blue(i, p)) {
        assert.fail(`image ${i} pixel ${p}`);
      }
    }
  }
  assert.equal(CIFAR10_CLASSES[data.labels[0]], 'cat');
});

test('bad CIFAR-10 batches are reported with their names', async () => {
  assert.throws(() => parseCifar10(new Uint8Array(3073 * 2 + 5), 'b.bin'),
    { message: 'b.bin: 6151 bytes is not a whole number of 3073-byte CIFAR-10 records' });
  assert.throws(() => parseCifar10(new Uint8Array(0), 'e.bin'), { message: 'e.bin: the file is empty' });
  const badLabel = cifarBatch([1, 10, 2]);
  assert.throws(() => parseCifar10(badLabel, 'l.bin'), { message: 'l.bin: record 1 has label 10, outside 0..9' });
  assert.throws(() => parseCifar10(new Uint8Array(3074 * 3), 'c100.bin'),
    { message: 'c100.bin: 9222 bytes is not a whole number of 3073-byte CIFAR-10 records; its length fits 3074-byte CIFAR-100 records (two label bytes), which this loader does not read' });
  const tar = new Uint8Array(1024);
  tar.set(Buffer.from('ustar'), 257);
  assert.throws(() => parseCifar10(tar, 'cifar-10-binary.tar'), { message: /; it is a tar archive: extract/ });
});

test('toCategorical writes one-hot rows as Keras to_categorical', () => {
  assert.deepEqual(Array.from(toCategorical([0, 2, 1], 3)), [1, 0, 0, 0, 0, 1, 0, 1, 0]);
  const inferred = toCategorical(Float32Array.from([1, 3]));
  assert.ok(inferred instanceof Float32Array);
  assert.deepEqual(Array.from(inferred), [0, 1, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(Array.from(toCategorical(Uint8Array.from([9]), 10)), [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.equal(toCategorical([], 10).length, 0);
  const cases = [
    [() => toCategorical([0, 1.5], 3), 'toCategorical: label 1.5 at index 1 is not an integer'],
    [() => toCategorical([0, 1, 3], 3), 'toCategorical: label 3 at index 2 is outside [0, 3)'],
    [() => toCategorical([-1], 3), 'toCategorical: label -1 at index 0 is outside [0, 3)'],
    [() => toCategorical([NaN], 3), 'toCategorical: label NaN at index 0 is not an integer'],
    [() => toCategorical(['1'], 3), "toCategorical: label '1' at index 0 is not an integer"],
    [() => toCategorical([1], 0), 'toCategorical: numClasses must be an integer >= 1, got 0'],
    [() => toCategorical([]), 'toCategorical: give numClasses; it cannot be inferred from no labels'],
    [() => toCategorical('012', 3), "toCategorical: labels must be an array of class indices, got '012'"],
  ];
  for (const [call, message] of cases) assert.throws(call, { message });
});

test('the real Fashion-MNIST test set: 10,000 28x28 images, first label 9', async () => {
  const data = await loadFashionMnist(engine, 'test');
  assert.equal(data.count, 10000);
  assert.deepEqual([data.rows, data.cols, data.channels], [28, 28, 1]);
  assert.equal(data.images.length, 10000 * 784);
  assert.equal(data.labels.length, 10000);
  assert.equal(data.labels[0], 9);
  const counts = new Array(10).fill(0);
  for (const l of data.labels) counts[l]++;
  assert.deepEqual(counts, new Array(10).fill(1000));
});
