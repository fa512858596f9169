// The same wasm module in headless Chromium: on a page and in a module Worker, under a strict
// CSP (no eval), giving exactly the losses Node gives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startServer, DEFAULT_MOUNTS } from '../../scripts/serve.mjs';
import { launchBrowser } from './browser.mjs';
import { loadEngine } from '../../web/lib/engine.mjs';
import { loadFashionMnist } from '../../web/lib/datasets.mjs';
import { PRESETS } from '../../web/lib/presets.mjs';
import { trainFew } from './pages/train_few.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
let server, browser, base;

before(async () => {
  server = await startServer({
    port: 0,
    mounts: { ...DEFAULT_MOUNTS, '/e2e/': fileURLToPath(new URL('./pages/', import.meta.url)) },
    headers: { 'Content-Security-Policy': CSP },
  });
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('the engine trains on a page and in a module Worker under a strict CSP, as in Node', async () => {
  const page = await browser.context.newPage();
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused/.test(m.text())) violations.push(m.text()); });
  await page.goto(`${base}/e2e/smoke.html`);
  await page.waitForFunction(() => window.smokeResult, null, { timeout: 60_000 });
  const result = await page.evaluate(() => window.smokeResult);
  assert.equal(result.error, undefined);
  assert.deepEqual(violations, []);

  const engine = await loadEngine();
  const data = await loadFashionMnist(engine, 'test');
  const node = trainFew(engine, PRESETS.lab, data.images.subarray(0, 320 * 784), data.labels.subarray(0, 320));
  assert.equal(node.length, 5);
  assert.deepEqual(result.page, node, 'page losses equal Node losses, bit for bit');
  assert.deepEqual(result.worker, node, 'worker losses equal Node losses, bit for bit');
  await page.close();
});
