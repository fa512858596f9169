// The static bundle (npm run build → dist/) as a teacher would host it: copied into a
// sub-folder of a plain static server (no CSP, no COOP/COEP, nothing special), where the lab
// trains, the examples embed it, no request leaves the origin, its code stays within 400 KB
// gzipped in each language, and — after the first visit — the service worker lets the page
// reload and train Fashion-MNIST with the network off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer } from '../../scripts/serve.mjs';
import { buildDist } from '../../scripts/dist.mjs';
import { launchBrowser } from './browser.mjs';

let server, browser, out, base, origin;
const requests = [];
const errors = [];

before(async () => {
  out = await buildDist({ out: join(await mkdtemp(join(tmpdir(), 'convlab-dist-')), 'dist') });
  // A sub-folder, as on GitHub Pages (user.github.io/repo/): absolute URLs would break here.
  server = await startServer({ port: 0, mounts: { '/course/convlab/': out } });
  origin = `127.0.0.1:${server.address().port}`;
  base = `http://${origin}/course/convlab/`;
  browser = await launchBrowser();
  browser.context.on('request', (r) => requests.push(r.url()));
});

after(async () => {
  await browser?.close();
  server?.close();
  if (out) await rm(join(out, '..'), { recursive: true, force: true });
});

async function newPage() {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  return page;
}

const ready = (page) => page.waitForFunction(() => /^Ready/.test(document.getElementById('status').textContent) && window.convlab.model,
  null, { timeout: 60_000 });

async function trainFewBatches(page) {
  await page.fill('#samples', '320');
  await page.fill('#epochs', '1');
  const before = await page.evaluate(() => window.convlab.runs.length);
  await page.click('#train');
  await page.waitForFunction((n) => window.convlab.runs.length > n && window.convlab.state === 'ready', before, { timeout: 60_000 });
  return page.evaluate(() => window.convlab.runs.at(-1).losses.length);
}

test('dist/ holds pages, worker, wasm, vendor, embed, examples and the dataset, with relative URLs only', async () => {
  for (const f of ['index.html', 'embed.html', 'sw.js', 'app.mjs', 'worker/train_worker.mjs', 'wasm/convlab.wasm', 'wasm/convlab.mjs',
    'vendor/codemirror.mjs', 'embed/convlab-trainer.mjs', 'examples/index.html', 'examples/lesson.html',
    'data/fashion-mnist/train-images-idx3-ubyte.gz', 'data/fashion-mnist/t10k-labels-idx1-ubyte.gz']) {
    await readFile(join(out, f)).catch(() => assert.fail(`dist/${f} is missing`));
  }
  // The modules are bundled into js/; the service worker's offline list names what is there.
  const shell = JSON.parse((await readFile(join(out, 'sw.js'), 'utf8')).match(/const SHELL = (\[.*\]);/)[1]);
  assert.ok(shell.includes('js/app.mjs') && shell.includes('js/train_worker.mjs'), 'sw.js lists the bundles');
  assert.ok(!shell.includes('lib/engine.mjs'), 'sw.js does not list bundled sources');
  for (const f of shell.filter((p) => p !== './')) {
    await readFile(join(out, f)).catch(() => assert.fail(`sw.js lists ${f}, which dist/ does not have`));
  }
  for (const f of ['index.html', 'embed.html', 'examples/index.html', 'examples/lesson.html']) {
    const html = await readFile(join(out, f), 'utf8');
    assert.doesNotMatch(html, /(src|href)="\/(?!\/)/, `${f} has a root-relative URL`);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, `${f} points at another host`);
  }
});

test('the lab trains from dist/ on a plain static server, and an embed works inside a non-isolated page', async () => {
  const page = await newPage();
  await page.goto(`${base}examples/lesson.html`);
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), false);
  const frame = await (await page.waitForSelector('#lesson-lab')).contentFrame();
  await ready(frame);
  assert.ok(await trainFewBatches(frame) >= 5);
  await page.close();
});

// (The embed of the test above registered the service worker already; threads.e2e sees the
// reload of a first visit.)
test('on a plain static server the page is cross-origin isolated through its service worker: 2 threads', async () => {
  const page = await newPage();
  let loads = 0;
  page.on('load', () => { loads += 1; });
  await page.goto(`${base}index.html?lang=en`);
  await ready(page);
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), true);
  assert.match(await page.textContent('#status'), /Engine: 2 threads\.$/);
  const first = loads;
  await page.reload();
  await ready(page);
  assert.equal(loads, first + 1, 'a controlled page does not reload itself');
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), true);
  await page.close();
});

test('after the first visit the page reloads and trains offline (service worker)', async () => {
  const page = await newPage();
  await page.goto(base);
  await ready(page);
  // The service worker has cached the shell, the wasm and Fashion-MNIST once it is active.
  await page.evaluate(() => navigator.serviceWorker.ready);
  // (caches.match looks in every cache, whatever sw.js names its own; waitForFunction wants a
  // value, not a promise, so the result is read into a global first.)
  await page.waitForFunction(() => {
    Promise.all(['data/fashion-mnist/train-images-idx3-ubyte.gz', 'wasm/convlab.wasm'].map((f) => caches.match(new URL(f, location.href).href)))
      .then((hits) => { window.cachedForOffline = hits.every(Boolean); });
    return window.cachedForOffline === true;
  }, null, { timeout: 60_000, polling: 250 });

  await browser.context.setOffline(true);
  try {
    await page.reload();
    await ready(page);
    assert.equal(await page.evaluate(() => navigator.onLine), false);
    assert.ok(await trainFewBatches(page) >= 5, 'trains offline');
  } finally {
    await browser.context.setOffline(false);
  }
  await page.close();
});

// Issue 16's budget: the JavaScript and wasm the page loads until Ready, gzip -9, at most 400 KB
// in every language (what bench/page_payload.mjs --dist itemizes). Service workers are blocked, as
// on a host where the page stays on one thread (the threaded engine is not counted).
test('the page loads at most 400 KB of code, gzipped, in English, Korean and Japanese', async () => {
  const plain = await launchBrowser({ serviceWorkers: 'block' });
  try {
    for (const lang of ['en', 'ko', 'ja']) {
      const page = await plain.context.newPage();
      const sizes = new Map(), reading = [];
      page.on('response', (r) => {
        if (!/\.(m?js|wasm)$/.test(new URL(r.url()).pathname)) return;
        reading.push(r.body().catch(() => null).then((body) => {
          if (body) sizes.set(new URL(r.url()).pathname, gzipSync(body, { level: 9 }).length);
        }));
      });
      await page.goto(`${base}?lang=${lang}`);
      await page.waitForFunction(() => window.convlab?.state === 'ready', null, { timeout: 60_000 });
      // Every body read to its end, however busy the machine (a fixed wait once was the guess).
      await page.waitForLoadState('networkidle');
      await Promise.all(reading);
      await page.close();
      const kb = [...sizes.values()].reduce((a, b) => a + b, 0) / 1024;
      const files = [...sizes.keys()];
      assert.ok(files.some((f) => f.endsWith('/wasm/convlab.wasm')) && files.some((f) => f.includes('/vendor/codemirror')), `${lang}: ${files}`);
      if (lang !== 'en') assert.ok(files.some((f) => /\/js\/chunk-/.test(f)), `${lang}: its catalog chunk`);
      assert.ok(kb <= 400, `${lang}: ${kb.toFixed(1)} KB of code gzipped (${files.length} files)`);
    }
  } finally {
    await plain.close();
  }
});

test('no request left the origin, and nothing logged an error', () => {
  const hosts = new Set(requests.filter((u) => !/^(data|blob):/.test(u)).map((u) => new URL(u).host));
  assert.deepEqual([...hosts], [origin]);
  assert.deepEqual(errors, []);
});
