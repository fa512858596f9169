// Every dataset reader of web/lib/data on small files the tests make (tests/js/data_fixtures.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engine } from '../../web/lib/convlab.mjs';
import { loadDataset, checkModelFits, classSamples } from '../../web/lib/data/load.mjs';
import { TarWalker } from '../../web/lib/data/tar.mjs';
import { decodeImage } from '../../bin/decode_image.mjs';
import {
  npy, npz, mnistLikeNpz, tinyImages, idxImages, idxLabels, gz, cifarBatch, cifarTarGz, cifarPickle, tar, png, jpg, file,
} from './data_fixtures.mjs';

const e = await engine();
const load = (files, options) => loadDataset(e, { files }, options);

test('the built-in MNIST digits: 7,996 training and 2,004 test images of 28x28, classes 0-9, all ten in both splits', async () => {
  const d = await loadDataset(e, { name: 'mnist' });
  assert.equal(d.title, 'MNIST digits');
  assert.deepEqual(d.shape, [28, 28, 1]);
  assert.deepEqual(d.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal(d.train.count, 7996);
  assert.equal(d.test.count, 2004);
  assert.equal(d.train.images.length, 7996 * 784);
  for (const split of [d.train, d.test]) assert.deepEqual([...new Set(split.labels)].sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // Mixed, not sorted by class: the last 10 % (what validation_split holds out) has every digit.
  assert.equal(new Set(d.train.labels.subarray(7200)).size, 10);
});

test('.npz: stored and deflated members read the same; x_train uint8 images and y_train labels in order', async () => {
  for (const level of [0, 6]) {
    const d = await load([file('tiny.npz', mnistLikeNpz({ level }))]);
    const want = tinyImages(6);
    assert.deepEqual(d.shape, [4, 4, 1]);
    assert.deepEqual([...d.train.images], want.pixels);
    assert.deepEqual([...d.train.labels], want.labels);
    assert.equal(d.test.count, 3);
    assert.deepEqual(d.classes, ['0', '1', '2']);
  }
});

test('.npz: float 0-1 images of multiples of 1/255 become bytes, other floats stay float; (N,H,W,3); int64 and one-hot labels', async () => {
  const bytes = [0, 51, 255, 128, 1, 2, 3, 4, 5, 6, 7, 8];
  const d = await load([file('f.npz', npz({ x_train: npy('<f4', [2, 2, 1, 3], bytes.map((v) => v / 255)), y_train: npy('<i8', [2], [1, 0]) }))]);
  assert.ok(d.train.images instanceof Uint8Array);
  assert.deepEqual(d.shape, [2, 1, 3]);
  // No x_test: one image each way; image 0 (label 1) and image 1 (label 0) kept whole.
  const byLabel = (label) => (d.train.labels[0] === label ? d.train.images : d.test.images);
  assert.deepEqual([...byLabel(1), ...byLabel(0)], bytes);
  const f = await load([file('g.npz', npz({ x_train: npy('<f8', [2, 1, 1], [0.1234, 0.5]), y_train: npy('<f4', [2, 2], [0, 1, 1, 0]) }))]);
  assert.ok(f.train.images instanceof Float32Array);
  assert.deepEqual(f.classes, ['0', '1']);
  assert.deepEqual([...f.train.labels, ...f.test.labels].sort(), [0, 1]);
});

test('IDX pairs as files, raw and gzipped, train and t10k; a lone pair gets a seeded 20 % test split', async () => {
  const a = tinyImages(10), b = tinyImages(5);
  const files = [
    file('train-images-idx3-ubyte.gz', gz(idxImages(10, 4, 4, a.pixels))), file('train-labels-idx1-ubyte', idxLabels(a.labels)),
    file('t10k-images-idx3-ubyte', idxImages(5, 4, 4, b.pixels)), file('t10k-labels-idx1-ubyte.gz', gz(idxLabels(b.labels))),
  ];
  const d = await load(files);
  assert.deepEqual([d.train.count, d.test.count, d.shape], [10, 5, [4, 4, 1]]);
  assert.deepEqual([...d.train.labels], a.labels);
  const lone = await load(files.slice(0, 2));
  assert.deepEqual([lone.train.count, lone.test.count], [8, 2]);
  const again = await load(files.slice(0, 2));
  assert.deepEqual([...again.test.labels], [...lone.test.labels]);
  // EMNIST-style names pair too.
  const emnist = await load([file('emnist-letters-train-images-idx3-ubyte', idxImages(10, 4, 4, a.pixels)), file('emnist-letters-train-labels-idx1-ubyte', idxLabels(a.labels))]);
  assert.equal(emnist.train.count + emnist.test.count, 10);
});

test('CIFAR-10 .bin batches: planes interleaved into NHWC, batches in order, class names CIFAR-10s', async () => {
  const d = await load([file('test_batch.bin', cifarBatch(2)), file('data_batch_2.bin', cifarBatch(3, () => 7)), file('data_batch_1.bin', cifarBatch(3))]);
  assert.deepEqual(d.shape, [32, 32, 3]);
  assert.equal(d.classes[0], 'airplane');
  assert.deepEqual([d.train.count, d.test.count], [6, 2]);
  assert.deepEqual([...d.train.labels], [0, 1, 2, 7, 7, 7]);
  // Pixel 5 of image 1: channels (3, 4, 5).
  assert.deepEqual([...d.train.images.subarray(3072 + 15, 3072 + 18)], [3, 4, 5]);
  // A gzipped batch reads as the raw one.
  const zipped = await load([file('test_batch.bin', cifarBatch(2)), file('data_batch_2.bin.gz', gz(cifarBatch(3, () => 7))), file('data_batch_1.bin', cifarBatch(3))]);
  assert.deepEqual(zipped.train.images, d.train.images);
  assert.deepEqual([...zipped.train.labels], [0, 1, 2, 7, 7, 7]);
});

test('cifar-10-binary.tar.gz streamed: five batches in one buffer, test batch, class names from batches.meta.txt', async () => {
  const d = await load([file('cifar-10-binary.tar.gz', cifarTarGz(4))]);
  assert.deepEqual([d.train.count, d.test.count], [20, 4]);
  assert.deepEqual([...d.train.labels.subarray(0, 5)], [1, 2, 3, 4, 2]);
  assert.deepEqual([...d.test.labels], [9, 8, 7, 6]);
  assert.equal(d.classes[9], 'truck');
  assert.equal(d.train.images.length, 20 * 3072);
  assert.deepEqual([...d.train.images.subarray(4 * 3072, 4 * 3072 + 3)], [0, 1, 2], 'batch 2 starts at image 4');
  // Only three batches: the parts are joined in batch order.
  const three = await load([file('cifar.tar.gz', cifarTarGz(2, { batches: 3 }))]);
  assert.deepEqual([...three.train.labels], [1, 2, 2, 3, 3, 4]);
});

test('cifar-10-python.tar.gz: the restricted pickle reader gives the same images as the binary batches', async () => {
  const py = gz(tar({ 'cifar-10-batches-py/data_batch_1': cifarPickle(3), 'cifar-10-batches-py/test_batch': cifarPickle(2) }));
  const bin = await load([file('data_batch_1.bin', cifarBatch(3)), file('test_batch.bin', cifarBatch(2))]);
  const d = await load([file('cifar-10-python.tar.gz', py)]);
  assert.deepEqual([...d.train.labels], [...bin.train.labels]);
  assert.deepEqual(d.train.images, bin.train.images);
  assert.deepEqual(d.test.images, bin.test.images);
});

test('the tar walker gives the same members whatever the chunk sizes, and skips what it is not asked for', () => {
  const archive = tar({ 'a/x.bin': new Uint8Array(700).fill(3), 'a/y.txt': new Uint8Array(5).fill(9), [`${'long/'.repeat(30)}z.bin`]: new Uint8Array(1).fill(4) });
  for (const size of [1, 7, 512, 513, archive.length]) {
    const seen = [];
    const walker = new TarWalker('t.tar', ({ name, size: n }) => {
      let got = 0;
      return name.endsWith('.txt') ? null : { data: (c) => { got += c.length; }, end: () => seen.push([name, n, got]) };
    });
    for (let at = 0; at < archive.length; at += size) walker.push(archive.subarray(at, at + size));
    walker.end();
    assert.deepEqual(seen, [['a/x.bin', 700, 700], [`${'long/'.repeat(30)}z.bin`, 1, 1]]);
  }
});

test('image folder: two classes of PNG and JPEG, resized to the model input, grey or RGB; seeded split per class', async () => {
  const files = [];
  for (let i = 0; i < 5; i++) files.push(file(`pets/cat/c${i}.png`, png(8, 6, [200, 10, 10])));
  for (let i = 0; i < 5; i++) files.push(file(`pets/dog/d${i}.jpg`, jpg(5, 5, [10, 10, 200])));
  const d = await load(files, { imageShape: [4, 4, 3], decodeImage, seed: 3 });
  assert.deepEqual(d.classes, ['cat', 'dog']);
  assert.deepEqual(d.shape, [4, 4, 3]);
  assert.deepEqual([d.train.count, d.test.count], [8, 2]);
  assert.deepEqual([...d.test.labels].sort(), [0, 1]);
  const cat = d.train.images.subarray([...d.train.labels].indexOf(0) * 48);
  assert.deepEqual([...cat.subarray(0, 3)], [200, 10, 10]);
  const grey = await load(files.slice().reverse(), { imageShape: [2, 2, 1], decodeImage, seed: 3 });
  assert.equal(grey.train.images.length, 8 * 4);
  assert.equal(grey.train.images[[...grey.train.labels].indexOf(0) * 4], Math.round(0.299 * 200 + 0.587 * 10 + 0.114 * 10));
  // The order files arrive in does not change the split.
  const again = await load(files.slice().reverse(), { imageShape: [4, 4, 3], decodeImage, seed: 3 });
  assert.deepEqual(again.test.images, d.test.images);
});

test('image zip: the same classes from a zip of folders', async () => {
  const { zipSync } = await import('fflate');
  const zip = zipSync({ 'a/one.png': png(3, 3, [0, 0, 0]), 'a/two.png': png(3, 3, [0, 0, 0]), 'b/one.png': png(3, 3, [255, 255, 255]), 'b/two.png': png(3, 3, [255, 255, 255]) });
  const d = await load([file('mine.zip', zip)], { imageShape: [3, 3, 1], decodeImage });
  assert.deepEqual(d.classes, ['a', 'b']);
  assert.equal(d.train.count + d.test.count, 4);
  assert.equal(d.title, 'mine');
});

test('checkModelFits: a shape mismatch and too few output units as {code, params, message}; null when they fit', async () => {
  const mnist = { title: 'MNIST digits', shape: [28, 28, 1], classes: Array(10).fill('x') };
  assert.equal(checkModelFits({ inputShape: [28, 28, 1], outputUnits: 10 }, mnist), null);
  const m = checkModelFits({ inputShape: [32, 32, 3], outputUnits: 10 }, mnist);
  assert.equal(m.code, 'dataset.mismatch');
  assert.deepEqual(m.params, { model: '32×32×3', dataset: 'MNIST digits', datasetShape: '28×28×1' });
  assert.equal(m.message, 'this model takes 32×32×3 images; MNIST digits are 28×28×1: choose a dataset of 32×32×3 images or change input_shape to (28, 28, 1)');
  const c = checkModelFits({ inputShape: [28, 28, 1], outputUnits: 3 }, mnist);
  assert.deepEqual([c.code, c.params.units, c.params.classes], ['dataset.classes', 3, 10]);
});

test('seeded splits: the same seed gives the same split, another seed another; every index once; at least one test sample', async () => {
  const { splitIndices, shuffled } = await import('../../web/lib/data/split.mjs');
  const a = splitIndices(50, 0.2, 1);
  assert.deepEqual(a, splitIndices(50, 0.2, 1));
  assert.notDeepEqual(a.test, splitIndices(50, 0.2, 2).test);
  assert.equal(a.test.length, 10);
  assert.deepEqual([...a.train, ...a.test].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  const order = shuffled(Array.from({ length: 50 }, (_, i) => i), 1);
  assert.ok(order.some((v, i) => v !== i), 'the shuffle moves items');
  assert.equal(splitIndices(3, 0.01, 1).test.length, 1);
  assert.equal(splitIndices(1, 0.5, 1).test.length, 0);
});

test('classSamples: per class its name, training count and first images, for a preview grid', async () => {
  const d = await load([file('data_batch_1.bin', cifarBatch(7, (i) => [3, 3, 5, 3, 5, 3, 3][i])), file('test_batch.bin', cifarBatch(1))]);
  const s = classSamples(d, 2);
  assert.equal(s.length, 10);
  assert.deepEqual(s[3], { name: 'cat', count: 5, indices: [0, 1] });
  assert.deepEqual(s[5], { name: 'dog', count: 2, indices: [2, 4] });
  assert.deepEqual(s[0], { name: 'airplane', count: 0, indices: [] });
});
