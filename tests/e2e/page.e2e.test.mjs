// The trainer page in headless Chromium, served under the strict CSP it must live with.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../scripts/serve.mjs';
import { launchBrowser } from './browser.mjs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createModel, engine } from '../../web/lib/convlab.mjs';
import { loadFashionMnist } from '../../web/lib/datasets.mjs';
import { parseKerasPython } from '../../web/lib/keras_python.mjs';
import { presetCode } from '../../web/page/presets_code.mjs';
import { createHandler } from '../../web/worker/handler.mjs';
import { pasteCode, editorCode } from './editor_input.mjs';

// Screenshots of each run are kept as test artifacts (git-ignored build output).
const SHOTS = fileURLToPath(new URL('../../build/screenshots/', import.meta.url));
const shoot = async (selector, name) => {
  await mkdir(SHOTS, { recursive: true });
  await page.locator(selector).screenshot({ path: `${SHOTS}${name}.png` });
};

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
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration)))
      .observe({ type: 'longtask', buffered: true });
    document.addEventListener('securitypolicyviolation', (e) => window.longTasks.push(`CSP ${e.violatedDirective}`));
  });
  await page.goto(base);
  await page.waitForFunction(() => window.convlab?.state === 'ready', null, { timeout: 60_000 });
  await page.waitForFunction(() => /Total params: 113,386/.test(document.getElementById('summary').textContent));
});

after(async () => {
  await browser?.close();
  server?.close();
});

const state = () => page.evaluate(() => window.convlab.state);
const batchCounter = async () => Number(/batch (\d+)\//.exec(await page.textContent('#progress-text'))?.[1] ?? NaN);

const runs = () => page.evaluate(() => window.convlab.debug.runs());

async function trainAndWait({ samples, epochs }) {
  await page.fill('#samples', String(samples));
  await page.fill('#epochs', String(epochs));
  const before = (await runs()).length;
  await page.click('#train');
  await page.waitForFunction((n) => window.convlab.debug.runs().length > n && window.convlab.state === 'ready', before, { timeout: 120_000 });
}

test('the lab model trains on a subset: curves get points, feature maps are drawn and differ', async () => {
  // Long tasks count from here: the bound is for training, not for the page's first load.
  await page.evaluate(() => { window.longTasks = window.longTasks.filter((t) => typeof t === 'string'); });
  await trainAndWait({ samples: 1280, epochs: 1 });
  const run = (await runs()).at(-1);
  assert.equal(run.ending, 'finished');
  assert.ok(run.losses.length >= 10);
  await page.click('#curves-table-toggle');
  assert.ok(await page.locator('#curves-table tbody tr').count() > 0, 'curve data table has rows');
  assert.ok(await page.locator('#loss-chart canvas').count() > 0, 'loss chart drawn');

  await page.waitForFunction(() => document.querySelectorAll('#feature-grid canvas').length >= 12);
  const stats = await page.evaluate(() => [...document.querySelectorAll('#feature-grid canvas')].map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let sum = 0, sq = 0;
    for (let i = 0; i < d.length; i += 4) { sum += d[i]; sq += d[i] * d[i]; }
    const n = d.length / 4;
    return { variance: sq / n - (sum / n) ** 2, url: c.toDataURL() };
  }));
  const maps = stats.slice(-12);  // the 3x4 grid's cells (thumbnails may precede them)
  for (const s of maps) assert.ok(s.variance > 1, 'a feature map is blank');
  assert.equal(new Set(maps.map((s) => s.url)).size, 12, 'feature maps differ between layers and images');
  assert.ok(await page.locator('#experiments tbody tr').count() >= 1, 'the run is in the experiments table');
  await shoot('#curves-panel', 'curves');
  await shoot('#feature-grid', 'feature-maps');
});

test('the loss chart: the legend follows the cursor, its buttons hide series, a drag zooms and a double-click zooms out', async () => {
  const chart = page.locator('#loss-chart');
  await chart.scrollIntoViewIfNeeded();
  const pixels = () => page.evaluate(() => document.querySelector('#loss-chart canvas').toDataURL());
  const legend = () => page.evaluate(() => [...document.querySelectorAll('#loss-chart .cl-legend li')].map((li) => li.textContent));
  const steps = (await runs()).at(-1).losses.length;
  const drawn = await pixels();
  // Not hovering: the latest values (the step of the last batch), at most a second late.
  await page.waitForFunction((n) => new RegExp(`:\\s*${n}$`).test(document.querySelector('#loss-chart .cl-legend li').textContent), steps, { timeout: 2000 });
  const box = await page.locator('#loss-chart .cl-chart-over').boundingBox();
  const plot = { left: box.x + 74, right: box.x + box.width - 14, y: box.y + 60 };
  await page.mouse.move(plot.left + 0.25 * (plot.right - plot.left), plot.y);
  const hovered = Number(/:\s*(\d+)$/.exec((await legend())[0])[1]);
  assert.ok(Math.abs(hovered - 0.25 * steps) <= 2, `hovering a quarter across shows step ${hovered} of ${steps}`);
  await page.mouse.move(plot.left, box.y - 20);  // off the chart: back to the latest
  assert.match((await legend())[0], new RegExp(`:\\s*${steps}$`));

  const batch = page.locator('#loss-chart .cl-legend-item').first();
  await batch.click();
  assert.equal(await batch.getAttribute('aria-pressed'), 'false');
  assert.notEqual(await pixels(), drawn, 'hiding batch loss changes the picture');
  await batch.press('Enter');
  assert.equal(await batch.getAttribute('aria-pressed'), 'true');
  assert.equal(await pixels(), drawn, 'shown again: the same picture');

  await page.mouse.move(plot.left + 10, plot.y);
  await page.mouse.down();
  await page.mouse.move(plot.left + 80, plot.y, { steps: 4 });
  await page.mouse.up();
  assert.notEqual(await pixels(), drawn, 'a drag zooms in');
  await page.mouse.dblclick(plot.left + 40, plot.y);
  assert.equal(await pixels(), drawn, 'a double-click zooms out');
  const showAll = page.locator('#loss-chart .cl-chart-unzoom');
  assert.equal(await showAll.isVisible(), false);
  await page.mouse.move(plot.left + 10, plot.y);
  await page.mouse.down();
  await page.mouse.move(plot.left + 80, plot.y, { steps: 4 });
  await page.mouse.up();
  await showAll.click();
  assert.equal(await pixels(), drawn, 'so does its button');
  assert.equal(await showAll.isVisible(), false);
  assert.deepEqual(errors, []);
});

test('the first ten losses on the page equal those of the same run in Node', async () => {
  const events = [];
  const e = await engine();
  const [train, test] = await Promise.all([loadFashionMnist(e, 'train'), loadFashionMnist(e, 'test')]);
  const handle = createHandler({ post: (m) => events.push(m), loadData: async () => ({ train, test }), createModel });
  // The page builds the preset from the Python code it shows in the editor; do the same.
  const { config } = parseKerasPython(presetCode('lab'));
  await handle({ type: 'build', id: 1, config, seed: 1 });
  await handle({ type: 'train', id: 2, runId: 1, fresh: true, settings: { epochs: 1, samples: 1280, seed: 1 } });
  assert.equal(events.find((m) => m.id === 2)?.error, undefined);
  const node = events.filter((m) => m.type === 'progress').flatMap((m) => m.points).slice(0, 10).map((p) => p.loss);
  const browserLosses = (await runs())[0].losses.slice(0, 10);
  assert.equal(node.length, 10);
  assert.deepEqual(browserLosses, node);
});

test('pause, step and resume move the batch counter as expected', async () => {
  await page.fill('#samples', '60000');
  await page.fill('#epochs', '1');
  await page.click('#train');
  await page.waitForFunction(() => /batch \d+\//.test(document.getElementById('progress-text').textContent));
  await page.click('#pause');
  await page.waitForFunction(() => window.convlab.state === 'paused');
  await page.waitForTimeout(150);
  const paused = await batchCounter();
  await page.waitForTimeout(400);
  assert.equal(await batchCounter(), paused, 'no batches while paused');
  await page.click('#step');
  await page.waitForFunction((b) => Number(/batch (\d+)\//.exec(document.getElementById('progress-text').textContent)[1]) === b + 1, paused);
  await page.waitForTimeout(300);
  assert.equal(await batchCounter(), paused + 1, 'step runs exactly one batch');
  assert.equal(await state(), 'paused');
  await page.click('#resume');
  await page.waitForFunction((b) => Number(/batch (\d+)\//.exec(document.getElementById('progress-text').textContent)[1]) > b + 20, paused + 1);
  await page.click('#stop');
  await page.waitForFunction(() => window.convlab.state === 'ready');
  assert.equal((await runs()).at(-1).ending, 'stopped');
});

test('the main thread is never blocked for more than 200 ms while training', async () => {
  const tasks = await page.evaluate(() => window.longTasks);
  assert.ok(!tasks.some((t) => typeof t === 'string'), `CSP violations: ${tasks.filter((t) => typeof t === 'string')}`);
  const longest = Math.max(0, ...tasks);
  assert.ok(longest < 200, `longest main-thread task ${longest} ms`);
});

test('Train starts again from the seed: the same first ten losses', async () => {
  await trainAndWait({ samples: 1280, epochs: 1 });
  const all = (await runs()).map((r) => r.losses.slice(0, 10));
  assert.deepEqual(all.at(-1), all[0]);
});

test('evaluation shows test accuracy, a confusion matrix and misclassified images', async () => {
  await page.click('#evaluate');
  await page.waitForFunction(() => /test accuracy/.test(document.getElementById('eval-summary').textContent), null, { timeout: 60_000 });
  assert.equal(await page.locator('#confusion table tbody tr').count(), 10);
  assert.match(await page.textContent('#confusion'), /Ankle boot/);
  assert.ok(await page.locator('#misclassified canvas').count() > 0);
  await shoot('#eval-panel', 'evaluation');
  assert.deepEqual(errors, []);
});

test('a pasted Keras snippet with a typo shows the error on its line', async () => {
  await pasteCode(page, `model = tf.keras.models.Sequential([
    tf.keras.layers.Conv2D(32, (3,3), activation='relu', input_shape=(28, 28, 1)),
    tf.keras.layers.MaxPooling2D(2, 2),
    tf.keras.layers.Dense(128, activatoin='relu'),
    tf.keras.layers.Dense(10, activation='softmax')
])`);
  await page.waitForFunction(() => document.getElementById('model-error').textContent !== '');
  assert.match(await page.textContent('#model-error'), /^line 4: Dense: unknown argument 'activatoin' — did you mean 'activation'\?/);
  assert.match(await page.textContent('#summary'), /Total params: 113,386/, 'the previous model stays');
  assert.equal(await page.isDisabled('#evaluate'), true, 'nothing runs on a model the editor does not show');
  assert.deepEqual(errors, []);
});

// A notebook as Jupyter saves it: markdown, a pip magic, and the model split over code cells.
function notebook(cells) {
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: cells.map(([type, source]) => ({ cell_type: type, metadata: {}, source })) });
}
const LAB_CELLS = [
  ['markdown', ['# Fashion-MNIST lab\n']],
  ['code', ['!pip install tensorflow\n', 'import tensorflow as tf\n']],
  ['code', ['model = tf.keras.models.Sequential([\n', "    tf.keras.layers.Flatten(input_shape=(28, 28, 1)),\n", "    tf.keras.layers.Dense(128, activation='relu'),\n", "    tf.keras.layers.Dense(10, activation='softmax')\n", '])\n']],
  ['code', ["model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"]],
];

test('a notebook file dropped on the Model panel or opened builds; an error names its cell and line', async () => {
  const typo = LAB_CELLS.map(([type, source]) => [type, source.map((l) => l.replace("activation='relu'", "activatoin='relu'"))]);
  const transfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'lab.ipynb', { type: 'application/x-ipynb+json' }));
    return dt;
  }, notebook(typo));
  await page.dispatchEvent('#editor', 'drop', { dataTransfer: transfer });
  await page.waitForFunction(() => /cell 3/.test(document.getElementById('model-error').textContent));
  assert.match(await page.textContent('#model-error'), /^cell 3, line 3: Dense: unknown argument 'activatoin'/);
  assert.match(await editorCode(page), /^# cell 2\n\nimport tensorflow as tf\n/, 'the magic line is blanked, the cells are marked');

  await page.setInputFiles('#model-file', { name: 'lab.ipynb', mimeType: 'application/json', buffer: Buffer.from(notebook(LAB_CELLS)) });
  await page.waitForFunction(() => /Total params: 101,770/.test(document.getElementById('summary').textContent) && !document.getElementById('model-error').textContent);
  await page.setInputFiles('#model-file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await page.waitForFunction(() => document.getElementById('model-file-error').textContent !== '');
  assert.equal(await page.textContent('#model-file-error'), 'notes.txt is not a notebook: open an .ipynb or a .py file.');
  assert.match(await page.textContent('#summary'), /Total params: 101,770/, 'the model stays');
  assert.deepEqual(errors, []);
});
