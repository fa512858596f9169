// The step-through (ui/stepthrough_panel.mjs) and the readable kernels (ui/maps_panel.mjs) in
// Chromium under the strict CSP, on a small model typed into the page's Keras code box with a
// 'valid', a 'same' and a strided convolution and a max pooling: at the positions the panel
// shows, its sum + bias → activation (formed in the page from the engine's kernel and input)
// equals the engine's output pixel, asked for separately through featureMaps; the pooling
// step's value equals the pooled output; everything works from the keyboard; axe-core finds
// nothing serious. Screenshots go to build/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchBrowser } from './browser.mjs';
import { pasteCode } from './editor_input.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = fileURLToPath(new URL('../../build/screenshots/', import.meta.url));
const CODE = `import tensorflow as tf
model = tf.keras.models.Sequential([
  tf.keras.layers.Conv2D(4, (3,3), activation='relu', input_shape=(28, 28, 1)),
  tf.keras.layers.Conv2D(3, (3,3), padding='same', activation='linear'),
  tf.keras.layers.Conv2D(2, (3,3), strides=(2,2), padding='same', activation='tanh'),
  tf.keras.layers.MaxPooling2D(2, 2),
  tf.keras.layers.Flatten(),
  tf.keras.layers.Dense(10, activation='softmax')
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
`;
let server, browser, page;
const errors = [];

before(async () => {
  server = await startServer({ port: 0, headers: { 'Content-Security-Policy': CSP } });
  browser = await launchBrowser();
  page = await browser.context.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.text())) errors.push(`console: ${m.text()}`); });
  await mkdir(SHOTS, { recursive: true });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.convlab?.state === 'ready' && window.convlab.model, null, { timeout: 120_000 });
  await pasteCode(page, CODE);
  await page.waitForFunction(() => window.convlab.model?.layers.length === 6 && window.convlab.state === 'ready', null, { timeout: 60_000 });
  // Two short epochs: biases move away from 0, and the kernels get two snapshots.
  await page.getByLabel('Training images', { exact: true }).fill('640');
  await page.getByLabel('Epochs', { exact: true }).fill('2');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.waitForFunction(() => window.convlab.store.get().rows.length >= 1 && window.convlab.state === 'ready', null, { timeout: 180_000 });
});

after(async () => {
  await browser?.close();
  server?.close();
});

const shown = () => page.evaluate(() => document.getElementById('step-panel').stepThrough ?? null);
// Waits until the panel shows layer `layer` at (row, col).
const waitShown = (layer, row, col) => page.waitForFunction(({ layer, row, col }) => {
  const s = document.getElementById('step-panel').stepThrough;
  return s && s.layer === layer && s.row === row && s.col === col;
}, { layer, row, col }, { timeout: 30_000 }).catch(async (e) => {
  throw new Error(`${e.message}: waiting for layer ${layer} at (${row}, ${col}), the panel shows ${JSON.stringify(await shown())}, note ${await page.textContent('#step-note')}, fields ${await page.inputValue('#step-row')} ${await page.inputValue('#step-col')}`);
});

// The engine's output of `layer` at (row, col, channel) for test image `image`, asked for
// apart from the step-through (the feature-map request).
const enginePixel = (image, layer, row, col, channel) => page.evaluate(async ({ image, layer, row, col, channel }) => {
  const m = await window.convlab.client.request('featureMaps', { images: [image], layers: [layer] });
  const [, w, c] = m.layers[0].shape;
  return m.maps[0][0][(row * w + col) * c + channel];
}, { image, layer, row, col, channel });

async function axeClean(selector) {
  await page.evaluate(await readFile(AXE, 'utf8'));
  const result = await page.evaluate((s) => window.axe.run(document.querySelector(s), { resultTypes: ['violations'], iframes: false, preload: false }), selector);
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`), [], `${selector}: axe-core`);
}

async function choose(layer, filter, image = 7) {
  await page.selectOption('#step-layer', String(layer));
  await page.fill('#step-image', String(image));
  await page.dispatchEvent('#step-image', 'change');
  await page.fill('#step-filter', String(filter));
  await page.dispatchEvent('#step-filter', 'change');
  await page.waitForFunction(({ layer, filter, image }) => {
    const s = document.getElementById('step-panel').stepThrough;
    return s && s.layer === layer && s.filter === filter && s.image === image;
  }, { layer, filter, image }, { timeout: 30_000 });
}

async function jump(row, col) {
  await page.fill('#step-row', String(row));
  await page.dispatchEvent('#step-row', 'change');
  await page.fill('#step-col', String(col));
  await page.dispatchEvent('#step-col', 'change');
}

test('the step-through is closed at first, and costs no request until opened', async () => {
  assert.equal(await page.isVisible('#step-body'), false);
  assert.equal(await shown(), null);
  await page.click('#step-open');
  assert.equal(await page.getAttribute('#step-open', 'aria-expanded'), 'true');
  await page.waitForFunction(() => document.getElementById('step-panel').stepThrough, null, { timeout: 30_000 });
  const layers = await page.$$eval('#step-layer option', (o) => o.map((x) => x.textContent));
  assert.equal(layers.length, 4, `Conv2D ×3 and MaxPooling2D: ${layers}`);
});

for (const [layer, name, positions] of [
  [0, "'valid'", [[0, 0], [12, 13], [25, 25]]],
  [1, "'same' (4 input channels)", [[0, 0], [13, 25], [25, 25]]],
  [2, 'strided (2, 2), same', [[0, 0], [6, 9], [12, 12]]],
]) {
  test(`a ${name} conv: sum + bias → activation equals the engine's output pixel within 1e-5`, async () => {
    for (const filter of [0, 1]) {
      await choose(layer, filter);
      for (const [row, col] of positions) {
        await jump(row, col);
        await waitShown(layer, row, col);
        const s = await shown();
        const engine = await enginePixel(7, layer, row, col, filter);
        assert.ok(Math.abs(s.output - engine) < 1e-5, `layer ${layer} filter ${filter} (${row}, ${col}): ${s.output} vs the engine's ${engine}`);
        assert.ok(Math.abs(s.sum + s.bias - s.preActivation) < 1e-12);
        assert.equal(s.count, 9 * [1, 4, 3][layer]);
      }
    }
    const s = await shown();
    assert.notEqual(s.bias, 0, 'a trained bias');
    assert.match(await page.textContent('#step-text'), new RegExp(`^position \\(${s.row}, ${s.col}\\): sum of ${s.count} products -?[\\d.]+ \\+ bias -?[\\d.]+ → `));
  });
}

test('the pooling step\'s value is the pooled output, and the max comes from its window', async () => {
  await choose(3, 1);
  for (const [row, col] of [[0, 0], [3, 4], [5, 5]]) {
    await jump(row, col);
    await waitShown(3, row, col);
    const s = await shown();
    assert.equal(s.output, await enginePixel(7, 3, row, col, 1));
    assert.equal(s.output, await enginePixel(7, 2, s.from.row, s.from.col, 1), 'the max is the input value it came from');
    assert.ok(s.from.row >= row * 2 && s.from.row < row * 2 + 2 && s.from.col >= col * 2 && s.from.col < col * 2 + 2);
  }
  assert.match(await page.textContent('#step-text'), /^position \(5, 5\): the largest of 4 values is [\d.]+, from input \(1[01], 1[01]\)$/);
  await page.locator('#step-panel').screenshot({ path: `${SHOTS}stepthrough-pool.png`, scale: 'css' });
});

test('keyboard only: open, step forward and back, play and pause, jump to a position', async () => {
  await choose(0, 1);
  await jump(0, 0);
  await waitShown(0, 0, 0);
  await page.focus('#step-back');
  await page.keyboard.press('Shift+Tab');  // from the controls back to the settings
  await page.focus('#step-forward');
  await page.keyboard.press('Enter');
  await waitShown(0, 0, 1);
  await page.keyboard.press('Space');
  await waitShown(0, 0, 2);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'step-back');
  await page.keyboard.press('Enter');
  await waitShown(0, 0, 1);
  assert.equal(await page.getAttribute('#step-text', 'aria-live'), 'polite');
  assert.match(await page.textContent('#step-text'), /^position \(0, 1\): sum of 9 products/);
  // Play: the position moves on by itself, the live region is quiet; pause announces again.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'step-play');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('#step-play', 'aria-pressed'), 'true');
  await page.waitForFunction(() => document.getElementById('step-panel').stepThrough.col >= 3, null, { timeout: 10_000 });
  assert.equal(await page.getAttribute('#step-text', 'aria-live'), 'off');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('#step-play', 'aria-pressed'), 'false');
  assert.equal(await page.getAttribute('#step-text', 'aria-live'), 'polite');
  // Row and column fields jump, typed from the keyboard.
  await page.focus('#step-row');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('5');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('7');
  await page.keyboard.press('Tab');
  await waitShown(0, 5, 7);
  // A click on the output map jumps too.
  const box = await page.locator('#step-view canvas.step-clickable').boundingBox();
  await page.mouse.click(box.x + box.width * (20.5 / 26), box.y + box.height * (3.5 / 26));
  await waitShown(0, 3, 20);
  await axeClean('#step-panel');
  await page.locator('#step-panel').screenshot({ path: `${SHOTS}stepthrough.png`, scale: 'css' });
});

test('closed, the step-through stops: no animation and no requests', async () => {
  await page.click('#step-play');
  await page.click('#step-open');
  assert.equal(await page.isVisible('#step-body'), false);
  const a = await shown();
  await page.waitForTimeout(1200);
  assert.deepEqual(await shown(), a);
});

test('kernels you can read: a values table, a colour key, and a snapshot after each epoch', async () => {
  await page.selectOption('#kernel-layer', '1');
  await page.waitForFunction(() => document.getElementById('kernel-history-label').textContent.length > 0);
  await page.click('#kernel-values-toggle');
  assert.equal(await page.getAttribute('#kernel-values-toggle', 'aria-expanded'), 'true');
  await page.selectOption('#kernel-channel', '2');
  const tables = await page.$$eval('#kernel-values table', (ts) => ts.map((t) => [...t.querySelectorAll('td')].map((td) => td.textContent)));
  assert.equal(tables.length, 3, 'one table per filter');
  const kernel = await page.evaluate(async () => {
    const m = await window.convlab.client.request('kernels', { layer: 1 });
    return { shape: m.layer.shape, data: Array.from(m.data) };
  });
  // HWIO: filter f, input channel 2, cell p.
  const [, , cin, f] = kernel.shape;
  tables.forEach((cells, fi) => cells.forEach((text, p) => assert.equal(Number(text), Number(kernel.data[(p * cin + 2) * f + fi].toFixed(3)), `filter ${fi} cell ${p}`)));
  assert.match(await page.textContent('#kernels'), /blue is a negative weight/);
  // A fresh run of 2 epochs: its first batches, epoch 1, epoch 2, then the kernels now.
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.waitForFunction(() => window.convlab.store.get().rows.length >= 2 && window.convlab.state === 'ready', null, { timeout: 180_000 });
  await page.waitForFunction(() => Number(document.getElementById('kernel-history').max) >= 3, null, { timeout: 30_000 })
    .catch(async (e) => { throw new Error(`${e.message}: ${await page.textContent('#kernel-history-label')}`); });
  assert.match(await page.textContent('#kernel-history-label'), /^now \(snapshot 4 of 4; largest change since the one before: [\d.]+\)$/);
  const latest = await page.$eval('#kernel-values table', (t) => t.textContent);
  await page.focus('#kernel-history');
  await page.keyboard.press('ArrowLeft');
  assert.match(await page.textContent('#kernel-history-label'), /^epoch 2 \(snapshot 3 of 4; /);
  await page.keyboard.press('Home');
  assert.match(await page.textContent('#kernel-history-label'), /^run #2, first batches \(snapshot 1 of 4\)$/);
  assert.notEqual(await page.$eval('#kernel-values table', (t) => t.textContent), latest, 'the first snapshot shows other weights');
  await page.keyboard.press('ArrowRight');
  assert.match(await page.textContent('#kernel-history-label'), /^epoch 1 \(snapshot 2 of 4; largest change since the one before: [\d.]*[1-9][\d]*\)$/);
  await axeClean('#maps-panel');
  assert.deepEqual(errors, []);
});
