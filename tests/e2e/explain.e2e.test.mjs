// The panels that explain the model, in Chromium under the strict CSP: a student's own image
// (a PNG made here from a Fashion-MNIST test image, upscaled) is classified with the engine's
// own numbers, by file, drop and paste, live while training; axe-core finds nothing serious.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile, mkdtemp, mkdir } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchBrowser } from './browser.mjs';
import { createModel } from '../../web/lib/convlab.mjs';
import { modelFromTfjs } from '../../web/lib/tfjs_format.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = fileURLToPath(new URL('../../build/screenshots/', import.meta.url));
const UPSCALE = 4;
let server, browser, page, base, dir;
const errors = [];

before(async () => {
  server = await startServer({ port: 0, headers: { 'Content-Security-Policy': CSP } });
  base = `http://127.0.0.1:${server.address().port}/`;
  // Chromium's fake camera (a moving test pattern) and an automatic yes to its permission prompt.
  browser = await launchBrowser({ extraArgs: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
  page = await browser.context.newPage();
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.text())) errors.push(`console: ${m.text()}`); });
  dir = await mkdtemp(join(tmpdir(), 'convlab-explain-'));
  await mkdir(SHOTS, { recursive: true });
  await page.goto(base);
  await page.waitForFunction(() => window.convlab?.state === 'ready' && window.convlab.model, null, { timeout: 120_000 });
});

after(async () => {
  await browser?.close();
  server?.close();
});

// ---- a minimal PNG encoder (greyscale, 8 bit): signature, IHDR, one IDAT, IEND.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
export function greyPng(width, height, pixels) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);  // 8 bit, greyscale, deflate, no filter method, no interlace
  const raw = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// Test image `index` of the page's data, upscaled (nearest) to a PNG file; its 28×28 bytes too.
async function testImagePng(index) {
  const bytes = Uint8Array.from(await page.evaluate((i) => Array.from(window.convlab.store.get().data.testImages.subarray(i * 784, (i + 1) * 784)), index));
  const side = 28 * UPSCALE;
  const big = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) big[y * side + x] = bytes[Math.floor(y / UPSCALE) * 28 + Math.floor(x / UPSCALE)];
  const file = join(dir, `test-${index}.png`);
  await writeFile(file, greyPng(side, side, big));
  return { file, bytes };
}

const panelResult = () => page.evaluate(() => {
  const r = document.getElementById('own-image-panel').ownImage;
  return r && { pixels: Array.from(r.pixels), probabilities: Array.from(r.probabilities), best: r.best };
});
const waitForResult = (previous) => page.waitForFunction((p) => {
  const r = document.getElementById('own-image-panel').ownImage;
  return r && JSON.stringify(Array.from(r.probabilities)) !== p;
}, previous ? JSON.stringify(previous.probabilities) : null, { timeout: 60_000 });

// The page's current model, exported and rebuilt in Node: predict() there is the reference.
async function modelInNode() {
  const { modelJson, bytes } = await page.evaluate(async () => {
    const a = await window.convlab.client.request('exportModel');
    return { modelJson: a.modelJson, bytes: Array.from(new Uint8Array(a.weightData)) };
  });
  return modelFromTfjs(createModel, modelJson, Uint8Array.from(bytes).buffer);
}

async function axeClean(selector) {
  await page.evaluate(await readFile(AXE, 'utf8'));
  const result = await page.evaluate((s) => window.axe.run(document.querySelector(s), { resultTypes: ['violations'], iframes: false, preload: false }), selector);
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`), [], `${selector}: axe-core`);
}

test('own image by file: the preprocessed pixels are the test image, and the probabilities are the engine\'s predict()', async () => {
  await page.getByLabel('Training images', { exact: true }).fill('640');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.waitForFunction(() => window.convlab.store.get().rows.length >= 1 && window.convlab.state === 'ready', null, { timeout: 120_000 });
  const { file, bytes } = await testImagePng(0);
  await page.getByLabel('Image file').setInputFiles(file);
  await waitForResult(null);
  const r = await panelResult();
  // Grey PNG → luma of equal R, G, B; 4×4 blocks → their mean: the test image itself.
  r.pixels.forEach((v, i) => assert.ok(Math.abs(v - bytes[i] / 255) < 1e-6, `pixel ${i}: ${v} vs ${bytes[i] / 255}`));
  const sum = r.probabilities.reduce((s, p) => s + p, 0);
  assert.ok(Math.abs(sum - 1) < 1e-4, `probabilities sum to ${sum}`);
  const model = await modelInNode();
  const expected = model.predict(Float32Array.from(r.pixels));
  r.probabilities.forEach((p, i) => assert.ok(Math.abs(p - expected[i]) < 1e-5, `class ${i}: ${p} vs ${expected[i]}`));
  model.dispose();
  // Labelled bars, the prediction in words, the steps and a test image of the predicted class.
  const classes = await page.evaluate(() => window.convlab.store.get().data.classes ?? null);
  const label = (classes ?? ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'])[r.best];
  assert.equal(await page.locator('#own-image-probabilities meter').count(), 10);
  assert.match(await page.textContent('#own-image-status'), new RegExp(`The model says ${label.replace('/', '\\/')}`));
  assert.equal(await page.locator('#own-image-steps figure').count(), 6);
  assert.match(await page.textContent('#own-image-steps'), new RegExp(`A test image of ${label.replace('/', '\\/')}`));
  assert.equal(await page.locator('#own-image-maps canvas.cl-map').count(), 4, 'the grid: one row, the first four layers');
  await axeClean('#own-image-panel');
  await page.locator('#own-image-panel').screenshot({ path: `${SHOTS}own-image.png`, scale: 'css' });
});

test('invert flips the model input; drop and paste take an image as the file input does', async () => {
  const before = await panelResult();
  await page.getByLabel(/Invert \(/).check();
  await waitForResult(before);
  const inverted = await panelResult();
  inverted.pixels.forEach((v, i) => assert.ok(Math.abs(v - (1 - before.pixels[i])) < 1e-6));
  await page.getByLabel(/Invert \(/).uncheck();
  await waitForResult(inverted);

  const { file, bytes } = await testImagePng(23);
  const png = Array.from(await readFile(file));
  for (const how of ['drop', 'paste']) {
    const previous = await panelResult();
    await page.evaluate(({ how, png }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(png)], 'shoe.png', { type: 'image/png' }));
      const panel = document.getElementById('own-image-panel');
      if (how === 'drop') panel.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      else document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, { how, png });
    await waitForResult(previous);
    const r = await panelResult();
    r.pixels.forEach((v, i) => assert.ok(Math.abs(v - bytes[i] / 255) < 1e-6, `${how}: pixel ${i}`));
    // Back to image 0 for the next round, so that the result changes (under a new name: the
    // same file chosen again fires no change event).
    const again = join(dir, `again-${how}.png`);
    await writeFile(again, await readFile(join(dir, 'test-0.png')));
    await page.getByLabel('Image file').setInputFiles(again);
    await waitForResult(r);
  }
});

test('a camera snapshot and the drawing pad are pictures too; the camera is off after the snapshot', async () => {
  let previous = await panelResult();
  await page.getByRole('button', { name: 'Use the camera' }).click();
  await page.waitForFunction(() => document.getElementById('own-image-video').videoWidth > 0, null, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Take the picture' }).click();
  await waitForResult(previous);
  let r = await panelResult();
  const sum = r.probabilities.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-4, `camera: probabilities sum to ${sum}`);
  assert.ok(new Set(r.pixels.map((v) => v.toFixed(2))).size > 3, 'camera: the snapshot is a picture, not a flat frame');
  assert.equal(await page.evaluate(() => document.getElementById('own-image-video').srcObject), null, 'camera released');
  assert.equal(await page.locator('#own-image-camera-box').isHidden(), true);

  previous = r;
  await page.getByRole('button', { name: 'Draw' }).click();
  const box = await page.locator('#own-image-pad').boundingBox();
  // A vertical stroke down the middle: a "1".
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2);
  await page.mouse.down();
  for (let k = 1; k <= 10; k++) await page.mouse.move(box.x + box.width / 2, box.y + box.height * (0.2 + 0.06 * k));
  await page.mouse.up();
  await waitForResult(previous);
  r = await panelResult();
  const at = (y, x) => r.pixels[y * 28 + x];
  assert.ok(at(14, 14) > 0.9, `the stroke is white in the input (${at(14, 14)})`);
  assert.equal(at(14, 3), 0, 'left of the stroke is black');
  assert.equal(at(2, 14), 0, 'above the stroke is black');
  await page.locator('#own-image-pad-box').screenshot({ path: `${SHOTS}own-image-pad.png`, scale: 'css' });
  previous = r;
  await page.getByRole('button', { name: 'Clear the drawing' }).click();
  await waitForResult(previous);
  r = await panelResult();
  assert.ok(r.pixels.every((v) => v === 0), 'cleared: an all-black input');
  await axeClean('#own-image-panel');
});

test('the prediction for the own image waits off screen and updates on screen while training runs', async () => {
  const before = await panelResult();
  await page.getByLabel('Training images', { exact: true }).fill('3200');
  await page.getByLabel('Epochs', { exact: true }).fill('4');
  // Off screen: the page's top in view, Train clicked without scrolling.
  await page.evaluate(() => { window.scrollTo(0, 0); document.getElementById('train').click(); });
  await page.waitForFunction(() => window.convlab.state === 'training');
  await page.waitForFunction(() => window.convlab.store.get().run?.epochs.length >= 1, null, { timeout: 120_000 });
  assert.deepEqual((await panelResult()).probabilities, before.probabilities, 'off screen: no new prediction after an epoch');
  await page.locator('#own-image-panel').scrollIntoViewIfNeeded();
  await waitForResult(before);
  assert.equal(await page.evaluate(() => window.convlab.state), 'training', 'updated during the run');
  await page.waitForFunction(() => window.convlab.state === 'ready', null, { timeout: 180_000 });
  assert.deepEqual(errors, []);
  assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
});
