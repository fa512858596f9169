// The threaded build in headless Chromium: on a cross-origin isolated page (COOP/COEP) a module
// Worker's loadEngine() picks it, and it trains to exactly the losses of the one-thread build;
// without isolation the same call falls back to one thread.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startServer, DEFAULT_MOUNTS } from '../../scripts/serve.mjs';
import { launchBrowser } from './browser.mjs';

const mounts = { ...DEFAULT_MOUNTS, '/e2e/': fileURLToPath(new URL('./pages/', import.meta.url)) };
let isolated, plain, browser, noServiceWorker;

before(async () => {
  isolated = await startServer({ port: 0, mounts, isolate: true });
  plain = await startServer({ port: 0, mounts });
  browser = await launchBrowser();
  noServiceWorker = await launchBrowser({ serviceWorkers: 'block' });
});

after(async () => {
  await browser?.close();
  await noServiceWorker?.close();
  isolated?.close();
  plain?.close();
});

async function run(server) {
  const page = await browser.context.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/e2e/threads.html`);
  await page.waitForFunction(() => window.threadsResult, null, { timeout: 90_000 });
  const result = await page.evaluate(() => window.threadsResult);
  await page.close();
  return result;
}

test('cross-origin isolated: a module Worker trains on 2 threads, bit for bit as on one', async () => {
  const result = await run(isolated);
  assert.equal(result.error, undefined);
  assert.equal(result.isolated, true);
  assert.equal(result.auto.isolated, true);
  assert.equal(result.auto.threads, 2);
  assert.equal(result.one.threads, 1);
  assert.equal(result.auto.losses.length, 5);
  assert.deepEqual(result.auto.losses, result.one.losses);
});

test('not isolated: the same page gets the one-thread build', async () => {
  const result = await run(plain);
  assert.equal(result.error, undefined);
  assert.equal(result.isolated, false);
  assert.equal(result.auto.threads, 1);
  assert.deepEqual(result.auto.losses, result.one.losses);
});

// A plain server sends no COOP/COEP: the page's service worker adds them, at the cost of one
// reload on the first visit; a browser without service workers stays on one thread and says why.
test('the trainer page gets 2 threads from an isolating server and from a plain one (its service worker), 1 without a service worker, and trains each way', async () => {
  const cases = [[browser, isolated, /Engine: 2 threads\.$/, 0], [browser, plain, /Engine: 2 threads\.$/, 1],
    [noServiceWorker, plain, /Engine: 1 thread: the page is not cross-origin isolated\.$/, 0]];
  for (const [{ context }, server, expected, reloads] of cases) {
    const page = await context.newPage();
    let loads = 0;
    page.on('load', () => { loads += 1; });
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => /Ready:/.test(document.getElementById('status').textContent), null, { timeout: 90_000 });
    assert.match(await page.textContent('#status'), expected);
    assert.equal(loads, 1 + reloads, `${expected}: page loads`);
    await page.fill('#samples', '320');
    await page.fill('#epochs', '1');
    const before = await page.evaluate(() => window.convlab.runs.length);
    await page.click('#train');
    await page.waitForFunction((n) => window.convlab.runs.length === n + 1 && window.convlab.state === 'ready', before, { timeout: 90_000 });
    assert.equal(await page.evaluate(() => window.convlab.debug.runs().at(-1).ending), 'finished');
    await page.close();
  }
});
