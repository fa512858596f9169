// The embed configuration: one set of names for <convlab-trainer> attributes, the URL hash of
// embed.html (and index.html), and "Share this setup". Pure: no DOM, so Node tests it.
//
//   model      preset name (lab, dnn, lab64, ...) or Keras code / JSON (URL-encoded in a hash)
//   epochs, batch-size, learning-rate, validation-split, threshold, samples, seed, optimizer
//   images     test images for the feature maps, "0,23,28";  filter  the CONVOLUTION_NUMBER
//   hide       panels or controls to hide, "maps,eval,experiments,editor,pause,step"
//   show       only these panels, "model,train,curves"
//   autostart  train as soon as the data and model are ready;  compact  the narrow layout
//   lang       the page's language (en, ko, ja; 'ko-KR' works too); else the reader's browser's
//   threads    engine threads: 1 .. 8 or auto (the default: one per core where the page is
//              cross-origin isolated; web/lib/threads.mjs)
import { SETTINGS, readGivenSettings } from '../lib/settings.mjs';
import { MAX_THREADS } from '../lib/threads.mjs';

export const PANELS = {
  model: 'model-panel', train: 'train-panel', curves: 'curves-panel', maps: 'maps-panel', eval: 'eval-panel',
  experiments: 'experiments-panel', runs: 'runs-panel', share: 'share-panel',
};
// Controls that can be hidden one by one (ids on the page; their <label> goes with them).
export const CONTROLS = ['preset', 'editor', 'summary', 'log', 'continue', 'epochs', 'batch-size', 'optimizer', 'learning-rate', 'validation-split',
  'threshold', 'seed', 'samples', 'train', 'pause', 'resume', 'step', 'stop', 'reset', 'evaluate'];

const FLAGS = ['autostart', 'compact'];
// URL/attribute key -> config field: the training settings (lib/settings.mjs) and the map filter.
const FIELDS = { ...Object.fromEntries(SETTINGS.map((s) => [s.attr, s.name])), filter: 'filter' };
export const KEYS = ['model', ...Object.keys(FIELDS), 'images', 'hide', 'show', ...FLAGS, 'lang', 'threads'];

const list = (v) => String(v).split(',').map((s) => s.trim()).filter(Boolean);
const flag = (v) => v === '' || v === true || /^(1|true|yes|on)$/i.test(String(v));

// get: (name) => string | null, e.g. (k) => element.getAttribute(k) or URLSearchParams#get.
// Returns {config, problems}: unusable values are left out and described as {code, params}
// (rendered by the message catalog), never thrown, so a typo in a lesson's link still shows
// the lab.
export function readConfig(get) {
  const { values, problems } = readGivenSettings((s) => get(s.attr));
  const config = { ...values };
  const model = get('model');
  if (model) config.model = model;
  const filter = get('filter');
  if (filter !== null && filter !== undefined && filter !== '') {
    if (Number.isInteger(Number(filter)) && Number(filter) >= 0) config.filter = Number(filter);
    else problems.push({ code: 'settings.integer', params: { field: 'filter', value: filter, min: 0, max: 1023 } });
  }
  const images = get('images');
  if (images) config.images = list(images).map(Number).filter(Number.isInteger);
  for (const key of ['hide', 'show']) {
    const v = get(key);
    if (!v) continue;
    const names = list(v);
    const unknown = names.filter((n) => !(n in PANELS) && !CONTROLS.includes(n));
    if (unknown.length) problems.push({ code: 'embed.unknownNames', params: { key, names: unknown.join(', '), panels: Object.keys(PANELS).join(', '), controls: CONTROLS.join(', ') } });
    config[key] = names.filter((n) => !unknown.includes(n));
  }
  const lang = get('lang');
  if (lang) {
    if (/^[a-z]{2,3}([-_][A-Za-z0-9]+)*$/i.test(lang)) config.lang = lang;
    else problems.push({ code: 'embed.lang', params: { value: lang } });
  }
  const threads = get('threads');
  if (threads) {
    const n = threads === 'auto' ? threads : Number(threads);
    if (n === 'auto' || (Number.isInteger(n) && n >= 1 && n <= MAX_THREADS)) config.threads = n;
    else problems.push({ code: 'embed.threads', params: { value: threads, max: MAX_THREADS } });
  }
  for (const key of FLAGS) {
    const v = get(key);
    if (v !== null && v !== undefined && flag(v)) config[key] = true;
  }
  return { config, problems };
}

export function configFromHash(hash) {
  const params = new URLSearchParams(String(hash).replace(/^#/, ''));
  return readConfig((k) => params.get(k));
}

// The config as attribute/hash pairs, in KEYS order; arrays joined with commas.
export function configEntries(config) {
  const out = [];
  for (const key of KEYS) {
    const v = config[FIELDS[key] ?? key];
    if (v === undefined || v === null || v === false || (Array.isArray(v) && !v.length)) continue;
    out.push([key, v === true ? '1' : Array.isArray(v) ? v.join(',') : String(v)]);
  }
  return out;
}

export function configToHash(config) {
  return new URLSearchParams(configEntries(config)).toString();
}

const escapeAttr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

// "Share this setup": the iframe URL and the two HTML snippets (iframe, custom element).
// base: the URL of the folder holding embed.html (the page's own folder).
export function shareSetup(config, base) {
  const hash = configToHash(config);
  const embedUrl = new URL(`embed.html${hash ? `#${hash}` : ''}`, base).href;
  const pageUrl = new URL(`index.html${hash ? `#${hash}` : ''}`, base).href;
  const attrs = configEntries(config).map(([k, v]) => (v === '1' && (k === 'autostart' || k === 'compact') ? ` ${k}` : ` ${k}="${escapeAttr(v)}"`)).join('');
  const iframe = `<iframe src="${escapeAttr(embedUrl)}" title="convlab: train a CNN on Fashion-MNIST" width="100%" height="900" loading="lazy"></iframe>`;
  const element = `<script type="module" src="${escapeAttr(new URL('embed/convlab-trainer.mjs', base).href)}"></script>\n<convlab-trainer${attrs}></convlab-trainer>`;
  return { pageUrl, embedUrl, iframe, element };
}
