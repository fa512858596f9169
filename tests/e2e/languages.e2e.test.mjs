// The page in English, Korean and Japanese, light and dark, desktop and phone width, in Chromium
// under the strict CSP: <html lang>, a short Train flow, an engine error in the page's language,
// axe-core (no serious or critical violation in either theme), no horizontal overflow at 360 and
// 390 px. It also writes the README's screenshots to build/screenshots/languages/ (copy them to
// docs/screenshots/ to update the committed ones).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchBrowser, settle } from './browser.mjs';
import { pasteCode } from './editor_input.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = fileURLToPath(new URL('../../build/screenshots/languages/', import.meta.url));
let server, browser, base, axeSource;

before(async () => {
  server = await startServer({ port: 0, headers: { 'Content-Security-Policy': CSP } });
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await launchBrowser();
  axeSource = await readFile(AXE, 'utf8');
  await mkdir(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function newPage(errors) {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.text())) errors.push(`console: ${m.text()}`); });
  return page;
}

const ready = (page) => page.waitForFunction(() => window.convlab?.state === 'ready' && window.convlab.model, null, { timeout: 120_000 });

async function axeCheck(page, what) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'], iframes: false, preload: false }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`), [], `${what}: axe-core`);
}

async function noOverflow(page, what) {
  for (const width of [360, 390]) {
    await page.setViewportSize({ width, height: 800 });
    await settle(page);
    const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    assert.ok(scroll <= inner, `${what} at ${width} px: scrollWidth ${scroll} > innerWidth ${inner}`);
  }
}

// A Conv2D kernel bigger than its 28×28 input: the engine refuses to build it.
const TOO_BIG_KERNEL = `model = tf.keras.models.Sequential([
    tf.keras.layers.Conv2D(8, (30, 30), activation='relu', input_shape=(28, 28, 1)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(10, activation='softmax')
])`;

// The engine's text (C++ LayerError), in English in every language.
const ENGINE_DETAIL = "conv2d: kernel 30x30 does not fit input (None, 28, 28, 1) with padding='valid' (the output would be -1x-1)";

const LANGUAGES = [
  { lang: 'en', train: 'Train', word: /[A-Za-z]/, error: /^line 2: /, status: /^Ready/ },
  { lang: 'ko', train: '학습', word: /[가-힣]/, error: /^2번째 줄: 모델을 만들 수 없습니다: /, status: /^준비됨/ },
  { lang: 'ja', train: '学習', word: /[ぁ-んァ-ヶ一-龯]/, error: /^2 行目: モデルを構築できません: /, status: /^準備完了/ },
];

for (const { lang, train, word, error, status } of LANGUAGES) {
  test(`${lang}: translated page, a Train flow, an engine error, axe in both themes, no overflow`, async () => {
    const errors = [];
    const page = await newPage(errors);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}index.html?lang=${lang}#samples=320&epochs=1`);
    await ready(page);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.match(await page.textContent('#status'), status);
    assert.match(await page.textContent('#model-heading'), word);
    assert.equal(await page.inputValue('#pref-lang'), lang);

    // Train: 320 images, one epoch. The log stays as Keras prints it, in every language.
    const before = await page.evaluate(() => window.convlab.store.get().rows.length);
    await page.getByRole('button', { name: train, exact: true }).click();
    await page.waitForFunction((n) => window.convlab.store.get().rows.length === n + 1 && window.convlab.state === 'ready', before, { timeout: 120_000 });
    const log = await page.textContent('#log');
    assert.match(log, /^Epoch 1\/1$/m);
    assert.match(log, /^10\/10 \[==============================\] - \d+s \d+ms\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/m);
    assert.match(await page.textContent('#summary'), /Total params:/);
    assert.match(await page.textContent('#progress-text'), word);
    // Class names in the page's language, the English name as the tooltip.
    await page.click('#evaluate');
    const header = page.locator('#confusion th[scope="row"]').first();
    await header.waitFor({ timeout: 60_000 });
    if (lang !== 'en') {
      assert.match(await header.textContent(), word);
      assert.equal(await header.getAttribute('title'), { ko: '영어: T-shirt/top', ja: '英語: T-shirt/top' }[lang]);
    } else {
      assert.equal(await header.textContent(), 'T-shirt/top');
    }

    // The explanations: collapsed at first, in the page's language, with the model's own numbers
    // (the lab preset: 28 → 26 → 13 → 11 → 5), rewritten when the model changes.
    const rows = page.locator('#explain-rows li');
    assert.equal(await page.locator('details.explain[open]').count(), 0);
    assert.equal(await page.locator('details.explain').count(), 4);
    await page.click('#explain-layers > summary');
    assert.match(await page.textContent('#explain-layers > summary'), word);
    assert.match(await page.textContent('#explain-layers dl'), word);
    const rowTexts = (await rows.allTextContents()).map((r) => r.replace(/\u00a0/g, ' '));  // formulas keep together
    assert.equal(rowTexts.length, 7);
    assert.match(rowTexts[0], /^conv2d \(Conv2D\) filters=32, kernel_size=\(3, 3\).*O = \(28 − 3 \+ 2·0\)\/1 \+ 1 = 26/);
    assert.match(rowTexts[0], word);
    assert.match(rowTexts[3], /O = \(11 − 2 \+ 2·0\)\/2 \+ 1 = 5\.5 → 5/);
    assert.match(rowTexts[4], /5 × 5 × 32 = 800/);
    assert.match(rowTexts[5], /800 × 128 \+ 128 = 102,528/);
    await page.selectOption('#preset', 'single-conv');
    await page.waitForFunction(() => document.querySelectorAll('#explain-rows li').length === 5, null, { timeout: 30_000 });
    assert.match(await rows.nth(2).textContent(), /13 × 13 × 32 = 5,408/);
    await page.selectOption('#preset', 'lab');
    await page.waitForFunction(() => document.querySelectorAll('#explain-rows li').length === 7, null, { timeout: 30_000 });
    await page.click('#explain-layers > summary');

    // Share: the link and the element carry the page's language.
    await page.click('#share');
    assert.match(await page.inputValue('#share-url'), new RegExp(`[#&]lang=${lang}$`));
    assert.match(await page.inputValue('#share-element'), new RegExp(` lang="${lang}"></convlab-trainer>`));

    // Print: no buttons but the charts' legends (their keys, which are buttons on screen), no
    // dark background, the charts inside the page's width.
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    const print = await page.evaluate(() => ({
      buttons: [...document.querySelectorAll('button:not(.cl-legend-item)')].filter((b) => b.offsetParent !== null).length,
      legends: [...document.querySelectorAll('#curves-panel .cl-legend-item')].filter((b) => b.offsetParent !== null).length,
      bg: getComputedStyle(document.querySelector('.panel')).backgroundColor,
      body: getComputedStyle(document.body).backgroundColor,
      summary: document.getElementById('summary').offsetParent !== null,
      charts: [...document.querySelectorAll('#curves-panel canvas')].map((c) => c.getBoundingClientRect().right),
      page: document.querySelector('main').getBoundingClientRect().right,
    }));
    assert.equal(print.buttons, 0, 'buttons in print');
    assert.equal(print.legends, 8, 'the two legends in print');
    assert.equal(print.bg, 'rgb(255, 255, 255)');
    assert.equal(print.body, 'rgb(255, 255, 255)');
    assert.ok(print.summary, 'the summary is printed');
    assert.ok(print.charts.length >= 2 && print.charts.every((r) => r <= print.page + 1), `charts ${print.charts} beyond ${print.page}`);
    await page.pdf?.({ path: `${SHOTS}${lang}-print.pdf` }).catch(() => {});
    await page.emulateMedia({ media: 'screen', colorScheme: 'light' });

    for (const theme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: theme });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(300);  // charts rebuild in the theme's colours
      await axeCheck(page, `${lang} ${theme}`);
      await page.screenshot({ path: `${SHOTS}${lang}-${theme}-desktop.png` });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SHOTS}${lang}-${theme}-phone.png` });
      await noOverflow(page, `${lang} ${theme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    // The toggle overrides the system's preference, and is remembered.
    await page.selectOption('#pref-theme', 'dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    assert.notEqual(bg, 'rgb(246, 246, 249)');
    await page.selectOption('#pref-theme', 'auto');
    assert.equal(await page.getAttribute('html', 'data-theme'), null);

    // The engine's error, framed in the page's language and pointing at the line.
    // The sentence around it is translated; the engine's own {detail} stays as the engine wrote it.
    await pasteCode(page, TOO_BIG_KERNEL);
    await page.waitForFunction(() => document.getElementById('model-error').textContent !== '', null, { timeout: 30_000 });
    const message = await page.textContent('#model-error');
    assert.match(message, error);
    assert.equal(message.replace(error, ''), ENGINE_DETAIL, `${lang}: the engine's detail`);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('a ko-KR browser gets Korean; the picker\'s choice is remembered over it', async () => {
  const errors = [];
  const page = await newPage(errors);
  await page.addInitScript(() => Object.defineProperty(navigator, 'languages', { get: () => ['ko-KR', 'en-US'] }));
  await page.goto(`${base}index.html`);
  await ready(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'ko');
  await Promise.all([page.waitForEvent('load'), page.selectOption('#pref-lang', 'ja')]);
  await ready(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'ja');
  await page.evaluate(() => localStorage.removeItem('convlab.lang'));
  assert.deepEqual(errors, []);
  await page.close();
});
