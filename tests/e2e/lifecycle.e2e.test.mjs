// The page's run lifecycle in Chromium, through roles and labels: the races a student can cause
// (paste then Train at once, Train pressed the moment it is enabled, Stop mid-epoch, Reset after
// a run, a reload), the notebook's log, a pasted stop callback, and the custom element on a
// lesson page of another origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../scripts/serve.mjs';
import { launchBrowser } from './browser.mjs';
import { pasteCode } from './editor_input.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
let server, browser, page, base;
const errors = [];

before(async () => {
  server = await startServer({ port: 0, headers: { 'Content-Security-Policy': CSP } });
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.text())) errors.push(`console: ${m.text()}`); });
  await page.goto(base);
  await ready();
});

after(async () => {
  await browser?.close();
  server?.close();
});

const ready = () => page.waitForFunction(() => window.convlab?.state === 'ready', null, { timeout: 120_000 });
const rows = () => page.evaluate(() => window.convlab.store.get().rows);
const train = () => page.getByRole('button', { name: 'Train', exact: true });
const setField = async (label, value) => page.getByLabel(label, { exact: true }).fill(String(value));

const SINGLE_CONV = `model = tf.keras.models.Sequential([
    tf.keras.layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)),
    tf.keras.layers.MaxPooling2D(2, 2),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation='relu'),
    tf.keras.layers.Dense(10, activation='softmax')
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(training_images, training_labels, epochs=1)
`;

test('paste then Train within 50 ms trains the pasted model, and the row says so', async () => {
  assert.equal(await page.getByLabel(/^Keras code/).getAttribute('contenteditable'), 'true', 'the editor is found by its label');
  await pasteCode(page, SINGLE_CONV);
  await setField('Training images', 320);
  const before = (await rows()).length;
  await train().click();  // the editor's build is still 350 ms away
  await page.waitForFunction((n) => window.convlab.store.get().rows.length === n + 1 && window.convlab.state === 'ready', before);
  const row = (await rows()).at(-1);
  assert.equal(row.architecture, 'C32-P-D128-D10');
  assert.equal(row.params, 693962);
  assert.equal(row.code, SINGLE_CONV);
  assert.match(await page.textContent('#summary'), /Total params: 693,962/);
});

test('Train pressed the moment it is enabled, three times, gives three more rows', async () => {
  const before = (await rows()).length;
  for (let i = 0; i < 3; i++) {
    await page.waitForFunction(() => !document.getElementById('train').disabled);
    await train().click();
    await page.waitForFunction(() => document.getElementById('train').disabled || window.convlab.state !== 'ready');
  }
  await page.waitForFunction((n) => window.convlab.store.get().rows.length === n + 3 && window.convlab.state === 'ready', before);
  const last = (await rows()).slice(-3);
  assert.deepEqual(last.map((r) => r.ending), ['finished', 'finished', 'finished']);
  assert.deepEqual(last.map((r) => r.start), ['fresh', 'fresh', 'fresh']);
  assert.equal(new Set(last.map((r) => r.id)).size, 3);
});

test('the log shows the notebook’s lines: Epoch, the bar with steps and metrics, the evaluate line', async () => {
  const log = await page.textContent('#log');
  assert.match(log, /^Epoch 1\/1$/m);
  assert.match(log, /^10\/10 \[==============================\] - \d+s \d+ms\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/m);
  assert.match(log, /^313\/313 \[==============================\] - \d+s \d+ms\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/m);
});

test('Continue training keeps the weights and counts the epochs in all', async () => {
  await page.getByRole('button', { name: 'Continue training' }).click();
  await page.waitForFunction(() => window.convlab.state === 'ready' && window.convlab.store.get().rows.at(-1).start === 'continued');
  const row = (await rows()).at(-1);
  assert.equal(row.totalEpochs, 2);
  assert.match(await page.locator('#experiments tbody tr').last().textContent(), /continued.*1 \(2 in all\)/);
});

test('Stop mid-epoch gives one stopped row, at its batch', async () => {
  await setField('Training images', 60000);
  const before = (await rows()).length;
  await train().click();
  await page.waitForFunction(() => (window.convlab.store.get().run?.points.length ?? 0) >= 20);
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.waitForFunction((n) => window.convlab.store.get().rows.length === n + 1 && window.convlab.state === 'ready', before);
  const row = (await rows()).at(-1);
  assert.equal(row.ending, 'stopped');
  assert.ok(row.stoppedAt.batch >= 20 && row.stoppedAt.batch < 1875, `stopped at ${row.stoppedAt.batch}`);
  assert.ok(row.curves.epochs.every((e) => e.step <= row.stoppedAt.batch), 'no epoch marker past the stop');
  assert.match(await page.textContent('#progress-text'), /Stopped in epoch 1 at batch/);
});

test('Reset leaves no old accuracy on screen', async () => {
  await page.getByRole('button', { name: 'Evaluate' }).click();
  await page.waitForFunction(() => /test accuracy/.test(document.getElementById('eval-summary').textContent), null, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.waitForFunction(() => window.convlab.state === 'ready' && window.convlab.store.get().lastRun === null);
  for (const id of ['progress-text', 'eval-summary', 'status']) {
    assert.doesNotMatch(await page.textContent(`#${id}`), /accuracy|Stopped|Finished/, `#${id} still describes the old weights`);
  }
  assert.equal(await page.locator('#confusion table').count(), 0);
});

test('a pasted stop callback sets the threshold and prints its message', async () => {
  const code = `class myCallback(tf.keras.callbacks.Callback):
  def on_epoch_end(self, epoch, logs={}):
    if(logs.get('accuracy') > 0.3):
      print("\\nReached 30% accuracy so cancelling training!")
      self.model.stop_training = True
callbacks = myCallback()
${SINGLE_CONV.replace('epochs=1', 'epochs=4, callbacks=[callbacks]')}`;
  await pasteCode(page, code);
  await setField('Training images', 640);
  await page.waitForFunction(() => document.getElementById('threshold').value === '0.3');
  await train().click();
  await page.waitForFunction(() => window.convlab.state === 'ready' && window.convlab.store.get().rows.at(-1).ending === 'threshold');
  const row = (await rows()).at(-1);
  assert.equal(row.epochs, 1);
  assert.match(await page.textContent('#log'), /^Reached 30% accuracy so cancelling training!$/m);
  // For the README (git-ignored build output, like page.e2e's): the log and the table of runs.
  const shots = fileURLToPath(new URL('../../build/screenshots/', import.meta.url));
  await mkdir(shots, { recursive: true });
  await page.locator('#train-panel').screenshot({ path: `${shots}training-log.png` });
  await page.locator('#experiments-panel').screenshot({ path: `${shots}experiments.png` });
});

test('a model the engine refuses keeps Train disabled and starts no run', async () => {
  const before = (await rows()).length;
  await pasteCode(page, SINGLE_CONV.replace("(3, 3), activation='relu'", "(29, 29), activation='relu'"));
  // Pressed at once, before or after the engine has refused the model (a busy machine can be
  // either): force, since a disabled button is the outcome under test, not a reason to wait.
  await train().click({ force: true });
  await page.waitForFunction(() => document.getElementById('model-error').textContent !== '');
  assert.match(await page.textContent('#model-error'), /^line 2: /);
  assert.equal(await train().isDisabled(), true);
  assert.equal((await rows()).length, before);
});

test('a reload keeps every row', async () => {
  const before = (await rows()).map((r) => r.id);
  await page.reload();
  await ready();
  await page.waitForFunction((n) => window.convlab.store.get().rows.length === n, before.length);
  assert.deepEqual((await rows()).map((r) => r.id), before);
  assert.equal(await page.locator('#experiments tbody tr').count(), before.length);
  await page.getByRole('button', { name: 'Clear experiments' }).click();
  assert.equal((await rows()).length, 0);
  assert.deepEqual(errors, []);
});

test('<convlab-trainer> works on a lesson page of another origin', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convlab-lesson-'));
  await writeFile(join(dir, 'index.html'), `<!doctype html><title>lesson</title>
<script type="module" src="${base}embed/convlab-trainer.mjs"></script>
<convlab-trainer model="dnn" epochs="1" samples="320" autostart></convlab-trainer>`);
  const lesson = await startServer({ port: 0, mounts: { '/': dir } });
  try {
    const other = await browser.context.newPage();
    const pageErrors = [];
    other.on('pageerror', (e) => pageErrors.push(e.message));
    await other.goto(`http://localhost:${lesson.address().port}/`);  // another origin: localhost, not 127.0.0.1
    const frame = await (await other.waitForSelector('convlab-trainer >> iframe')).contentFrame();
    await frame.waitForFunction(() => window.convlab?.store.get().rows.length === 1, null, { timeout: 120_000 });
    assert.deepEqual(pageErrors, []);
    await other.close();
  } finally {
    lesson.close();
  }
});
