// convlab train --data on each kind of file, run as a user would, on small files the test makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npy, npz, cifarTarGz, png } from './data_fixtures.mjs';

const CLI = new URL('../../bin/convlab.mjs', import.meta.url).pathname;
const run = (...args) => new Promise((resolve) => {
  execFile('node', [CLI, ...args], { maxBuffer: 1 << 24 }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
});
const dir = await mkdtemp(join(tmpdir(), 'convlab-data-'));

// 28x28 images whose brightness is the label, so even one epoch of dnn learns something.
function digitsNpz(train, test) {
  const make = (n) => {
    const labels = Array.from({ length: n }, (_, i) => i % 2);
    const pixels = labels.flatMap((l) => new Array(784).fill(l ? 220 : 20));
    return [npy('|u1', [n, 28, 28], pixels), npy('|u1', [n], labels)];
  };
  const [xt, yt] = make(train), [xs, ys] = make(test);
  return npz({ x_train: xt, y_train: yt, x_test: xs, y_test: ys });
}

test('--data FILE.npz trains and evaluates on the file', async () => {
  await writeFile(join(dir, 'mine.npz'), digitsNpz(64, 16));
  const r = await run('train', '--model', 'dnn', '--epochs', '2', '--batch-size', '8', '--data', join(dir, 'mine.npz'));
  assert.equal(r.code, 0, r.stderr);
  // 64 training images in steps of 8, then the 16 of x_test.
  assert.match(r.stdout, /^Epoch 1\/2\n8\/8 \[=+\]/);
  assert.match(r.stdout, /\n2\/2 \[=+\] .*\ntrained 2 epoch\(s\) in [\d.]+ s; test accuracy [\d.]+\n$/);
});

test('--data cifar-10-binary.tar.gz: seed 004 (one-hot labels, categorical_crossentropy, batch 64, validation_split 0.2)', async () => {
  await writeFile(join(dir, 'cifar-10-binary.tar.gz'), cifarTarGz(20));
  const r = await run('train', '--model', 'cifar-bn-dropout', '--loss', 'categorical_crossentropy', '--batch-size', '64',
    '--validation-split', '0.2', '--epochs', '1', '--data', join(dir, 'cifar-10-binary.tar.gz'));
  assert.equal(r.code, 0, r.stderr);
  // 100 training images: 80 after the split, 2 steps of 64; val_ metrics from the last 20.
  assert.match(r.stdout, /2\/2 \[=+\] - .* - loss: [\d.]+ - accuracy: [\d.]+ - val_loss: [\d.]+ - val_accuracy: [\d.]+\n/);
  assert.match(r.stdout, /; test accuracy [\d.]+\n/);
});

test('--data FOLDER of class sub-folders: PNGs resized to the model input', async () => {
  const root = join(dir, 'shapes');
  for (const [name, rgb] of [['dark', [10, 10, 10]], ['light', [240, 240, 240]]]) {
    await mkdir(join(root, name), { recursive: true });
    for (let i = 0; i < 10; i++) await writeFile(join(root, name, `${i}.png`), png(40, 30, rgb));
  }
  const r = await run('train', '--model', 'dnn', '--epochs', '3', '--batch-size', '8', '--data', root);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /trained 3 epoch\(s\)/);
});

test('a bad file: exit 2 and one line naming it; a model that does not fit: exit 2 before training', async () => {
  await writeFile(join(dir, 'bad.npz'), npz({ x_train: npy('|u1', [2, 28, 28], new Array(1568).fill(0)) }));
  const r = await run('train', '--model', 'dnn', '--data', join(dir, 'bad.npz'));
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "convlab: bad.npz: no y_train array (it holds x_train; Keras's layout is x_train, y_train, x_test, y_test)\n");
  const m = await run('train', '--model', 'cifar-bn-dropout', '--data', 'mnist');
  assert.equal(m.code, 2);
  assert.equal(m.stderr, 'convlab: --data mnist: this model takes 32×32×3 images; MNIST digits are 28×28×1: choose a dataset of 32×32×3 images or change input_shape to (28, 28, 1)\n');
  assert.equal(m.stdout, '', 'nothing was trained');
});
