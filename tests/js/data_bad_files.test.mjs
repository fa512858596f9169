// The bad-file table of issue 14, one test per row: each is refused when the file is read,
// before any training, with one sentence that names the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engine, createModel } from '../../web/lib/convlab.mjs';
import { loadDataset, DatasetError } from '../../web/lib/data/load.mjs';
import { decodeImage } from '../../bin/decode_image.mjs';
import { PRESETS } from '../../web/lib/presets.mjs';
import {
  npy, npz, mnistLikeNpz, tinyImages, idxImages, idxLabels, gz, cifarBatch, cifarTarGz, tar, png, file,
} from './data_fixtures.mjs';

const e = await engine();
const load = (files, options) => loadDataset(e, { files }, options);
// One sentence, naming the file, no line breaks.
const refuses = async (promise, pattern) => {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof DatasetError, `a DatasetError, got ${err}`);
    assert.match(err.message, pattern);
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
};
const pair = (images, labels) => [file('train-images-idx3-ubyte.gz', gz(images)), file('train-labels-idx1-ubyte.gz', gz(labels))];
const a = tinyImages(6);

test('labels out of range: a CIFAR-10 record with label 12', async () => {
  await refuses(load([file('data_batch_1.bin', cifarBatch(3, (i) => (i === 2 ? 12 : 0)))]), /^data_batch_1\.bin: record 2 has label 12, outside 0\.\.9/);
});

test('labels out of range: a negative or fractional label in an .npz', async () => {
  await refuses(load([file('neg.npz', npz({ x_train: npy('|u1', [2, 4, 4], a.pixels.slice(0, 32)), y_train: npy('<i8', [2], [0, -1]) }))]), /^y_train\.npy in neg\.npz: label -1 at index 1 is not a class index/);
  await refuses(load([file('frac.npz', npz({ x_train: npy('|u1', [2, 4, 4], a.pixels.slice(0, 32)), y_train: npy('<f4', [2], [0, 1.5]) }))]), /label 1\.5 at index 1/);
});

test('more labels than classes: y_test has a class the one-hot y_train does not', async () => {
  const x = npy('|u1', [2, 4, 4], a.pixels.slice(0, 32));
  const bytes = npz({ x_train: x, y_train: npy('<f4', [2, 3], [1, 0, 0, 0, 0, 1]), x_test: x, y_test: npy('|u1', [2], [0, 4]) });
  await refuses(load([file('more.npz', bytes)]), /label 4 is outside the dataset's 3 classes \(0\.\.2\)/);
});

test('more labels than the model has outputs: found when the data is handed to the engine, not at batch 6', async () => {
  const model = await createModel(PRESETS.dnn, { seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
  const labels = new Float32Array(600);
  labels[590] = 10;  // far past the first batches
  await assert.rejects(model.fit(new Uint8Array(600 * 784), labels, { epochs: 1 }), /^Error: data 'train': label 10 at sample 590 is outside \[0, 10\): the model's last layer has 10 units$/);
  assert.equal(model.iterations, 0, 'no batch was trained');
  model.dispose();
});

test('images != labels: an IDX pair and an .npz with one label too few', async () => {
  await refuses(load(pair(idxImages(6, 4, 4, a.pixels), idxLabels(a.labels.slice(0, 5)))), /^train-images-idx3-ubyte\.gz has 6 images but train-labels-idx1-ubyte\.gz has 5 labels$/);
  const bytes = npz({ x_train: npy('|u1', [6, 4, 4], a.pixels), y_train: npy('|u1', [5], a.labels.slice(0, 5)) });
  await refuses(load([file('short.npz', bytes)]), /^short\.npz: x_train\.npy has 6 images but y_train\.npy has 5 labels$/);
});

test('truncated or corrupt .gz: an IDX file cut short', async () => {
  const whole = gz(idxImages(6, 4, 4, a.pixels));
  const files = [file('train-images-idx3-ubyte.gz', whole.subarray(0, whole.length - 20)), file('train-labels-idx1-ubyte.gz', gz(idxLabels(a.labels)))];
  await refuses(load(files), /^train-images-idx3-ubyte\.gz: truncated or corrupt gzip data$/);
});

test('truncated or corrupt zip: an .npz cut in half', async () => {
  const bytes = mnistLikeNpz();
  await refuses(load([file('cut.npz', bytes.subarray(0, bytes.length >> 1))]), /^cut\.npz: not a valid zip file or truncated/);
});

test('truncated or corrupt tar: a CIFAR tarball whose tar stops mid-member, and one whose gzip is cut', async () => {
  const inner = tar({ 'cifar-10-batches-bin/data_batch_1.bin': cifarBatch(4) });
  await refuses(load([file('cifar-10-binary.tar.gz', gz(inner.subarray(0, 3000)))]), /^cifar-10-binary\.tar\.gz: truncated tar archive \(in cifar-10-batches-bin\/data_batch_1\.bin\)$/);
  const whole = cifarTarGz(4);
  await refuses(load([file('cifar-10-binary.tar.gz', whole.subarray(0, whole.length - 100))]), /^cifar-10-binary\.tar\.gz: truncated or corrupt gzip data$/);
  const garbage = gz(new Uint8Array(2048).fill(7));
  await refuses(load([file('other.tar.gz', garbage)]), /^other\.tar\.gz: not a tar archive$/);
});

test('.npz without x_train names what it holds', async () => {
  const bytes = npz({ images: npy('|u1', [2, 4, 4], a.pixels.slice(0, 32)), y_train: npy('|u1', [2], [0, 1]) });
  await refuses(load([file('odd.npz', bytes)]), /^odd\.npz: no x_train array \(it holds images, y_train; Keras's layout is x_train, y_train, x_test, y_test\)$/);
});

test('.npy of an unexpected dtype or shape says what was found', async () => {
  const withX = (x) => load([file('d.npz', npz({ x_train: x, y_train: npy('|u1', [2], [0, 1]) }))]);
  await refuses(withX(npy('<i4', [2, 4, 4], a.pixels.slice(0, 32))), /^x_train\.npy in d\.npz: images of dtype <i4; expected uint8 \(0-255\) or float \(0-1\)$/);
  await refuses(withX(npy('|u1', [32], a.pixels.slice(0, 32))), /^x_train\.npy in d\.npz: images of shape \(32,\); expected \(N, H, W\) or \(N, H, W, C\)/);
  await refuses(withX(npy('<f4', [2, 1, 1], [0.5, 3])), /^x_train\.npy in d\.npz: float images must hold values in 0-1, found 3 at index 1 \(divide by 255 first, or save uint8\)$/);
  await refuses(withX(npy('|u1', [2, 3, 4, 4], new Array(96).fill(0))), /channels-first/);
  await refuses(withX(npy('<U3', [2], new Array(24).fill(65))), /^x_train\.npy in d\.npz: dtype '<U3' is not supported/);
});

test('Fortran-order arrays are refused with the fix', async () => {
  const x = npy('|u1', [2, 4, 4], a.pixels.slice(0, 32), { fortran: true });
  await refuses(load([file('f.npz', npz({ x_train: x, y_train: npy('|u1', [2], [0, 1]) }))]), /^x_train\.npy in f\.npz: the array \(2, 4, 4\) is in Fortran order; save it with np\.save\(f, np\.ascontiguousarray\(a\)\)$/);
});

test('image folder with one class, and with an empty class', async () => {
  const one = [file('cats/a.png', png(2, 2, [1, 2, 3])), file('cats/b.png', png(2, 2, [1, 2, 3]))];
  await refuses(load(one, { decodeImage }), /only one class \('cats'\); put the images in one sub-folder per class, at least two$/);
  const empty = await loadDataset(e, { files: one.concat(file('dogs/readme.txt', new Uint8Array([65]))), folders: ['cats', 'dogs'] }, { decodeImage }).catch((err) => err);
  assert.match(empty.message, /class 'dogs' has no images$/);
});

test('undecodable images are named, skipped and counted; a class left with none is refused', async () => {
  const files = [
    file('set/cats/a.png', png(2, 2, [1, 2, 3])), file('set/cats/broken.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])),
    file('set/dogs/b.png', png(2, 2, [9, 9, 9])), file('set/dogs/c.png', png(2, 2, [9, 9, 9])), file('set/dogs/notes.txt', new Uint8Array([65])),
  ];
  const d = await load(files, { decodeImage, imageShape: [2, 2, 1] });
  assert.equal(d.train.count + d.test.count, 3);
  assert.deepEqual(d.skipped.map((s) => s.file), ['set/dogs/notes.txt', 'set/cats/broken.png']);
  assert.match(d.skipped[1].reason, /^could not be decoded/);
  const bad = [file('set/cats/broken.png', new Uint8Array([1, 2, 3])), file('set/dogs/b.png', png(2, 2, [9, 9, 9]))];
  await refuses(load(bad, { decodeImage }), /class 'cats' has no decodable images \(1 skipped\)$/);
});

test('files over the size limit are named before they are read', async () => {
  await refuses(load([file('big.npz', mnistLikeNpz())], { maxBytes: 100 }), /^big\.npz: \d+ bytes is over the 100 bytes limit for a dataset file$/);
});

test('a file that is no dataset, and a lone IDX file, say what is expected', async () => {
  await refuses(load([file('notes.txt', new Uint8Array([1, 2, 3]))]), /^notes\.txt: not a dataset convlab reads/);
  await refuses(load([file('train-images-idx3-ubyte.gz', gz(idxImages(6, 4, 4, a.pixels)))]), /^train-images-idx3-ubyte\.gz: an IDX file needs its partner/);
});
