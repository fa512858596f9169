// The lab embedded: <convlab-trainer> twice on one page and embed.html in a plain iframe, each
// configured by attributes / the URL hash, inside a parent page that is NOT cross-origin
// isolated, everything under the strict CSP; saved runs (IndexedDB, download, upload); "share
// this setup"; no request leaving the origin; axe-core finding no serious or critical problem.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../scripts/serve.mjs';
import { launchBrowser } from './browser.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let server, browser, base, origin;
const requests = [];
const errors = [];

before(async () => {
  server = await startServer({ port: 0, headers: { 'Content-Security-Policy': CSP } });
  origin = `127.0.0.1:${server.address().port}`;
  base = `http://${origin}/`;
  browser = await launchBrowser();
  browser.context.on('request', (r) => requests.push(r.url()));
  // Every frame of every page records CSP violations where the test can read them.
  await browser.context.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function newPage() {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.text())) errors.push(`console: ${m.text()}`); });
  return page;
}

const ready = (frame) => frame.waitForFunction(() => /^Ready/.test(document.getElementById('status').textContent) && window.convlab.model,
  null, { timeout: 60_000 });
const frameOf = async (page, selector) => (await page.waitForSelector(selector)).contentFrame();
const visible = (frame, id) => frame.evaluate((i) => document.getElementById(i).checkVisibility(), id);
const violations = (frame) => frame.evaluate(() => window.cspViolations);

// axe-core in one frame (a page or an iframe). Its code is evaluated through the DevTools
// protocol, which the page's CSP does not govern (an inline <script> tag would be refused).
// preload: false skips axe's CSSOM preload, which copies stylesheets into <style> elements
// (refused by style-src 'self', and only used by the css-orientation-lock rule); iframes are
// checked one by one, as each runs under its own CSP.
async function axeCheck(frame, what) {
  await frame.evaluate(await readFile(AXE, 'utf8'));
  const result = await frame.evaluate(() => window.axe.run(document, { resultTypes: ['violations'], iframes: false, preload: false }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`), [], `${what}: axe-core`);
  assert.deepEqual(await violations(frame), [], `${what}: CSP violations`);
}

test('two <convlab-trainer> elements on one page, configured by attributes, train independently', async () => {
  const page = await newPage();
  await page.goto(`${base}examples/index.html`);
  const [dnn, cnn] = [await frameOf(page, '#dnn iframe'), await frameOf(page, '#cnn iframe')];
  await Promise.all([ready(dnn), ready(cnn)]);
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), false, 'the parent is not isolated');
  assert.equal(await dnn.evaluate(() => window.crossOriginIsolated), false);

  assert.match(await dnn.textContent('#summary'), /Total params: 101,770/, 'dnn preset');
  assert.match(await cnn.textContent('#summary'), /Total params: 113,386/, 'lab preset');
  assert.equal(await dnn.inputValue('#optimizer'), 'sgd');
  assert.equal(await dnn.inputValue('#learning-rate'), '0.05');
  assert.equal(await dnn.inputValue('#seed'), '7');
  assert.equal(await cnn.inputValue('#batch-size'), '64');
  assert.equal(await cnn.inputValue('#threshold'), '0.95');
  assert.equal(await cnn.inputValue('#map-filter'), '4');
  assert.equal(await cnn.inputValue('#map-images'), '2, 3, 5');
  assert.equal(await visible(dnn, 'maps-panel'), false);
  assert.equal(await visible(cnn, 'maps-panel'), true);
  assert.equal(await visible(cnn, 'eval-panel'), false);
  assert.equal(await visible(cnn, 'pause'), false);
  assert.equal(await visible(cnn, 'train'), true);
  assert.ok(await dnn.evaluate(() => document.body.classList.contains('compact')));

  // Train both at once: each has its own Worker.
  await cnn.fill('#samples', '640');
  await cnn.fill('#epochs', '1');
  // One click after the other: a click scrolls the parent to its iframe, and two at once can
  // scroll the other's target away under the mouse.
  await dnn.click('#train');
  await cnn.click('#train');
  for (const f of [dnn, cnn]) {
    await f.waitForFunction(() => window.convlab.runs.length === 1 && window.convlab.state === 'ready', null, { timeout: 120_000 })
      .catch(async (e) => { throw new Error(`${e.message}: ${await f.evaluate(() => `${window.convlab.state} ${document.getElementById('status').textContent} ${document.getElementById('progress-text').textContent} ${document.getElementById('train-error').textContent}`)}`); });
  }
  assert.equal(await dnn.evaluate(() => window.convlab.runs[0].epochs.length), 1);
  await cnn.waitForFunction(() => document.querySelectorAll('#feature-grid canvas').length >= 12);

  for (const f of [page.mainFrame(), dnn, cnn]) assert.deepEqual(await violations(f), [], `CSP violations in ${f.url()}`);
  await axeCheck(page, 'examples/index.html');
  await axeCheck(dnn, 'the compact embed');
  await axeCheck(cnn, 'the embed after training, with feature maps');
  await page.close();
});

test('embed.html in a plain iframe of a lesson; the hash can autostart training', async () => {
  const page = await newPage();
  await page.goto(`${base}examples/lesson.html`);
  const lab = await frameOf(page, '#lesson-lab');
  await ready(lab);
  assert.equal(await lab.inputValue('#samples'), '6000');
  assert.equal(await visible(lab, 'experiments-panel'), false);
  await axeCheck(page, 'examples/lesson.html');
  await axeCheck(lab, 'the lesson\'s iframe');

  await page.goto(`${base}embed.html#model=single-conv&epochs=1&samples=320&batch-size=32&autostart=1&hide=editor,runs,share`);
  await page.waitForFunction(() => window.convlab?.runs.length === 1, null, { timeout: 120_000 });
  assert.equal(await visible(page, 'editor'), false);
  assert.equal(await page.locator('label[for="editor"]').isVisible(), false, 'the hidden editor takes its label along');
  assert.deepEqual(await violations(page), []);
  await axeCheck(page, 'embed.html after training');
  await page.close();
});

test('runs: save in IndexedDB, restore, delete; download and upload; a bad upload keeps the model', async () => {
  const page = await newPage();
  await page.goto(base);
  await ready(page);
  const evaluate = async () => {
    await page.evaluate(() => { document.getElementById('eval-summary').textContent = ''; });
    await page.click('#evaluate');
    await page.waitForFunction(() => /test accuracy/.test(document.getElementById('eval-summary').textContent), null, { timeout: 60_000 });
    return page.textContent('#eval-summary');
  };
  await page.fill('#samples', '640');
  await page.fill('#epochs', '1');
  // Rows of earlier tests' runs are restored from IndexedDB (same browser profile).
  const runsBefore = await page.evaluate(() => window.convlab.runs.length);
  await page.click('#train');
  await page.waitForFunction((n) => window.convlab.runs.length === n + 1 && window.convlab.state === 'ready', runsBefore, { timeout: 120_000 });
  const trained = await evaluate();

  await page.click('#save-run');
  await page.waitForSelector('#runs-list tbody tr');
  const download = page.waitForEvent('download');
  await page.click('#download-run');
  const file = join(await mkdtemp(join(tmpdir(), 'convlab-run-')), 'run.convlab.json');
  await (await download).saveAs(file);
  const saved = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(saved.format, 'convlab-run');
  assert.equal(Buffer.from(saved.weights, 'base64').length, 113386 * 4);

  await page.click('#reset');
  await page.waitForTimeout(300);
  assert.notEqual(await evaluate(), trained, 'reset weights evaluate differently');
  await page.click('#runs-list tbody tr button:has-text("Restore")');
  await page.waitForFunction(() => /Restored/.test(document.getElementById('runs-status').textContent));
  assert.equal(await evaluate(), trained, 'the restored weights evaluate as the trained ones did');

  // A broken upload: one clear error, the current model unchanged.
  await page.click('#reset');
  await page.waitForTimeout(300);
  const fresh = await evaluate();
  const broken = structuredClone(saved);
  broken.weights = broken.weights.slice(0, 4000);
  await writeFile(`${file}.bad.json`, JSON.stringify(broken));
  await page.setInputFiles('#upload-run', `${file}.bad.json`);
  await page.waitForFunction(() => document.getElementById('runs-error').textContent !== '');
  assert.match(await page.textContent('#runs-error'), /run\.convlab\.json\.bad\.json.*\(weights\): \d+ bytes but .* describes 113386 float32 values/);
  assert.equal(await evaluate(), fresh, 'the model is unchanged');
  await page.setInputFiles('#upload-run', file);
  await page.waitForFunction(() => /Loaded/.test(document.getElementById('runs-status').textContent));
  assert.equal(await page.textContent('#runs-error'), '');
  assert.equal(await evaluate(), trained, 'the uploaded run evaluates as the trained one did');

  await axeCheck(page, 'index.html with a saved run and an evaluation');
  await page.click('#runs-list tbody tr button:has-text("Delete")');
  await page.waitForFunction(() => !document.querySelector('#runs-list tbody tr'));
  assert.deepEqual(await violations(page), []);
  await page.close();
});

test('"Share this setup" gives a link and snippets that reproduce the setup', async () => {
  const page = await newPage();
  await page.goto(base);
  await ready(page);
  await page.selectOption('#preset', 'lab64');
  await page.waitForFunction(() => /Total params: 243,786/.test(document.getElementById('summary').textContent));
  await page.fill('#epochs', '3');
  await page.selectOption('#optimizer', 'rmsprop');
  await page.fill('#share-hide', 'eval,experiments');
  await page.check('#share-compact');
  await page.click('#share');
  const url = await page.inputValue('#share-url');
  assert.match(url, /index\.html#model=lab64&epochs=3&.*optimizer=rmsprop.*&hide=eval%2Cexperiments&compact=1&lang=en$/);
  assert.match(await page.inputValue('#share-iframe'), /^<iframe src="http:\/\/[^"]+\/embed\.html#model=lab64&amp;epochs=3/);
  assert.match(await page.inputValue('#share-element'), /<convlab-trainer model="lab64" epochs="3" .*optimizer="rmsprop".* hide="eval,experiments" compact lang="en"><\/convlab-trainer>/);
  await axeCheck(page, 'index.html');

  const shared = await newPage();
  await shared.goto(url.replace('index.html', 'embed.html'));
  await ready(shared);
  assert.match(await shared.textContent('#summary'), /Total params: 243,786/);
  assert.equal(await shared.inputValue('#optimizer'), 'rmsprop');
  assert.equal(await visible(shared, 'eval-panel'), false);
  await shared.close();
  await page.close();
});

test('every control is reached by Tab, shows a visible focus outline, and works from the keyboard', async () => {
  const page = await newPage();
  await page.goto(base);
  await ready(page);
  const code = await page.$eval('#editor', (host) => host.value);
  const seen = new Map();
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      // The code editor's focus is inside its shadow root; its outline is on the editor's box.
      const inner = el.shadowRoot?.activeElement?.closest('.cm-editor');
      const style = getComputedStyle(inner ?? el);
      return { key: el.id || `${el.tagName} #${[...document.querySelectorAll('*')].indexOf(el)}`, outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
    });
    if (f.key.startsWith('BODY') || seen.has(f.key)) break;  // wrapped around
    seen.set(f.key, f.outline);
    // In the code editor Tab indents; Escape first, then Tab moves on (CodeMirror's way out).
    if (f.key === 'editor') await page.keyboard.press('Escape');
  }
  const controls = ['preset', 'editor', 'epochs', 'batch-size', 'optimizer', 'learning-rate', 'seed', 'samples', 'train', 'map-images',
    'map-filter', 'curves-table-toggle', 'evaluate', 'save-run', 'download-run', 'upload-run', 'share-hide', 'share-autostart', 'share'];
  assert.deepEqual(controls.filter((id) => !seen.has(id)), [], 'controls Tab never reached');
  assert.equal(await page.$eval('#editor', (host) => host.value), code, 'Escape, Tab left the editor without indenting');
  assert.deepEqual([...seen].filter(([, outline]) => !outline).map(([k]) => k), [], 'focused without a visible outline');
  await page.focus('#share');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#share-output', { state: 'visible' });
  await page.focus('#curves-table-toggle');
  await page.keyboard.press(' ');
  assert.equal(await page.getAttribute('#curves-table-toggle', 'aria-expanded'), 'true');
  await page.close();
});

test('no request ever left the origin, and nothing logged an error', () => {
  const hosts = new Set(requests.filter((u) => !/^(data|blob):/.test(u)).map((u) => new URL(u).host));
  assert.deepEqual([...hosts], [origin]);
  assert.deepEqual(errors, []);
});
