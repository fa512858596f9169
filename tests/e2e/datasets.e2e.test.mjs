// web/lib/data in a module Worker in Chromium, under the page's strict CSP: the built-in MNIST
// digits, a Keras .npz and a CIFAR-10 tarball as Blobs (the vendored fflate, DecompressionStream,
// the streaming tar walker), and an image folder decoded by createImageBitmap + OffscreenCanvas,
// PNG and WebP. Each must read as it does in Node.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, DEFAULT_MOUNTS } from '../../scripts/serve.mjs';
import { launchBrowser } from './browser.mjs';
import { engine } from '../../web/lib/convlab.mjs';
import { loadDataset } from '../../web/lib/data/load.mjs';
import { mnistLikeNpz, cifarTarGz, png, file } from '../js/data_fixtures.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
let server, browser, base;
const fixtures = {};

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'convlab-e2e-data-'));
  Object.assign(fixtures, { 'tiny.npz': mnistLikeNpz({ train: 12, test: 6 }), 'cifar-10-binary.tar.gz': cifarTarGz(6), 'red.png': png(9, 7, [255, 0, 0]) });
  for (const [name, bytes] of Object.entries(fixtures)) await writeFile(join(dir, name), bytes);
  server = await startServer({
    port: 0,
    mounts: { ...DEFAULT_MOUNTS, '/e2e/': fileURLToPath(new URL('./pages/', import.meta.url)), '/fixtures/': dir },
    headers: { 'Content-Security-Policy': CSP },
  });
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('datasets read in a Chromium Worker as in Node: MNIST digits, .npz, CIFAR-10 tarball, PNG + WebP folder', async () => {
  const page = await browser.context.newPage();
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused/.test(m.text())) violations.push(m.text()); });
  await page.goto(`${base}/e2e/datasets.html`);
  await page.waitForFunction(() => window.datasetsResult, null, { timeout: 60_000 });
  const r = await page.evaluate(() => window.datasetsResult);
  await page.close();
  assert.equal(r.error, undefined);
  assert.deepEqual(violations, []);

  const e = await engine();
  const summary = (d) => ({
    title: d.title, classes: d.classes, shape: d.shape, train: d.train.count, test: d.test?.count ?? 0,
    trainLabels: [...d.train.labels.subarray(0, 8)], firstPixels: [...d.train.images.subarray(0, 6)], skipped: d.skipped?.length ?? 0,
  });
  assert.deepEqual(r.mnist, summary(await loadDataset(e, { name: 'mnist' })));
  for (const name of ['tiny.npz', 'cifar-10-binary.tar.gz']) {
    assert.deepEqual(r[name], summary(await loadDataset(e, { files: [file(name, fixtures[name])] })), name);
  }
  assert.equal(r['cifar-10-binary.tar.gz'].train, 30);
  assert.deepEqual(r.images.classes, ['blue', 'red']);
  assert.deepEqual([r.images.train + r.images.test, r.images.skipped], [6, 1]);
  // Solid colours survive the browser's decode and resize: a blue or a red pixel first.
  const first = r.images.firstPixels.slice(0, 3);
  assert.ok([[0, 0, 255], [255, 0, 0]].some((c) => c.every((v, i) => Math.abs(v - first[i]) <= 2)), `pixel ${first}`);
  assert.match(r.bad, /^DatasetError: cut\.npz: not a valid zip file or truncated/);
});
