// The message catalog: every user-facing string of the page is t(key, params) of a catalog in
// web/i18n/<lang>.mjs (English, Korean, Japanese). Every catalog has the same keys and the same
// placeholders (tests/js/i18n.test.mjs); a key a catalog lacked would fall back to English.
//
//   t('run.ended.stopped', {epoch: 2, batch: 673})   "{name}" placeholders, numbers formatted
//                                                    with Intl.NumberFormat of the locale
//   t(error)   an {code, params} error from the worker or the engine renders as t(code, params)
//
// Keras's own texts (model.summary(), the progress log, layer names) are not in the catalog:
// students compare them with their notebooks.
//
// English is built in (every key falls back to it); Korean and Japanese are loaded when chosen
// (loadLanguage), so an English page does not download them (20 KB gzipped).
import en from '../i18n/en.mjs';

const LOADERS = { ko: () => import('../i18n/ko.mjs'), ja: () => import('../i18n/ja.mjs') };
const SUPPORTED = ['en', ...Object.keys(LOADERS)];
const CATALOGS = { en };

// Loads a language's catalog (once); setLanguage(code) then switches to it.
export async function loadLanguage(code) {
  if (!(code in CATALOGS) && code in LOADERS) CATALOGS[code] = (await LOADERS[code]()).default;
  return code;
}
// Each language's name in itself, for the picker.
export const LANGUAGE_NAMES = { en: 'English', ko: '한국어', ja: '日本語' };
let lang = 'en';
let numberFormat = new Intl.NumberFormat('en');
// Intl formatters by language and options: making one costs far more than formatting with it,
// and the training panels format numbers several times a second.
const formats = new Map();
function cachedFormat(kind, options) {
  const key = `${lang}/${kind}/${JSON.stringify(options)}`;
  if (!formats.has(key)) formats.set(key, kind === 'date' ? new Intl.DateTimeFormat(lang, options) : new Intl.NumberFormat(lang, options));
  return formats.get(key);
}

// A language not loaded yet is English until loadLanguage(next) has run.
export function setLanguage(next) {
  lang = next in CATALOGS ? next : 'en';
  numberFormat = new Intl.NumberFormat(lang);
  return lang;
}

export const language = () => lang;

// The first supported language of the candidates, most specific source first: ?lang=, the
// embed's lang (attribute or hash), the saved choice, then navigator.languages ('ko-KR' -> ko).
export function chooseLanguage(...candidates) {
  for (const c of candidates.flat()) {
    const base = typeof c === 'string' ? c.trim().toLowerCase().split(/[-_]/)[0] : '';
    if (SUPPORTED.includes(base)) return base;
  }
  return 'en';
}
export const languages = () => [...SUPPORTED];

// A number for people: grouping and the locale's digits; `digits` fixes the fraction digits.
export function formatNumber(v, digits) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  if (digits === undefined) return numberFormat.format(v);
  return cachedFormat('number', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

// A share (0.931) as the locale writes a percentage ("93.1%"), with `digits` fraction digits.
export function formatPercent(v, digits = 1) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  return cachedFormat('number', { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

export function formatDate(d) {
  return cachedFormat('date', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(d));
}

export function formatSeconds(s) {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return t('time.seconds', { s: Math.round(s) });
  return t('time.minutes', { m: Math.floor(s / 60), s: Math.round(s % 60) });
}

const has = (catalog, key) => Object.prototype.hasOwnProperty.call(catalog, key);

export function t(key, params = {}) {
  if (key && typeof key === 'object') return t(key.code, key.params);
  const catalog = CATALOGS[lang];
  const text = has(catalog, key) ? catalog[key] : has(en, key) ? en[key] : null;
  if (text === null) return key;  // visible, so a missing key is noticed, never an empty label
  return text.replace(/\{(\w+)\}/g, (all, name) => {
    const v = params[name];
    if (v === undefined || v === null) return all;
    return typeof v === 'number' ? formatNumber(v) : String(v);
  });
}

// A dataset's class name (English, as the dataset defines it) in the page's language.
export const className = (english) => t(`class.${english}`) === `class.${english}` ? english : t(`class.${english}`);

// The static page: elements with data-i18n get their text, data-i18n-<attr> their attributes
// (aria-label, placeholder, title).
export function localize(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const attr of ['aria-label', 'placeholder', 'title']) {
    for (const el of root.querySelectorAll(`[data-i18n-${attr}]`)) el.setAttribute(attr, t(el.getAttribute(`data-i18n-${attr}`)));
  }
  root.documentElement?.setAttribute('lang', lang);
}

export const catalogKeys = (code = 'en') => Object.keys(CATALOGS[code] ?? {});
