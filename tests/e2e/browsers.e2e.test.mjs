// The page in the three engines students' browsers use: Chromium, Firefox (ESR, WebDriver BiDi)
// and WebKit (WebKitGTK's MiniBrowser, Safari's engine, under Xvfb and LANG=C.UTF-8). In each,
// under the strict CSP on a cross-origin isolated server: the page loads, one epoch on 3,000
// images trains, the curves and the 3x4 feature-map grid are drawn (pixels, not just elements),
// evaluation reports a test accuracy, and after the server is gone the page reloads from its
// service worker and trains again. The code editor (CodeMirror) is drawn with its styles, line
// numbers and highlighting. The losses must equal Chromium's bit for bit (the engine is
// the same wasm whatever the browser and its thread count).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { openChromium, openFirefox, openWebKit } from './other_browsers.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const SHOTS = fileURLToPath(new URL('../../build/screenshots/browsers/', import.meta.url));
const results = {};

before(() => mkdir(SHOTS, { recursive: true }));

// Polls `fn(arg)` in the page until it returns something truthy.
async function waitFor(browser, fn, arg, { timeout = 120_000, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await browser.evaluate(fn, arg).catch(() => undefined);  // (mid-navigation)
    if (value) return value;
    if (Date.now() > end) throw new Error(`${browser.name}: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ready = (b) => waitFor(b, () => window.convlab?.state === 'ready' && /Ready:/.test(document.getElementById('status').textContent)
  && document.getElementById('status').textContent, null, { what: 'Ready' });

// Sets the run's size and presses Train; the caller waits for the new row.
function startRun({ samples, epochs }) {
  for (const [id, v] of [['samples', samples], ['epochs', epochs]]) {
    const el = document.getElementById(id);
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }
  const rows = window.convlab.runs.length;
  document.getElementById('train').click();
  return rows;
}

async function train(b, settings) {
  const rows = await b.evaluate(startRun, settings);
  return waitFor(b, (n) => window.convlab.runs.length === n + 1 && window.convlab.state === 'ready' && window.convlab.debug.runs().at(-1),
    rows, { what: 'the run to finish' });
}

// Per canvas: how many distinct colours it holds (a blank or one-colour canvas has 1).
function drawnPixels() {
  const colours = (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length && seen.size < 64; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  };
  const grid = [...document.querySelectorAll('#feature-grid canvas')].slice(-12);
  return {
    loss: [...document.querySelectorAll('#loss-chart canvas')].map(colours),
    accuracy: [...document.querySelectorAll('#accuracy-chart canvas')].map(colours),
    maps: grid.map(colours),
  };
}

// The code editor as drawn: CodeMirror's base theme (its style-mod sheets, which the strict CSP
// allows only as constructable stylesheets, adopted by the editor's shadow root) lays out the scroller and gutters as flex boxes;
// line numbers and Python highlighting are there.
function editorLooks() {
  const root = document.getElementById('editor').shadowRoot;
  const style = (sel) => getComputedStyle(root.querySelector(sel));
  return {
    layout: { scroller: style('.cm-scroller').display, gutters: style('.cm-gutters').display },
    lines: root.querySelectorAll('.cm-lineNumbers .cm-gutterElement').length,
    tokens: root.querySelectorAll('[class^="tok-"]').length,
    string: style('.tok-string').color,
    plain: style('.cm-content').color,
  };
}

function cachedForOffline() {
  return Promise.all(['data/fashion-mnist/train-images-idx3-ubyte.gz', 'wasm/convlab.wasm', 'index.html']
    .map((f) => caches.match(new URL(f, location.href).href))).then((hits) => hits.every(Boolean));
}

async function scenario(open) {
  const server = await startServer({ port: 0, isolate: true, headers: { 'Content-Security-Policy': CSP } });
  const base = `http://127.0.0.1:${server.address().port}/`;
  const b = await open();
  try {
    await b.goto(`${base}?lang=en`);
    const status = await ready(b);
    const editor = await b.evaluate(editorLooks);
    assert.deepEqual(editor.layout, { scroller: 'flex', gutters: 'flex' }, `${b.name}: CodeMirror's own styles are in effect`);
    assert.ok(editor.lines >= 8, `${b.name}: line numbers (${editor.lines})`);
    assert.ok(editor.tokens >= 10, `${b.name}: highlighted tokens (${editor.tokens})`);
    assert.notEqual(editor.string, editor.plain, `${b.name}: strings have their own colour`);
    const run = await train(b, { samples: 3000, epochs: 1 });
    assert.equal(run.ending, 'finished', `${b.name}: ${run.ending}`);
    assert.ok(run.losses.length >= 90, `${b.name}: ${run.losses.length} losses`);
    await waitFor(b, () => document.querySelectorAll('#feature-grid canvas').length >= 12, null, { what: 'the feature maps' });
    const pixels = await b.evaluate(drawnPixels);
    assert.ok(Math.max(...pixels.loss) > 3, `${b.name}: loss chart colours ${pixels.loss}`);
    assert.ok(Math.max(...pixels.accuracy) > 3, `${b.name}: accuracy chart colours ${pixels.accuracy}`);
    assert.equal(pixels.maps.length, 12, `${b.name}: feature maps`);
    for (const c of pixels.maps) assert.ok(c > 2, `${b.name}: a blank feature map (${pixels.maps})`);

    await b.evaluate(() => document.getElementById('evaluate').click());
    const evaluation = await waitFor(b, () => /test accuracy/.test(document.getElementById('eval-summary').textContent)
      && document.getElementById('eval-summary').textContent, null, { what: 'the evaluation' });
    await b.screenshot(`${SHOTS}${b.name}.png`);

    // Offline: the server is gone; the service worker serves the page, engine and data.
    await waitFor(b, cachedForOffline, null, { what: 'the service worker cache' });
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await b.reload();
    await ready(b);
    const offline = await train(b, { samples: 320, epochs: 1 });
    assert.equal(offline.ending, 'finished', `${b.name} offline: ${offline.ending}`);
    assert.deepEqual(await b.errors(), [], `${b.name}: errors`);
    return { status, losses: run.losses, evaluation, offlineLosses: offline.losses };
  } finally {
    await b.close();
    server.close();
  }
}

after(() => {
  // One line per engine, for the log of a CI run.
  for (const [name, r] of Object.entries(results)) console.log(`# ${name}: ${r.status.replace(/^.*Engine: /, 'Engine: ')} ${r.evaluation}`);
});

test('Chromium: trains, draws, evaluates and works offline under the strict CSP', async () => {
  results.chromium = await scenario(openChromium);
});

for (const [name, open] of [['Firefox', openFirefox], ['WebKit', openWebKit]]) {
  test(`${name}: the same, with Chromium's losses bit for bit`, async () => {
    const r = await scenario(open);
    results[name] = r;
    assert.ok(results.chromium, 'the Chromium run went first');
    assert.deepEqual(r.losses, results.chromium.losses);
    assert.deepEqual(r.offlineLosses, results.chromium.offlineLosses);
  });
}
