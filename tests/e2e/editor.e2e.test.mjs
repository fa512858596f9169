// The Keras code editor (CodeMirror 6) in headless Chromium under the page's strict CSP: a
// pasted cell builds; a syntax error and an engine error are underlined at their token and
// argument with the message under the line; Tab and Shift-Tab indent; brackets match; the
// editor is read-only while a run trains; no CSP violation and no console error on the way.
// Screenshots of the error in light and dark go to build/screenshots/editor/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchBrowser } from './browser.mjs';
import { pasteCode, editorCode } from './editor_input.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const SHOTS = fileURLToPath(new URL('../../build/screenshots/editor/', import.meta.url));
let server, browser, page;
const errors = [];

before(async () => {
  await mkdir(SHOTS, { recursive: true });
  server = await startServer({ port: 0, headers: { 'Content-Security-Policy': CSP } });
  browser = await launchBrowser({ serviceWorkers: 'block' });
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.sourceFile}:${e.lineNumber}`));
  });
  await page.goto(`http://127.0.0.1:${server.address().port}/?lang=en`);
  await page.waitForFunction(() => window.convlab?.state === 'ready', null, { timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  server?.close();
});

// What the editor shows: the underlined texts, the messages under lines, the line numbers.
const shown = () => page.evaluate(() => {
  const root = document.getElementById('editor').shadowRoot;
  const texts = (sel) => [...root.querySelectorAll(sel)].map((e) => e.textContent);
  return {
    marks: texts('.cm-error-mark'), messages: texts('.cm-error-message'),
    lines: root.querySelectorAll('.cm-line').length,
    numbers: [...root.querySelectorAll('.cm-lineNumbers .cm-gutterElement')].filter((e) => e.style.visibility !== 'hidden').map((e) => e.textContent),
    keywords: texts('.tok-keyword'), strings: texts('.tok-string'), matching: texts('.cm-matchingBracket'),
    readOnly: root.querySelector('.cm-content').getAttribute('aria-readonly') === 'true',
  };
});
const errorText = () => page.textContent('#model-error');
const waitError = (re) => page.waitForFunction((src) => new RegExp(src).test(document.getElementById('model-error').textContent), re.source);

const CELL = `import tensorflow as tf
model = tf.keras.models.Sequential([
    tf.keras.layers.Conv2D(16, (3, 3), activation='relu', input_shape=(28, 28, 1)),
    tf.keras.layers.MaxPooling2D(2, 2),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(10, activation='softmax'),
])`;

test('a pasted cell is highlighted, numbered and builds', async () => {
  await pasteCode(page, CELL);
  await page.waitForFunction(() => /Total params: 27,210/.test(document.getElementById('summary').textContent));
  assert.equal(await editorCode(page), CELL);
  const s = await shown();
  assert.equal(s.lines, 7);
  assert.deepEqual(s.numbers, ['1', '2', '3', '4', '5', '6', '7']);
  assert.deepEqual(s.keywords, ['import', 'as']);
  assert.deepEqual(s.strings, ["'relu'", "'softmax'"]);
  assert.deepEqual(s.marks, []);
});

test('a syntax error is underlined at its token, its message under the line', async () => {
  await pasteCode(page, CELL.replace('Dense(10,', 'Dense(10 20,'));
  await waitError(/^line 6: missing ','/);
  const s = await shown();
  assert.deepEqual(s.marks, ['20']);
  assert.equal(s.messages.length, 1);
  assert.match(s.messages[0], /^missing ',' between 10 and '20'/);
});

test('an engine error is underlined at the argument it is about', async () => {
  await pasteCode(page, CELL.replace('Conv2D(16, (3, 3)', 'Conv2D(16, (30, 30)'));
  await waitError(/^line 3: conv2d: kernel 30x30 does not fit/);
  const s = await shown();
  assert.deepEqual(s.marks, ['(30, 30)']);
  assert.match(s.messages[0], /^conv2d: kernel 30x30/);
  await page.locator('#model-panel').screenshot({ path: `${SHOTS}error-light.png` });
  await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
  await page.locator('#model-panel').screenshot({ path: `${SHOTS}error-dark.png` });
  await page.evaluate(() => document.documentElement.removeAttribute('data-theme'));
});

test('Tab and Shift-Tab indent the line; a bracket beside the cursor shows its match', async () => {
  await pasteCode(page, CELL);
  await page.waitForFunction(() => document.getElementById('model-error').textContent === '');
  assert.deepEqual((await shown()).marks, [], 'the marks go with the error');
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Tab');
  assert.ok((await editorCode(page)).startsWith('    import tensorflow'), 'Tab indents by 4 spaces');
  await page.keyboard.press('Shift+Tab');
  assert.ok((await editorCode(page)).startsWith('import tensorflow'), 'Shift-Tab takes them back');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End'); // after "Sequential(["
  assert.deepEqual((await shown()).matching, ['[', ']']);
});

test('the keys of a Python cell: Enter indents, Backspace dedents, comments, line moves, undo and redo', async () => {
  await pasteCode(page, 'x = [\ny = 2');
  const code = () => editorCode(page);
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('1,');
  assert.equal(await code(), 'x = [\n    1,\ny = 2', 'Enter after "[" indents by 4');
  await page.keyboard.press('Enter');
  assert.equal(await code(), 'x = [\n    1,\n    \ny = 2', 'Enter keeps the indent');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(']');
  assert.equal(await code(), 'x = [\n    1,\n]\ny = 2', 'Backspace in the indent takes 4 spaces');
  await page.keyboard.press('Control+z');
  assert.equal(await code(), 'x = [\n    1,\n\ny = 2', 'undo takes back the typing');
  await page.keyboard.press('Control+Shift+Z');
  assert.equal(await code(), 'x = [\n    1,\n]\ny = 2', 'redo puts it back');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Control+/');
  assert.equal(await code(), 'x = [\n    1,\n]\n# y = 2', 'Ctrl+/ comments the line');
  await page.keyboard.press('Control+/');
  await page.keyboard.press('Alt+ArrowUp');
  assert.equal(await code(), 'x = [\n    1,\ny = 2\n]', 'Alt+Up moves the line up');
  await page.keyboard.press('Home');
  await page.keyboard.press('Shift+End');
  await page.keyboard.press('Delete');
  assert.equal(await code(), 'x = [\n    1,\n\n]', 'Home, Shift+End, Delete removes the line text');
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  // Lines 2-3 below the last one; the selection ended at the last line's start (it must stay in the text).
  await page.keyboard.press('Alt+ArrowDown');
  assert.equal(await code(), 'x = [\n]\n    1,\n', 'Alt+Down moves the two selected lines');
  await page.keyboard.press('Control+z');
  const steps = [];
  while (steps.length < 12 && (steps.at(-1) ?? '') !== 'x = [\ny = 2') {
    await page.keyboard.press('Control+z');
    steps.push(await code());
  }
  assert.equal(steps.at(-1), 'x = [\ny = 2', `undo goes back to the pasted cell: ${JSON.stringify(steps)}`);
  assert.equal(steps.length, 9, `one step per command, typing within 500 ms joined: ${JSON.stringify(steps)}`);
  await pasteCode(page, CELL); // for the next test
  await page.waitForFunction(() => document.getElementById('model-error').textContent === '');
  assert.deepEqual(errors, []);
});

test('the editor is read-only while a run trains, editable after', async () => {
  await page.fill('#samples', '3200');
  await page.fill('#epochs', '1');
  await page.click('#train');
  await page.waitForFunction(() => window.convlab.state === 'training');
  assert.equal((await shown()).readOnly, true);
  await page.keyboard.type('x');
  assert.equal(await editorCode(page), CELL, 'typing changes nothing');
  await page.waitForFunction(() => window.convlab.state === 'ready', null, { timeout: 120_000 });
  assert.equal((await shown()).readOnly, false);
  assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
  assert.deepEqual(errors, []);
});
