// The message catalog: every key the page uses exists, placeholders are filled, and no UI
// module sets visible text that does not come from the catalog.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import en from '../../web/i18n/en.mjs';
import { t, catalogKeys, formatNumber, loadLanguage } from '../../web/lib/i18n.mjs';
import { SETTINGS } from '../../web/lib/settings.mjs';
import { COLUMNS } from '../../web/ui/experiments.mjs';
import { STATES } from '../../web/page/lifecycle.mjs';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));
const read = (path) => readFileSync(WEB + path, 'utf8');
const modules = (dir) => readdirSync(WEB + dir).filter((f) => f.endsWith('.mjs')).map((f) => `${dir}/${f}`);
const PAGE_CODE = [...modules('ui'), ...modules('page'), 'app.mjs'];

// Korean and Japanese load on demand, as the page loads them (app.mjs).
before(() => Promise.all([loadLanguage('ko'), loadLanguage('ja')]));

test('every data-i18n key of the page exists in the catalog', () => {
  const html = read('index.html');
  const keys = [...html.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(keys.length > 50, `only ${keys.length} keys found`);
  for (const key of keys) assert.ok(key in en, `index.html uses ${key}, missing from i18n/en.mjs`);
});

test('every literal key passed to t() exists in the catalog', () => {
  let count = 0;
  for (const file of PAGE_CODE) {
    for (const m of read(file).matchAll(/\bt\(\s*'([\w.-]+)'/g)) {
      count++;
      assert.ok(m[1] in en, `${file} uses '${m[1]}', missing from i18n/en.mjs`);
    }
  }
  assert.ok(count > 60, `only ${count} calls found`);
});

test('keys built from lists exist for every entry of the list', () => {
  const keys = [
    ...SETTINGS.map((s) => `settings.${s.name}`),
    ...SETTINGS.filter((s) => s.type === 'choice').flatMap((s) => s.choices.map((c) => `settings.${s.name}.${c}`)),
    ...SETTINGS.filter((s) => s.default === null).map((s) => `settings.${s.name}.placeholder`),
    ...COLUMNS.map((c) => `experiments.column.${c.key}`),
    ...['finished', 'stopped', 'threshold', 'failed'].map((e) => `run.ended.${e}`),
    ...['fresh', 'continued'].map((s) => `experiments.start.${s}`),
    ...STATES.map((s) => `status.${s}`),
    ...['loss', 'accuracy'].map((m) => `curves.${m}`),
  ];
  for (const key of keys) assert.ok(key in en, `missing ${key}`);
});

test('every error code the worker and engine send has a message', () => {
  const codes = new Set();
  for (const file of [...modules('worker'), ...modules('page'), 'lib/settings.mjs', 'embed/config.mjs']) {
    for (const m of read(file).matchAll(/(?:CodedError\(|code: |this\.code = [^']*)'([a-z]+\.[\w.]+)'/g)) codes.add(m[1]);
  }
  assert.ok(codes.size >= 10, `only ${[...codes]}`);
  for (const code of codes) assert.ok(code in en, `no message for ${code}`);
});

test('placeholders are filled, numbers through Intl, and a missing key is visible', () => {
  assert.equal(t('progress.batch', { batch: 1875, batches: 1875 }), 'batch 1,875/1,875');
  assert.equal(t('model.atLine', { line: 4, message: 'x' }), 'line 4: x');
  assert.equal(t({ code: 'worker.silent', params: { seconds: 20 } }), 'it stopped answering for 20 s');
  assert.equal(t('no.such.key'), 'no.such.key');
  assert.equal(formatNumber(0.91234, 4), '0.9123');
  for (const [key, text] of Object.entries(en)) {
    const names = [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    const params = Object.fromEntries(names.map((n) => [n, 'X']));
    assert.doesNotMatch(t(key, params), /\{\w+\}/, `${key} keeps a placeholder`);
  }
  assert.deepEqual(catalogKeys('en'), Object.keys(en));
  for (const code of ['ko', 'ja']) assert.deepEqual(catalogKeys(code).sort(), Object.keys(en).sort(), `${code} after loadLanguage`);
});

// Visible text set from a string literal (not from t()) in a UI module: textContent, a title or
// label attribute, el(tag, class, 'text'), new Option('text'). Interpolations are not text:
// `${layer.name} (${layer.className})` shows names, not words of ours.
const withoutInterpolations = (text) => {
  let out = text;
  for (let previous = ''; previous !== out;) [previous, out] = [out, out.replace(/\$\{[^{}]*\}/g, '')];
  return out.replace(/\bval_/g, '');  // Keras's own metric names (val_loss) are not ours to translate
};
const WORDS = /[A-Za-z]{2}/;
test('no UI module sets visible text that does not come from the catalog', () => {
  const patterns = [
    /\.textContent\s*[+]?=\s*([`'"].*)/,
    /setAttribute\(\s*'(?:aria-label|title|placeholder)'\s*,\s*([`'"].*)/,
    /\bel\(\s*'[\w-]+'\s*,\s*[^,]*,\s*([`'"].*)/,
    /new Option\(\s*([`'"].*)/,
    /\b(?:caption|label|title):\s*([`'"].*)/,
  ];
  const offenders = [];
  for (const file of PAGE_CODE) {
    read(file).split('\n').forEach((line, i) => {
      if (/^\s*\/\//.test(line)) return;
      for (const p of patterns) {
        const m = p.exec(line);
        if (!m) continue;
        const literal = /^([`'"])((?:\\.|(?!\1).)*)\1?/.exec(withoutInterpolations(m[1]));
        if (literal && WORDS.test(literal[2])) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(offenders, []);
});

// Numbers people read go through Intl (lib/i18n.mjs's formatNumber/formatPercent), so they follow
// the page's language; toFixed is left for CSS values (a width, an rgba alpha).
const HAND_FORMATTED = /\.toFixed\(|\.toExponential\(|\)\s*}\s*%`|\* 100\b.*%/;
const CSS_VALUE = /\.style\.|rgba\(|style\.width/;
test('no UI module formats a number for people by hand', () => {
  const offenders = [];
  for (const file of PAGE_CODE) {
    read(file).split('\n').forEach((line, i) => {
      if (/^\s*\/\//.test(line) || CSS_VALUE.test(line)) return;
      if (HAND_FORMATTED.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
  assert.ok(HAND_FORMATTED.test('return `${(x * 100).toFixed(1)}%`;'));
  assert.ok(HAND_FORMATTED.test('const percent = `${formatNumber(p * 100, 1)} %`;'));
});

test('percentages and numbers follow the page\'s language', async () => {
  const { setLanguage, formatPercent } = await import('../../web/lib/i18n.mjs');
  const { percent } = await import('../../web/ui/evaluation.mjs');
  try {
    for (const code of ['en', 'ko', 'ja']) {
      setLanguage(code);
      const intl = new Intl.NumberFormat(code, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
      assert.equal(percent(0.9312), intl.format(0.9312));
      assert.equal(formatPercent(12.3456, 1), intl.format(12.3456));  // grouping: 1,234.6%
      assert.equal(formatPercent(NaN), '–');
      assert.equal(t('curves.epochMark', { epoch: 1200 }).replace(/\D/g, ''), '1200');
      assert.match(t('curves.epochMark', { epoch: 3 }), code === 'en' ? /^epoch 3$/ : /3/);
    }
    setLanguage('ko');
    assert.equal(t('curves.epochMark', { epoch: 3 }), '에포크 3');
  } finally {
    setLanguage('en');
  }
  assert.equal(percent(12.3456), '1,234.6%');
});

// An engine error renders as the catalog's sentence around the engine's own English text.
test('an engine error keeps its English detail inside the translated sentence', async () => {
  const { setLanguage } = await import('../../web/lib/i18n.mjs');
  const detail = "conv2d: kernel 30x30 does not fit input (None, 28, 28, 1) with padding='valid' (the output would be -1x-1)";
  const error = { code: 'engine.layer', params: { layer: 'conv2d', index: 0, detail } };
  try {
    for (const [code, prefix] of [['ko', '모델을 만들 수 없습니다: '], ['ja', 'モデルを構築できません: ']]) {
      setLanguage(code);
      assert.equal(t(error), `${prefix}${detail}`);
      assert.equal(t({ code: 'data.loadFailed', params: { detail: 'HTTP 404' } }).includes('HTTP 404'), true);
    }
  } finally {
    setLanguage('en');
  }
  assert.equal(t(error), detail);
});

test('the check above finds hard-coded text', () => {
  const m = /\.textContent\s*[+]?=\s*([`'"].*)/.exec("x.textContent = `Epoch ${n} of ${m}`;");
  assert.ok(WORDS.test(withoutInterpolations(m[1])));
  assert.ok(!WORDS.test(withoutInterpolations("`${a} (${b ? `${c} · ` : ''})`")));
});

// Korean and Japanese: the same keys as English (none missing, none extra) and, per key, the
// same placeholders, so {layer} or {epoch} is never lost or misspelt in a translation.
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
for (const code of ['ko', 'ja']) {
  test(`the ${code} catalog has every key of en, the same placeholders, and no extra keys`, async () => {
    const catalog = (await import(`../../web/i18n/${code}.mjs`)).default;
    assert.deepEqual(Object.keys(catalog).filter((k) => !(k in en)), [], 'extra keys');
    assert.deepEqual(Object.keys(en).filter((k) => !(k in catalog)), [], 'missing keys');
    for (const key of Object.keys(en)) {
      assert.equal(typeof catalog[key], 'string', key);
      assert.ok(catalog[key].trim(), `${code}: ${key} is empty`);
      assert.deepEqual(placeholders(catalog[key]), placeholders(en[key]), `${code}: ${key}`);
    }
  });
}

test('the check above finds a dropped or renamed placeholder', () => {
  assert.notDeepEqual(placeholders('{layer} 출력, 필터 {filtre}'), placeholders(en['maps.grid.cell']));
});

test('a translation is really used, and its texts are translated, not copied', async () => {
  const { setLanguage, language } = await import('../../web/lib/i18n.mjs');
  try {
    for (const [code, word] of [['ko', /[가-힣]/], ['ja', /[ぁ-んァ-ヶ一-龯]/]]) {
      assert.equal(setLanguage(code), code);
      assert.match(t('train.train'), word);
      assert.match(t('model.atLine', { line: 4, message: 'x' }), /4/);
      // Keras's texts and codes stay as Keras spells them.
      assert.match(t('maps.filter'), /CONVOLUTION_NUMBER/);
      const catalog = (await import(`../../web/i18n/${code}.mjs`)).default;
      const copied = Object.keys(en).filter((k) => catalog[k] === en[k] && WORDS.test(en[k].replace(/\{\w+\}/g, '')) && /\s/.test(en[k]));
      assert.deepEqual(copied, [], `${code}: left in English`);
    }
  } finally {
    setLanguage('en');
  }
  assert.equal(language(), 'en');
});

test('the language comes from ?lang=, the embed, the saved choice, then the browser', async () => {
  const { chooseLanguage } = await import('../../web/lib/i18n.mjs');
  assert.equal(chooseLanguage('ja', 'ko', 'en', ['en-US']), 'ja');
  assert.equal(chooseLanguage(null, 'ko', 'ja', ['en-US']), 'ko');
  assert.equal(chooseLanguage(null, undefined, null, ['fr-FR', 'ko-KR', 'en']), 'ko');
  assert.equal(chooseLanguage('xx', null, null, ['ja-JP']), 'ja');
  assert.equal(chooseLanguage(null, null, null, ['de-DE']), 'en');
  assert.equal(chooseLanguage(), 'en');
});

test('Fashion-MNIST class names are translated, keyed by their English names', async () => {
  const { setLanguage, className } = await import('../../web/lib/i18n.mjs');
  const { FASHION_MNIST_CLASSES, CIFAR10_CLASSES } = await import('../../web/lib/datasets.mjs');
  for (const name of [...FASHION_MNIST_CLASSES, ...CIFAR10_CLASSES]) assert.ok(`class.${name}` in en, name);
  try {
    setLanguage('ko');
    assert.equal(className('Ankle boot'), '앵클 부츠');
    setLanguage('ja');
    assert.equal(className('Sneaker'), 'スニーカー');
    assert.equal(className('not a class'), 'not a class');
  } finally {
    setLanguage('en');
  }
  assert.equal(className('Ankle boot'), 'Ankle boot');
});

test('a shared link and snippet carry the page\'s language', async () => {
  const { setLanguage } = await import('../../web/lib/i18n.mjs');
  const { currentSetup } = await import('../../web/ui/share_panel.mjs');
  const { shareSetup, configFromHash } = await import('../../web/embed/config.mjs');
  const state = { code: 'x = 1', settings: { epochs: 2 } };
  try {
    setLanguage('ko');
    const { pageUrl, embedUrl, element } = shareSetup(currentSetup(state, {}), new URL('https://example.org/lab/'));
    for (const url of [pageUrl, embedUrl]) assert.equal(new URLSearchParams(new URL(url).hash.slice(1)).get('lang'), 'ko', url);
    assert.match(element, / lang="ko"><\/convlab-trainer>$/);
    assert.equal(currentSetup(state, { lang: 'ja' }).lang, 'ja');
    assert.equal(configFromHash(new URL(pageUrl).hash).config.lang, 'ko', 'the page reads it back');
  } finally {
    setLanguage('en');
  }
});
