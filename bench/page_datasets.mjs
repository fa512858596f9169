// The page's side of issue 14's numbers, in headless Chromium (npm start's page, strict CSP):
//   --assignment  pick MNIST digits, paste the week-3 assignment (single Conv2D, adam, the
//                 99.5 % stop callback) and train: the epoch it stopped at and the seconds.
//   --cifar       pick a synthetic full-size cifar-10-binary.tar.gz (bench/cifar_tarball.mjs)
//                 by the file input, paste seed 004 and train on all of it (validation_split
//                 0.2), stopped after --steps batches of 64, twice: the peak RSS of the tab's
//                 renderer process (page + its Worker) and of all of Chromium.
//   node bench/page_datasets.mjs --assignment | --cifar [--steps 40]
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../scripts/serve.mjs';
import { launchBrowser } from '../tests/e2e/browser.mjs';
import { writeTarball } from './cifar_tarball.mjs';

const { values } = parseArgs({ options: { assignment: { type: 'boolean' }, cifar: { type: 'boolean' }, steps: { type: 'string', default: '40' } } });

const ASSIGNMENT = `class myCallback(tf.keras.callbacks.Callback):
  def on_epoch_end(self, epoch, logs={}):
    if(logs.get('accuracy') > 0.995):
      print("\\nReached 99.5% accuracy so cancelling training!")
      self.model.stop_training = True
callbacks = myCallback()
model = tf.keras.models.Sequential([
  tf.keras.layers.Conv2D(32, (3,3), activation='relu', input_shape=(28, 28, 1)),
  tf.keras.layers.MaxPooling2D(2, 2),
  tf.keras.layers.Flatten(),
  tf.keras.layers.Dense(128, activation='relu'),
  tf.keras.layers.Dense(10, activation='softmax')
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
history = model.fit(training_images, training_labels, epochs=10, callbacks=[callbacks])
`;

const SEED_004 = `model = Sequential()
model.add(Conv2D(32, (3, 3), activation='relu', padding='same', input_shape=(32, 32, 3)))
model.add(Conv2D(32, (3, 3), activation='relu', padding='same'))
model.add(MaxPooling2D(2, 2))
model.add(Dropout(0.2))
model.add(Conv2D(64, (3, 3), activation='relu', padding='same'))
model.add(Conv2D(64, (3, 3), activation='relu', padding='same'))
model.add(MaxPooling2D(2, 2))
model.add(Dropout(0.2))
model.add(Conv2D(128, (3, 3), activation='relu', padding='same'))
model.add(Conv2D(128, (3, 3), activation='relu', padding='same'))
model.add(MaxPooling2D(2, 2))
model.add(Dropout(0.2))
model.add(Flatten())
model.add(Dense(512, activation='relu'))
model.add(Dropout(0.5))
model.add(Dense(10, activation='softmax'))
model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
hist = model.fit(x_train, y_train_one_hot, batch_size=64, epochs=25, validation_split=0.2, verbose=1)
`;

// RSS in MB of Chromium's processes for this profile: {renderer: the largest renderer, total}.
async function chromiumRss(profileHint) {
  let renderer = 0, total = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      if (!cmd.includes('chromium') || !cmd.includes(profileHint)) continue;
      const kb = Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      total += kb / 1024;
      if (cmd.includes('--type=renderer')) renderer = Math.max(renderer, kb / 1024);
    } catch { /* the process ended */ }
  }
  return { renderer, total };
}

const server = await startServer({ port: 0 });
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await launchBrowser();
const page = await browser.context.newPage();
const profileHint = browser.profile;  // this browser's processes only, not other Chromiums'
await page.goto(base);
const settle = () => page.waitForFunction(() => window.convlab?.state === 'ready' && !window.convlab.store.get().datasetLoading && window.convlab.model && !window.convlab.store.get().dirty, null, { timeout: 600_000 });
await settle();

async function train() {
  await page.click('#train');
  await page.waitForFunction(() => window.convlab.runs.length > 0 && window.convlab.state === 'ready', null, { timeout: 3_600_000 });
  return page.evaluate(() => window.convlab.store.get().lastRun);
}

if (values.assignment) {
  await page.selectOption('#dataset-choice', 'mnist');
  await page.waitForFunction(() => window.convlab.store.get().data?.dataset === 'mnist');
  await page.evaluate((code) => window.convlab.controller.edit(code), ASSIGNMENT);
  await page.waitForFunction(() => /Total params: 693,962/.test(document.getElementById('summary').textContent), null, { timeout: 60_000 });
  await settle();
  const started = Date.now();
  const row = await train();
  const wall = (Date.now() - started) / 1000;
  const log = await page.textContent('#log');
  console.log(log.split('\n').filter((l) => /^Epoch|\] - |Reached/.test(l)).join('\n'));
  console.log(`page, MNIST digits: ${row.ending} after epoch ${row.epochs}; ${(row.secondsPerEpoch * row.epochs).toFixed(1)} s of training (${wall.toFixed(1)} s wall); test accuracy ${row.testAccuracy?.toFixed(4)}`);
}

if (values.cifar) {
  const dir = await mkdtemp(join(tmpdir(), 'convlab-page-cifar-'));
  const tarball = join(dir, 'cifar-10-binary.tar.gz');
  await writeTarball(tarball);
  let peak = { renderer: 0, total: 0 };
  const sampler = setInterval(async () => {
    const now = await chromiumRss(profileHint);
    peak = { renderer: Math.max(peak.renderer, now.renderer), total: Math.max(peak.total, now.total) };
  }, 250);
  const before = await chromiumRss(profileHint);
  await page.selectOption('#dataset-choice', 'files');
  await page.setInputFiles('#dataset-files', tarball);
  await page.waitForFunction(() => window.convlab.store.get().data?.trainCount === 50000 || window.convlab.store.get().datasetError, null, { timeout: 600_000 });
  const loaded = { ...peak };
  await page.evaluate((code) => window.convlab.controller.edit(code), SEED_004);
  await page.waitForFunction(() => /Total params: 1,341,226/.test(document.getElementById('summary').textContent), null, { timeout: 60_000 });
  await settle();
  // As a student trains: all 50,000 images (40,000 to train, 10,000 held out by
  // validation_split=0.2, all of them in the engine), stopped after --steps batches of 64, then
  // the test set's evaluation; twice, since a second run must not hold two copies.
  await page.fill('#samples', '50000');
  await page.fill('#epochs', '1');
  let row;
  const peaks = [];
  for (let run = 0; run < 2; run++) {
    await page.click('#train');
    await page.waitForFunction((n) => (window.convlab.store.get().run?.progress?.batch ?? 0) + 1 >= n, Number(values.steps), { timeout: 3_600_000 });
    await page.click('#stop');
    await page.waitForFunction((runs) => window.convlab.runs.length > runs && window.convlab.state === 'ready', run, { timeout: 3_600_000 });
    row = await page.evaluate(() => window.convlab.store.get().lastRun);
    peaks.push(peak.renderer);
  }
  clearInterval(sampler);
  const size = (await stat(tarball)).size;
  console.log(`page, cifar-10-binary.tar.gz (synthetic, ${(size / 1e6).toFixed(0)} MB, 50,000 + 10,000 images): ${row.ending}, ${values.steps} steps of 64 (stopped), twice, test accuracy ${row.testAccuracy?.toFixed(4)}`);
  console.log(`renderer RSS: ${before.renderer.toFixed(0)} MB before, ${loaded.renderer.toFixed(0)} MB peak while reading, ${peaks[0].toFixed(0)} MB peak while training (first run), ${peaks[1].toFixed(0)} MB (second run)`);
  console.log(`all Chromium processes: ${peak.total.toFixed(0)} MB peak`);
  await rm(dir, { recursive: true, force: true });
}

await browser.close();
server.close();
