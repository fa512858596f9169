// Seed 004's training extras on the page (issue 14), in headless Chromium under the strict CSP:
// pasted code with an ImageDataGenerator and a LearningRateScheduler shows its augmentation
// (editable, with a grid of augmented samples drawn by augment.mjs) and the rate per epoch, and
// trains with both: Keras's scheduler lines in the log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchBrowser, settle } from './browser.mjs';
import { pasteCode } from './editor_input.mjs';

const SHOTS = fileURLToPath(new URL('../../build/screenshots/', import.meta.url));
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
let server, browser, page;
const errors = [];

const CODE = `from keras.preprocessing.image import ImageDataGenerator
from keras.callbacks import LearningRateScheduler
model = Sequential()
model.add(Conv2D(8, (3, 3), activation='relu', padding='same', input_shape=(28, 28, 1)))
model.add(MaxPooling2D(2, 2))
model.add(Flatten())
model.add(Dense(10, activation='softmax'))
model.compile(loss='sparse_categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
datagen = ImageDataGenerator(rotation_range=15, width_shift_range=0.1, height_shift_range=0.1, horizontal_flip=True, zoom_range=0.1)
datagen.fit(x_train)
def lr_schedule(epoch):
    lrate = 0.001
    if epoch > 1:
        lrate = 0.0005
    elif epoch > 0:
        lrate = 0.0008
    return lrate
model.fit(datagen.flow(x_train, y_train, batch_size=64), epochs=4, callbacks=[LearningRateScheduler(lr_schedule, verbose=1)])
`;

before(async () => {
  await mkdir(SHOTS, { recursive: true });
  server = await startServer({ port: 0, headers: { 'Content-Security-Policy': CSP } });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (/Content Security Policy|Refused/.test(m.text()) || m.type() === 'error') errors.push(m.text()); });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.convlab?.state === 'ready' && window.convlab.model, null, { timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  server?.close();
});

// Each preview canvas's RGBA bytes.
const previewPixels = () => page.$$eval('#augment-preview canvas', (cs) => cs.map((c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)));
const differ = (a, b) => a.some((v, i) => v !== b[i]);
const scheduleRows = () => page.$$eval('#schedule-table tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));

test('pasted datagen + schedule: the options in the form, a grid of distinct samples, the rate per epoch', async () => {
  assert.equal(await page.evaluate(() => document.getElementById('augment-box').open), false, 'closed while the code has neither');
  await pasteCode(page, CODE);
  await page.waitForFunction(() => /Total params: 15,770/.test(document.getElementById('summary').textContent), null, { timeout: 60_000 });
  await page.waitForFunction(() => document.getElementById('augment-box').open && document.querySelectorAll('#augment-preview canvas').length === 9);
  assert.deepEqual(await Promise.all(['#aug-rotation', '#aug-width-shift', '#aug-height-shift', '#aug-zoom'].map((id) => page.inputValue(id))), ['15', '0.1', '0.1', '0.1']);
  assert.equal(await page.isChecked('#aug-flip'), true);
  assert.equal(await page.inputValue('#batch-size'), '64'); // flow()'s batch size
  assert.equal(await page.inputValue('#epochs'), '4');

  const pixels = await previewPixels();
  assert.equal(pixels.length, 9); // the original, then 8 samples
  for (let i = 1; i < 9; i++) {
    assert.ok(differ(pixels[i], pixels[0]), `sample ${i} differs from the original`);
    for (let j = 1; j < i; j++) assert.ok(differ(pixels[i], pixels[j]), `samples ${j} and ${i} differ`);
  }
  // lr_schedule: 0.001 at epoch 0, the elif's 0.0008 at 1, 0.0005 from 2 on.
  assert.deepEqual(await scheduleRows(), [['1', '0.001'], ['2', '0.0008'], ['3', '0.0005'], ['4', '0.0005']]);
  await page.fill('#epochs', '2');
  await page.dispatchEvent('#epochs', 'change');
  await page.waitForFunction(() => document.querySelectorAll('#schedule-table tbody tr').length === 2);
  assert.deepEqual(await scheduleRows(), [['1', '0.001'], ['2', '0.0008']]);

  // An edit is the next run's augmentation, and the grid follows it.
  await page.fill('#aug-rotation', '40');
  await page.dispatchEvent('#aug-rotation', 'change');
  await page.waitForFunction(() => window.convlab.store.get().augment.rotationRange === 40);
  assert.ok(differ((await previewPixels())[1], pixels[1]), 'the grid is redrawn');
  assert.equal(await page.textContent('#augment-error'), '');
  await page.click('#augment-resample');
  assert.ok(differ((await previewPixels())[1], pixels[1]));
  assert.deepEqual(errors, []);
});

test('trains 2 epochs on 256 images with both: the scheduler lines in the log, no error', async () => {
  await page.fill('#samples', '256');
  await page.dispatchEvent('#samples', 'change');
  await page.click('#train');
  await page.waitForFunction(() => window.convlab.debug.runs().length > 0 && window.convlab.state === 'ready', null, { timeout: 180_000 });
  const run = (await page.evaluate(() => window.convlab.debug.runs())).at(-1);
  assert.equal(run.ending, 'finished');
  const log = await page.textContent('#log');
  assert.match(log, /^Epoch 1\/2\n\nEpoch 00001: LearningRateScheduler setting learning rate to 0\.001\.\n4\/4 \[=+\]/);
  assert.match(log, /\nEpoch 2\/2\n\nEpoch 00002: LearningRateScheduler setting learning rate to 0\.0008\.\n4\/4 \[=+\]/);
  assert.equal(await page.textContent('#train-error'), '');
  await page.locator('#train-panel').screenshot({ path: `${SHOTS}augment.png` });
  await page.setViewportSize({ width: 360, height: 800 });
  await settle(page);
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(scroll <= inner, `no horizontal overflow at 360 px: scrollWidth ${scroll} > ${inner}`);
  await page.locator('#train-panel').screenshot({ path: `${SHOTS}augment-360.png` });
  assert.deepEqual(errors, []);
});
