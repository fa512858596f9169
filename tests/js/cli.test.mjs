// The convlab command line, run as a user would, on a small IDX dataset the test writes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { engine } from '../../web/lib/convlab.mjs';
import { loadFashionMnist } from '../../web/lib/datasets.mjs';

const CLI = new URL('../../bin/convlab.mjs', import.meta.url).pathname;
let dir;

function run(...args) {
  return new Promise((ok) => execFile(process.execPath, [CLI, ...args], (err, stdout, stderr) => ok({ code: err?.code ?? 0, stdout, stderr })));
}

function idx(magic, dims, body) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return gzipSync(Buffer.concat([header, Buffer.from(body)]));
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convlab-cli-'));
  const e = await engine();
  const [train, test] = await Promise.all([loadFashionMnist(e, 'train'), loadFashionMnist(e, 'test')]);
  const write = async (prefix, data, n) => {
    await writeFile(join(dir, `${prefix}-images-idx3-ubyte.gz`), idx(2051, [n, 28, 28], data.images.subarray(0, n * 784)));
    await writeFile(join(dir, `${prefix}-labels-idx1-ubyte.gz`), idx(2049, [n], Uint8Array.from(data.labels.subarray(0, n))));
  };
  await write('train', train, 1000);
  await write('t10k', test, 300);
});

const timeless = (s) => s.replace(/\d+(\.\d+)?(s|ms|us)(\/step)?/g, 'T');

test('train prints Keras-style epochs, evaluates, saves, and the same seed prints the same', async () => {
  const args = ['train', '--model', 'dnn', '--epochs', '2', '--validation-split', '0.2', '--seed', '4', '--data', dir];
  const a = await run(...args, '--save', join(dir, 'run'));
  assert.equal(a.code, 0, a.stderr);
  const lines = a.stdout.split('\n');
  assert.equal(lines[0], 'Epoch 1/2');
  assert.match(lines[1], /^25\/25 \[==============================\] - \d+s \d+(ms|us)\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d\.\d{4} - val_accuracy: \d\.\d{4}$/);
  assert.equal(lines[2], 'Epoch 2/2');
  assert.match(lines[4], /^10\/10 \[=+\] - .* - loss: \d\.\d{4} - accuracy: (\d\.\d{4})$/);
  const testAccuracy = /accuracy: (\d\.\d{4})$/.exec(lines[4])[1];
  assert.match(a.stdout, /trained 2 epoch\(s\) in [\d.]+ s; test accuracy /);
  for (const f of ['model.json', 'weights.bin', 'history.json']) assert.ok(existsSync(join(dir, 'run', f)), f);
  const history = JSON.parse(await readFile(join(dir, 'run', 'history.json'), 'utf8'));
  assert.equal(history.history.loss.length, 2);

  const b = await run(...args);
  assert.deepEqual(timeless(b.stdout).split('\n').slice(0, 5), timeless(a.stdout).split('\n').slice(0, 5));
  // --threads changes the speed, never the numbers.
  const c = await run(...args, '--threads', '3');
  assert.equal(c.code, 0, c.stderr);
  assert.deepEqual(timeless(c.stdout).split('\n').slice(0, 5), timeless(a.stdout).split('\n').slice(0, 5));

  const ev = await run('evaluate', '--load', join(dir, 'run'), '--data', dir);
  assert.equal(ev.code, 0, ev.stderr);
  assert.match(ev.stdout, new RegExp(`^10/10 \\[=+\\] - .* - accuracy: ${testAccuracy}\\n$`));
});

test('the threshold flag stops training and says so', async () => {
  const r = await run('train', '--model', 'dnn', '--epochs', '5', '--stop-at-accuracy', '0.5', '--data', dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\nReached 50% accuracy so cancelling training!\n/);
  assert.doesNotMatch(r.stdout, /Epoch 2\/5/);
});

test('summary and export', async () => {
  const s = await run('summary', '--model', 'single-conv');
  assert.match(s.stdout, /Total params: 693,962\n/);
  const out = join(dir, 'export');
  const x = await run('export', '--model', 'lab', '--out', out);
  assert.equal(x.code, 0, x.stderr);
  const model = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'));
  assert.equal(model.format, 'layers-model');
  assert.equal(model.modelTopology.class_name, 'Sequential');
  assert.equal((await readFile(join(out, 'weights.bin'))).length, 113386 * 4);
});

test('bad flags and files give one line on stderr and exit code 2', async () => {
  const cases = [
    [['train', '--model', 'lab', '--epochs', '0'], "convlab: --epochs: expected an integer >= 1, got '0'\n"],
    [['train', '--model', 'nope'], /^convlab: --model: 'nope' is neither a preset/],
    [['train', '--model', 'lab', '--bogus'], "convlab: unknown option '--bogus' (see convlab --help)\n"],
    [['train', '--model', 'lab', '--threads', '9'], "convlab: --threads: expected 'auto' or an integer from 1 to 8, got '9'\n"],
    [['fly'], "convlab: unknown command 'fly' (train, evaluate, summary, export)\n"],
    [['evaluate', '--load', join(dir, 'missing')], /^convlab: --load: .*model\.json does not exist\n$/],
    [['train', '--model', 'lab', '--data', '/nonexistent'], 'convlab: --data: /nonexistent is neither a built-in dataset (mnist, fashion-mnist) nor a file or folder\n'],
    [['train', '--model', 'lab', '--data', await mkdtemp(join(tmpdir(), 'convlab-empty-'))], /^convlab: .*convlab-empty-\w+: the folder is empty\n$/],
  ];
  for (const [args, expected] of cases) {
    const r = await run(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    if (typeof expected === 'string') assert.equal(r.stderr, expected);
    else assert.match(r.stderr, expected);
    assert.equal(r.stderr.split('\n').length, 2, 'exactly one line');
  }
  // CIFAR-10 (32x32x3) into the 28x28x1 lab model: refused by shape, before any training.
  const cifar = await mkdtemp(join(tmpdir(), 'convlab-cifar-'));
  const record = new Uint8Array(3073);
  record[0] = 3;
  await writeFile(join(cifar, 'data_batch_1.bin'), Buffer.concat(Array.from({ length: 49 }, () => Buffer.from(record))));
  const c = await run('train', '--model', 'lab', '--data', cifar);
  assert.equal(c.code, 2);
  assert.equal(c.stderr, `convlab: --data ${cifar}: this model takes 28×28×1 images; CIFAR-10 is 32×32×3: ` +
    'choose a dataset of 28×28×1 images or change input_shape to (32, 32, 3)\n');
  await writeFile(join(dir, 'broken.json'), '{"layers": [');
  const r = await run('summary', '--model', join(dir, 'broken.json'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /broken\.json: not valid JSON/);
  await writeFile(join(dir, 'typo.json'), JSON.stringify({ input_shape: [28, 28, 1], layers: [{ Conv2D: { filters: 3, kernel_size: 3, activatoin: 'relu' } }] }));
  const t = await run('summary', '--model', join(dir, 'typo.json'));
  assert.equal(t.stderr, "convlab: conv2d: Conv2D: unknown argument 'activatoin' (did you mean 'activation'?)\n");
  assert.equal(t.code, 2);
});

test('--model takes a .py file with the notebook code; its errors name the file and line', async () => {
  await writeFile(join(dir, 'keras3.py'), `import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Rescaling(1./255),
    layers.SeparableConv2D(8, 3, activation="relu"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
`);
  const s = await run('summary', '--model', join(dir, 'keras3.py'));
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /rescaling \(Rescaling\) +\(None, 28, 28, 1\) +0/);
  assert.match(s.stdout, /separable_conv2d \(SeparableC \(None, 26, 26, 8\) +25/); // 9 + 8 + 8
  assert.match(s.stdout, /global_average_pooling2d \(Gl \(None, 8\) +0/);
  assert.match(s.stdout, /Total params: 115/); // 25 + 8 * 10 + 10
  await writeFile(join(dir, 'typo.py'), 'model = Sequential([\n  Dense(10, activatoin="relu")\n])\n');
  const t = await run('summary', '--model', join(dir, 'typo.py'));
  assert.equal(t.code, 2);
  assert.equal(t.stderr, `convlab: ${join(dir, 'typo.py')}: line 2: Dense: unknown argument 'activatoin' — did you mean 'activation'?\n`);
});

test('--model takes a Jupyter .ipynb: its code cells, magics skipped; errors name the cell and line', async () => {
  const cell = (type, lines) => ({ cell_type: type, metadata: {}, source: lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l)), ...(type === 'code' ? { outputs: [], execution_count: null } : {}) });
  const notebook = (cells) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
  const cells = [
    cell('markdown', ['# Week 3: convolutions']),
    cell('code', ['!pip install tensorflow', '%matplotlib inline', 'import tensorflow as tf']),
    cell('code', ['model = tf.keras.models.Sequential([', "    tf.keras.layers.Conv2D(8, (3, 3), activation='relu', input_shape=(28, 28, 1)),",
      '    tf.keras.layers.MaxPooling2D(2, 2),', '    tf.keras.layers.Flatten(),', "    tf.keras.layers.Dense(10, activation='softmax')", '])']),
  ];
  await writeFile(join(dir, 'lab.ipynb'), notebook(cells));
  const s = await run('summary', '--model', join(dir, 'lab.ipynb'));
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /conv2d \(Conv2D\) +\(None, 26, 26, 8\) +80/);
  assert.match(s.stdout, /Total params: 13,610/); // 80 + 13 * 13 * 8 * 10 + 10
  cells[2].source[4] = "    tf.keras.layers.Dense(10, activatoin='softmax')\n";
  await writeFile(join(dir, 'typo.ipynb'), notebook(cells));
  const t = await run('summary', '--model', join(dir, 'typo.ipynb'));
  assert.equal(t.code, 2);
  assert.equal(t.stderr, `convlab: ${join(dir, 'typo.ipynb')}: cell 3, line 5: Dense: unknown argument 'activatoin' — did you mean 'activation'?\n`);
  // compile() and fit() apply unless a flag says otherwise: 1 epoch of batch 512 from the code,
  // the learning rate from the code, the epochs from the flag.
  cells.push(cell('code', ["model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.05), loss='sparse_categorical_crossentropy', metrics=['accuracy'])",
    'model.fit(training_images, training_labels, epochs=3, batch_size=512)']));
  cells[2].source[4] = "    tf.keras.layers.Dense(10, activation='softmax')\n";
  await writeFile(join(dir, 'fit.ipynb'), notebook(cells));
  const f = await run('train', '--model', join(dir, 'fit.ipynb'), '--data', 'mnist', '--epochs', '1', '--save', join(dir, 'fit-run'));
  assert.equal(f.code, 0, f.stderr);
  assert.match(f.stdout, /Epoch 1\/1\n/);
  const history = JSON.parse(await readFile(join(dir, 'fit-run', 'history.json'), 'utf8'));
  assert.deepEqual([history.settings.epochs, history.settings.batchSize, history.settings.learningRate, history.settings.optimizer], [1, 512, 0.05, 'sgd']);
  await writeFile(join(dir, 'bad.ipynb'), '{"cells": 3}');
  const b = await run('summary', '--model', join(dir, 'bad.ipynb'));
  assert.equal(b.stderr, `convlab: ${join(dir, 'bad.ipynb')}: not a Jupyter notebook (no "cells" list)\n`);
});

test("a notebook's ImageDataGenerator and LearningRateScheduler drive train: Keras's scheduler lines, the rates in history.json", async () => {
  const cell = (lines) => ({ cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: lines.map((l) => `${l}\n`) });
  const cells = [
    cell(['from tensorflow.keras.preprocessing.image import ImageDataGenerator', 'from tensorflow.keras.callbacks import LearningRateScheduler']),
    cell(['model = Sequential()', "model.add(Conv2D(4, (3, 3), activation='relu', input_shape=(28, 28, 1)))", 'model.add(MaxPooling2D(2, 2))',
      'model.add(Flatten())', "model.add(Dense(10, activation='softmax'))",
      "model.compile(loss='sparse_categorical_crossentropy', optimizer='adam', metrics=['accuracy'])"]),
    cell(['datagen = ImageDataGenerator(rotation_range=15, width_shift_range=0.1, height_shift_range=0.1, horizontal_flip=True, zoom_range=0.1)',
      'datagen.fit(x_train)', 'def lr_schedule(epoch):', '    lrate = 0.001', '    if epoch > 1:', '        lrate = 0.0005', '    return lrate']),
    cell(['model.fit(datagen.flow(x_train, y_train, batch_size=100), epochs=3,',
      '          callbacks=[LearningRateScheduler(lr_schedule, verbose=1)])']),
  ];
  await writeFile(join(dir, 'augment.ipynb'), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
  const r = await run('train', '--model', join(dir, 'augment.ipynb'), '--data', dir, '--save', join(dir, 'augment-run'));
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 3), ['Epoch 1/3', '', 'Epoch 00001: LearningRateScheduler setting learning rate to 0.001.']);
  assert.match(lines[3], /^10\/10 \[=+\] - /); // 1000 images in batches of flow()'s 100
  assert.deepEqual(lines.slice(4, 7), ['Epoch 2/3', '', 'Epoch 00002: LearningRateScheduler setting learning rate to 0.001.']);
  assert.deepEqual(lines.slice(8, 11), ['Epoch 3/3', '', 'Epoch 00003: LearningRateScheduler setting learning rate to 0.0005.']);
  const history = JSON.parse(await readFile(join(dir, 'augment-run', 'history.json'), 'utf8'));
  assert.deepEqual(history.history.learning_rate, [0.001, 0.001, 0.0005].map(Math.fround));
  // Augmented batches are other pixels: the first epoch's loss differs from a run without them.
  await writeFile(join(dir, 'plain.ipynb'), JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [...cells.slice(0, 2),
    cell(['model.fit(x_train, y_train, batch_size=100, epochs=3)'])] }));
  const p = await run('train', '--model', join(dir, 'plain.ipynb'), '--data', dir, '--save', join(dir, 'plain-run'));
  assert.equal(p.code, 0, p.stderr);
  const plain = JSON.parse(await readFile(join(dir, 'plain-run', 'history.json'), 'utf8'));
  assert.notEqual(plain.history.loss[0], history.history.loss[0]);
  assert.equal(plain.history.learning_rate, undefined);
});
