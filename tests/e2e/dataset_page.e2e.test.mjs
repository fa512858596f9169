// The page's Dataset panel (issue 14) in headless Chromium under the strict CSP: MNIST digits
// picked and trained (the maps' labels are digits), a Keras .npz and an IDX pair given by file
// input and by drop, the choice kept across a reload, a model/dataset mismatch that disables
// Train with its sentence, seed 004's model trained on a CIFAR-10 tarball (one-hot labels,
// categorical_crossentropy, batch 64, validation_split 0.2) with the input row in colour, and a
// bad file that names itself and leaves the dataset in place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchBrowser } from './browser.mjs';
import { npy, npz, idxImages, idxLabels, gz, tar } from '../js/data_fixtures.mjs';
import { mulberry32 } from '../../web/lib/data/split.mjs';

const SHOTS = fileURLToPath(new URL('../../build/screenshots/', import.meta.url));
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
let server, browser, page, base, dir;
const errors = [];

// n random 28×28 grey images with labels 0..9 in turn (random pixels: only the plumbing is tested).
function digitsLike(n, seed) {
  const rand = mulberry32(seed);
  return { pixels: Array.from({ length: n * 784 }, () => Math.floor(rand() * 256)), labels: Array.from({ length: n }, (_, i) => i % 10) };
}
// A CIFAR-10 binary tarball of synthetic colour images: per record a red ramp across, a green
// ramp down and a blue level by class, so the input row can only be grey if colour was lost.
function colourCifarTarGz(per) {
  const batch = (k) => {
    const out = new Uint8Array(per * 3073);
    for (let i = 0; i < per; i++) {
      const label = (i + k) % 10, at = i * 3073;
      out[at] = label;
      for (let p = 0; p < 1024; p++) {
        const x = p % 32, y = Math.floor(p / 32);
        out[at + 1 + p] = x * 8;
        out[at + 1 + 1024 + p] = y * 8;
        out[at + 1 + 2048 + p] = label * 25;
      }
    }
    return out;
  };
  const members = { 'cifar-10-batches-bin/batches.meta.txt': new TextEncoder().encode('airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n') };
  for (let k = 1; k <= 5; k++) members[`cifar-10-batches-bin/data_batch_${k}.bin`] = batch(k);
  members['cifar-10-batches-bin/test_batch.bin'] = batch(0);
  return gz(tar(members));
}
const oneHot = (labels) => labels.flatMap((l) => Array.from({ length: 10 }, (_, k) => (k === l ? 1 : 0)));

const a = digitsLike(64, 1), b = digitsLike(32, 2);
const FIXTURES = {
  'digits.npz': npz({ x_train: npy('|u1', [64, 28, 28], a.pixels), y_train: npy('|u1', [64], a.labels), x_test: npy('|u1', [32, 28, 28], b.pixels), y_test: npy('|u1', [32], b.labels) }),
  'onehot.npz': npz({ x_train: npy('|u1', [64, 28, 28], a.pixels), y_train: npy('<f4', [64, 10], oneHot(a.labels)) }),
  'kmnist-train-images-idx3-ubyte.gz': gz(idxImages(64, 28, 28, a.pixels)),
  'kmnist-train-labels-idx1-ubyte.gz': gz(idxLabels(a.labels)),
  'cifar-10-binary.tar.gz': colourCifarTarGz(64),
};
FIXTURES['cut.npz'] = FIXTURES['digits.npz'].slice(0, 80);
// Two classes a small model separates at once: dark images (label 0) and bright ones (label 1).
function brightOrDark(n, seed) {
  const rand = mulberry32(seed);
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  const pixels = labels.flatMap((l) => Array.from({ length: 784 }, () => Math.floor(rand() * 100) + 155 * l));
  return { pixels, labels };
}
const c = brightOrDark(256, 3), d = brightOrDark(32, 4);
FIXTURES['bright.npz'] = npz({ x_train: npy('|u1', [256, 28, 28], c.pixels), y_train: npy('|u1', [256], c.labels), x_test: npy('|u1', [32, 28, 28], d.pixels), y_test: npy('|u1', [32], d.labels) });
// A Keras 3 binary classifier as its docs write one: keras.Input first, one sigmoid unit.
const BINARY_CODE = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(4, (3, 3), activation="relu"),
    layers.MaxPooling2D((2, 2)),
    layers.Flatten(),
    layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
`;
const IDX = ['kmnist-train-images-idx3-ubyte.gz', 'kmnist-train-labels-idx1-ubyte.gz'];

// Seed 004's model cell, as the tutorial prints it.
const SEED_004 = `model = Sequential()
model.add(Conv2D(32, (3, 3), activation='relu', padding='same', input_shape=(32, 32, 3))),
model.add(Conv2D(32, (3, 3), activation='relu', padding='same'))
model.add(MaxPooling2D(2, 2)),
model.add(Dropout(0.2))
model.add(Conv2D(64, (3, 3), activation='relu', padding='same')),
model.add(Conv2D(64, (3, 3), activation='relu', padding='same')),
model.add(MaxPooling2D(2, 2)),
model.add(Dropout(0.2))
model.add(Conv2D(128, (3, 3), activation='relu', padding='same')),
model.add(Conv2D(128, (3, 3), activation='relu', padding='same')),
model.add(MaxPooling2D(2, 2)),
model.add(Dropout(0.2))
model.add(Flatten()),
model.add(Dense(512, activation='relu')),
model.add(Dropout(0.5))
model.add(Dense(10, activation='softmax'))
model.summary()
model.compile(loss='categorical_crossentropy',
optimizer='adam',
metrics=['accuracy'])
hist = model.fit(x_train, y_train_one_hot,
batch_size=64, epochs=25,
validation_split=0.2, verbose=1)
`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convlab-e2e-dataset-page-'));
  for (const [name, bytes] of Object.entries(FIXTURES)) await writeFile(join(dir, name), bytes);
  await mkdir(SHOTS, { recursive: true });
  server = await startServer({ port: 0, headers: { 'Content-Security-Policy': CSP } });
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (/Content Security Policy|Refused/.test(m.text())) errors.push(m.text()); });
  await page.goto(base);
  await ready();
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function ready() {
  await page.waitForFunction(() => window.convlab?.state === 'ready' && !window.convlab.store.get().datasetLoading && window.convlab.model, null, { timeout: 60_000 });
}
const info = () => page.textContent('#dataset-info');
const fit = () => page.textContent('#dataset-fit');
const dataset = () => page.evaluate(() => window.convlab.store.get().data.dataset);
const settled = (name) => page.waitForFunction((n) => !window.convlab.store.get().datasetLoading && window.convlab.store.get().data?.dataset === n, name, { timeout: 60_000 });

async function pickFiles(names) {
  await page.selectOption('#dataset-choice', 'files');
  await page.setInputFiles('#dataset-files', names.map((n) => join(dir, n)));
}

// A drop of files on the panel, as a file manager's drag gives them.
async function dropFiles(names) {
  const files = names.map((name) => ({ name, bytes: [...FIXTURES[name]] }));
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
    return dt;
  }, files);
  await page.dispatchEvent('#dataset-panel', 'drop', { dataTransfer: transfer });
}

async function trainAndWait({ samples = null, epochs = 1 } = {}) {
  if (samples) await page.fill('#samples', String(samples));
  await page.fill('#epochs', String(epochs));
  const before = (await page.evaluate(() => window.convlab.debug.runs())).length;
  await page.click('#train');
  await page.waitForFunction((n) => window.convlab.debug.runs().length > n && window.convlab.state === 'ready', before, { timeout: 180_000 });
  return (await page.evaluate(() => window.convlab.debug.runs())).at(-1);
}

const gridLabels = () => page.$$eval('#feature-grid .cl-fmap-label', (els) => els.map((e) => e.textContent));

test('MNIST digits: picked, trained, and the feature maps label their rows with digits', async () => {
  await page.selectOption('#dataset-choice', 'mnist');
  await settled('mnist');
  assert.match(await info(), /^MNIST digits: 7,996 training and 2,004 test images, 28×28×1, 10 classes\./);
  assert.match(await fit(), /agree/);
  const run = await trainAndWait({ samples: 640 });
  assert.equal(run.ending, 'finished');
  await page.waitForFunction(() => document.querySelectorAll('#feature-grid .cl-fmap-label').length >= 3);
  const labels = await gridLabels();
  for (const l of labels) assert.match(l, /^#\d+ \d$/, `a digit, not a Fashion-MNIST name: ${l}`);
  await page.locator('#dataset-panel').screenshot({ path: `${SHOTS}dataset-picker.png` });
});

test('a Keras .npz and an IDX pair, each by file input and by drop', async () => {
  await pickFiles(['digits.npz']);
  await settled('digits.npz');
  assert.match(await info(), /^digits: 64 training and 32 test images, 28×28×1, 10 classes\./);
  await dropFiles(IDX);
  await settled(IDX[0]);
  assert.match(await info(), /^kmnist: 51 training and 13 test images, 28×28×1, 10 classes\./);
  await dropFiles(['digits.npz']);
  await settled('digits.npz');
  await pickFiles(IDX);
  await settled(IDX[0]);
  assert.match(await info(), /Kept in this browser/);
  const run = await trainAndWait({ samples: 51 });
  assert.equal(run.ending, 'finished');
});

test('a reload keeps the chosen files', async () => {
  await page.reload();
  await ready();
  await settled(IDX[0]);
  assert.equal(await page.inputValue('#dataset-choice'), 'files');
  assert.match(await info(), /^kmnist: 51 training/);
});

test('a bad file names itself and leaves the current dataset in place', async () => {
  await pickFiles(['cut.npz']);
  await page.waitForFunction(() => /cut\.npz/.test(document.getElementById('dataset-error').textContent));
  assert.match(await page.textContent('#dataset-error'), /^Could not use cut\.npz: cut\.npz: not a valid zip file or truncated.*The current dataset is unchanged\.$/);
  assert.equal(await dataset(), IDX[0]);
  assert.match(await info(), /^kmnist: 51 training/);
  assert.equal(await page.isDisabled('#train'), false);
});

test('a model/dataset mismatch disables Train with one sentence', async () => {
  await pickFiles(['onehot.npz']);
  await settled('onehot.npz');
  const sentence = "onehot has one-hot labels but the model is compiled with sparse_categorical_crossentropy: use loss='categorical_crossentropy'.";
  assert.equal(await fit(), sentence);
  assert.equal(await page.isDisabled('#train'), true);
  assert.equal(await page.getAttribute('#train', 'title'), sentence);

  await pickFiles(['cifar-10-binary.tar.gz']);
  await settled('cifar-10-binary.tar.gz');
  assert.equal(await fit(), 'This model takes 28×28×1 images; CIFAR-10 is 32×32×3: choose another dataset or change input_shape to (32, 32, 3).');
  assert.equal(await page.isDisabled('#train'), true);
  await page.locator('#dataset-panel').screenshot({ path: `${SHOTS}dataset-mismatch.png` });
  await page.click('#train', { force: true });
  assert.equal(await page.evaluate(() => window.convlab.state), 'ready', 'no run starts');
});

test('seed 004 on a CIFAR-10 tarball: one-hot labels, categorical_crossentropy, batch 64, validation_split 0.2, maps in colour', async () => {
  await page.evaluate((code) => window.convlab.controller.edit(code), SEED_004);
  await page.waitForFunction(() => /Total params: 1,341,226/.test(document.getElementById('summary').textContent), null, { timeout: 60_000 });
  await page.waitForFunction(() => !window.convlab.store.get().fitProblem);
  assert.match(await fit(), /agree/);
  assert.equal(await page.inputValue('#batch-size'), '64');
  assert.equal(await page.inputValue('#validation-split'), '0.2');
  await page.fill('#samples', '');
  const run = await trainAndWait({ epochs: 1 });
  assert.equal(run.ending, 'finished');
  assert.ok(Number.isFinite(run.test.loss));
  // 320 training images, 20 % held out: 256 at batch 64 = 4 steps.
  assert.match(await page.textContent('#log'), /4\/4 \[=+\] .* - val_loss: .* - val_accuracy: /);
  await page.waitForFunction(() => document.querySelectorAll('#feature-grid .cl-thumb').length >= 3);
  const coloured = await page.$$eval('#feature-grid .cl-thumb', (cs) => cs.map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let off = 0;
    for (let i = 0; i < d.length; i += 4) off = Math.max(off, Math.abs(d[i] - d[i + 1]), Math.abs(d[i + 1] - d[i + 2]));
    return off;
  }));
  assert.ok(coloured.every((o) => o > 100), `every input thumbnail is in colour (max channel difference ${coloured})`);
  const labels = await gridLabels();
  for (const l of labels) assert.match(l, /^#\d+ (airplane|automobile|bird|cat|deer|dog|frog|horse|ship|truck)$/);
  await page.locator('#dataset-panel').screenshot({ path: `${SHOTS}dataset-cifar.png` });
  await page.locator('#maps-panel').screenshot({ path: `${SHOTS}dataset-cifar-maps.png` });
  await page.click('#evaluate');
  await page.waitForFunction(() => document.querySelectorAll('#misclassified canvas').length > 0);
  const mistakes = await page.$$eval('#misclassified canvas', (cs) => cs.map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let off = 0;
    for (let i = 0; i < d.length; i += 4) off = Math.max(off, Math.abs(d[i] - d[i + 1]), Math.abs(d[i + 1] - d[i + 2]));
    return { off, w: c.width };
  }));
  assert.ok(mistakes.every((m) => m.off > 100), `the misclassified test images are in colour (${JSON.stringify(mistakes.slice(0, 3))})`);
  assert.ok(mistakes.every((m) => m.w % 32 === 0), 'and drawn at 32 pixels a side (times the scale)');
  assert.deepEqual(errors, []);
});

test('a Keras 3 binary classifier (keras.Input, sigmoid, binary_crossentropy) trains on two classes; a 2×2 confusion matrix', async () => {
  await pickFiles(['bright.npz']);
  await settled('bright.npz');
  await page.evaluate((code) => window.convlab.controller.edit(code), BINARY_CODE);
  await page.waitForFunction(() => /Total params: 717\b/.test(document.getElementById('summary').textContent), null, { timeout: 60_000 });
  await page.waitForFunction(() => !window.convlab.store.get().fitProblem);
  assert.match(await fit(), /agree/);
  await page.fill('#samples', '');
  await page.fill('#batch-size', '32');
  await page.fill('#validation-split', '0');
  const run = await trainAndWait({ epochs: 3 });
  assert.equal(run.ending, 'finished', await page.textContent('#train-error'));
  await page.click('#evaluate');
  await page.waitForFunction(() => window.convlab.store.get().evaluation);
  const evaluation = await page.evaluate(() => ({ ...window.convlab.store.get().evaluation, probabilities: null }));
  const cells = await page.$$eval('#confusion tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => Number(td.textContent))));
  assert.equal(cells.length, 2, 'two rows: the true classes 0 and 1');
  for (const row of cells) assert.equal(row.length, 2);
  const total = cells.flat().reduce((a, b) => a + b, 0);
  assert.equal(total, 32);
  assert.ok(evaluation.accuracy >= 0.9, `dark against bright is learnt in 24 steps: test accuracy ${evaluation.accuracy}`);
  assert.ok(Math.abs((cells[0][0] + cells[1][1]) / total - evaluation.accuracy) < 1e-6, `the matrix's diagonal is the engine's binary accuracy ${evaluation.accuracy}`);
  await page.locator('#eval-panel').screenshot({ path: `${SHOTS}binary-evaluation.png` });
  assert.deepEqual(errors, []);
});
