// Evaluation views: confusion matrix, per-class accuracy, misclassified test images.
// The maths (confusionMatrix, perClassAccuracy, predictions, misclassified) is pure and tested
// under Node; the draw* functions build DOM into a container and know nothing of wasm.

import { colorize, GREY_BYTES } from './colormap.mjs';
import { fillRgb } from './feature_maps.mjs';
import * as i18n from '../lib/i18n.mjs';

// ---------------------------------------------------------------------------------------------
// Pure helpers

function checkLabel(v, classes, what, i) {
  if (!(Number.isInteger(v) && v >= 0 && v < classes)) throw new RangeError(`${what}[${i}] = ${v} is not a class in 0..${classes - 1}`);
  return v;
}

// Int32Array(classes * classes), row-major: m[t * classes + p] counts samples of true class t
// predicted as p (rows = true, columns = predicted, as sklearn's confusion_matrix).
export function confusionMatrix(trueLabels, predictedLabels, classes) {
  if (trueLabels.length !== predictedLabels.length) {
    throw new RangeError(`${trueLabels.length} true labels but ${predictedLabels.length} predictions`);
  }
  const m = new Int32Array(classes * classes);
  for (let i = 0; i < trueLabels.length; i++) {
    const t = checkLabel(Number(trueLabels[i]), classes, 'trueLabels', i);
    const p = checkLabel(Number(predictedLabels[i]), classes, 'predictedLabels', i);
    m[t * classes + p] += 1;
  }
  return m;
}

// Side of a square matrix stored flat.
export function matrixSize(matrix) {
  const n = Math.round(Math.sqrt(matrix.length));
  if (n * n !== matrix.length) throw new RangeError(`a ${matrix.length}-value matrix is not square`);
  return n;
}

// Float64Array(classes): the fraction of each true class predicted correctly (the diagonal over
// the row sum, i.e. per-class recall); NaN for a class with no samples.
export function perClassAccuracy(matrix) {
  const n = matrixSize(matrix);
  const acc = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let row = 0;
    for (let p = 0; p < n; p++) row += matrix[t * n + p];
    acc[t] = row === 0 ? NaN : matrix[t * n + t] / row;
  }
  return acc;
}

// Overall accuracy from the matrix (trace / total; NaN when empty).
export function overallAccuracy(matrix) {
  const n = matrixSize(matrix);
  let trace = 0;
  let total = 0;
  for (let i = 0; i < matrix.length; i++) total += matrix[i];
  for (let t = 0; t < n; t++) trace += matrix[t * n + t];
  return total === 0 ? NaN : trace / total;
}

// A 1-unit sigmoid output (binary_crossentropy) as two columns [1 - p, p], so the matrix, the
// per-class bars and the mistakes treat it as the two classes it is. The argmax below then gives
// class 1 exactly when p > 0.5, Keras's binary accuracy threshold. Wider outputs pass through.
export function classProbabilities(probs, units) {
  if (units !== 1) return { probabilities: probs, classes: units };
  const two = new Float32Array(probs.length * 2);
  for (let i = 0; i < probs.length; i++) {
    two[2 * i] = 1 - probs[i];
    two[2 * i + 1] = probs[i];
  }
  return { probabilities: two, classes: 2 };
}

// Int32Array(N): argmax of each row of probs (N * classes); ties go to the lowest class, as
// numpy's argmax.
export function predictions(probs, classes) {
  const n = Math.floor(probs.length / classes);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c] > probs[i * classes + best]) best = c;
    out[i] = best;
  }
  return out;
}

// The wrongly predicted samples, most confident first (ties: lower index first), at most `limit`:
// [{index, trueLabel, predicted, confidence}] with confidence = probs of the predicted class.
export function misclassified(trueLabels, probs, classes, limit = Infinity) {
  const pred = predictions(probs, classes);
  const items = [];
  for (let i = 0; i < pred.length; i++) {
    const t = Number(trueLabels[i]);
    if (pred[i] !== t) items.push({ index: i, trueLabel: t, predicted: pred[i], confidence: probs[i * classes + pred[i]] });
  }
  items.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return Number.isFinite(limit) ? items.slice(0, Math.max(0, limit)) : items;
}

// Row-normalised shares (count / row total) used for the confusion cells' colour intensity.
export function rowShares(matrix) {
  const n = matrixSize(matrix);
  const shares = new Float64Array(matrix.length);
  for (let t = 0; t < n; t++) {
    let row = 0;
    for (let p = 0; p < n; p++) row += matrix[t * n + p];
    for (let p = 0; p < n; p++) shares[t * n + p] = row === 0 ? 0 : matrix[t * n + p] / row;
  }
  return shares;
}

// Percentages for people, through Intl in the page's language.
export const percent = (x, digits = 1) => i18n.formatPercent(x, digits);

// ---------------------------------------------------------------------------------------------
// DOM

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

function th(text, scope, className) {
  const h = el('th', className, text);
  h.scope = scope;
  return h;
}

// Class names in the page's language; a header keeps the dataset's English name as its tooltip.
const className = (names, i) => (names?.[i] === undefined ? String(i) : i18n.className(names[i]));
function classHeader(names, i, scope) {
  const h = th(className(names, i), scope);
  if (names?.[i] !== undefined && h.textContent !== names[i]) h.title = i18n.t('class.english', { name: names[i] });
  return h;
}

// Cell shading that keeps the count readable (WCAG AA, 4.5:1): the row share sets the alpha of
// the colour over white, but never into the band where neither dark text (#1b1f24) nor white
// text reaches 4.5:1; light cells stay light enough for dark text, dark cells dark enough for white.
const channel = (v) => { const c = v / 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
const over = (rgb, a) => rgb.map((c) => 255 - a * (255 - c));
function alphaAt(rgb, target) {  // the alpha at which the shade's luminance falls to target
  let lo = 0, hi = 1;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (luminance(over(rgb, mid)) > target) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}
const DARK_TEXT_MIN_LUMINANCE = 4.5 * (luminance([27, 31, 36]) + 0.05) - 0.05 + 0.005;
const WHITE_TEXT_MAX_LUMINANCE = 1.05 / 4.5 - 0.05 - 0.005;
const SHADES = Object.fromEntries(Object.entries({ hit: [31, 95, 168], miss: [200, 50, 30] }).map(([k, rgb]) => [k, {
  rgb, lightMax: alphaAt(rgb, DARK_TEXT_MIN_LUMINANCE), darkMin: alphaAt(rgb, WHITE_TEXT_MAX_LUMINANCE),
}]));
export function shadeAlpha(shade, share, dark) {
  const a = 0.08 + 0.92 * share;
  return dark ? Math.min(1, Math.max(a, shade.darkMin)) : Math.min(a, shade.lightMax);
}

// drawConfusion(container, matrix, classNames) -> <table>
// Rows = true class, columns = predicted class, each cell the count, its background intensity the
// share of its row (correct: blue, errors: red), set through element.style.
export function drawConfusion(container, matrix, classNames) {
  const n = matrixSize(matrix);
  const shares = rowShares(matrix);
  const table = el('table', 'cl-table cl-confusion');
  table.append(el('caption', 'cl-caption', i18n.t('eval.confusion.caption')));
  const thead = el('thead');
  const top = el('tr');
  top.append(el('td', 'cl-confusion-corner'), th(i18n.t('eval.confusion.predicted'), 'colgroup'));
  top.lastChild.colSpan = n;
  const head = el('tr');
  head.append(th(i18n.t('eval.confusion.true'), 'col', 'cl-confusion-axis'));
  for (let p = 0; p < n; p++) head.append(classHeader(classNames, p, 'col'));
  thead.append(top, head);
  const tbody = el('tbody');
  for (let t = 0; t < n; t++) {
    const tr = el('tr');
    tr.append(classHeader(classNames, t, 'row'));
    for (let p = 0; p < n; p++) {
      const count = matrix[t * n + p];
      const share = shares[t * n + p];
      const td = el('td', t === p ? 'cl-confusion-hit' : 'cl-confusion-miss', String(count));
      const shade = SHADES[t === p ? 'hit' : 'miss'];
      const dark = share > 0.45;
      if (count > 0) td.style.backgroundColor = `rgba(${shade.rgb.join(', ')}, ${shadeAlpha(shade, share, dark).toFixed(3)})`;
      if (dark) td.classList.add('cl-dark');
      td.title = i18n.t('eval.confusion.cell', { truth: className(classNames, t), predicted: className(classNames, p), count, share: percent(share) });
      tr.append(td);
    }
    tbody.append(tr);
  }
  table.append(thead, tbody);
  const wrap = el('div', 'cl-scroll');
  // A region that may scroll sideways must be reachable by keyboard to be scrolled.
  wrap.tabIndex = 0;
  wrap.setAttribute('role', 'region');
  wrap.setAttribute('aria-label', i18n.t('eval.confusion.label'));
  wrap.append(table);
  container.replaceChildren(wrap);
  return table;
}

// drawPerClass(container, accuracies, classNames) -> <table>
// One row per class: name, accuracy (% of that class's test images classified correctly) and a bar.
export function drawPerClass(container, accuracies, classNames) {
  const table = el('table', 'cl-table cl-per-class');
  table.append(el('caption', 'cl-caption', i18n.t('eval.perClass.caption')));
  const thead = el('thead');
  const hr = el('tr');
  hr.append(th(i18n.t('eval.perClass.class'), 'col'), th(i18n.t('eval.perClass.accuracy'), 'col'), th('', 'col', 'cl-bar-head'));
  hr.lastChild.append(el('span', 'cl-visually-hidden', i18n.t('eval.perClass.bar')));
  thead.append(hr);
  const tbody = el('tbody');
  let worst = -1;
  accuracies.forEach((a, i) => {
    if (Number.isFinite(a) && (worst < 0 || a < accuracies[worst])) worst = i;
  });
  // No class stands out as the worst when every class scores the same (say, all 100 %).
  if (worst >= 0 && accuracies.every((a) => !Number.isFinite(a) || a === accuracies[worst])) worst = -1;
  accuracies.forEach((a, i) => {
    const tr = el('tr', i === worst ? 'cl-worst' : '');
    tr.append(classHeader(classNames, i, 'row'), el('td', 'cl-num', percent(a)));
    const cell = el('td', 'cl-bar-cell');
    const track = el('div', 'cl-bar');
    track.setAttribute('aria-hidden', 'true');
    const fill = el('div', 'cl-bar-fill');
    fill.style.width = `${Number.isFinite(a) ? (a * 100).toFixed(1) : 0}%`;
    track.append(fill);
    cell.append(track);
    tr.append(cell);
    tbody.append(tr);
  });
  table.append(thead, tbody);
  container.replaceChildren(table);
  return table;
}

// drawMisclassified(container, items, getPixels, classNames, {size = 28}) -> <ol>
// A gallery: each item a grey canvas of the test image (getPixels(index) -> Float32Array(784),
// values in [0, 1]) and "pred Sneaker (93%) · true Sandal".
// getPixels(index): the test image as HWC values in 0..1, grey (channels 1) or RGB (channels 3).
export function drawMisclassified(container, items, getPixels, classNames, { height = 28, width = 28, channels = 1, scale = 3 } = {}) {
  if (items.length === 0) {
    const p = el('p', 'cl-note', i18n.t('eval.noMistakes'));
    container.replaceChildren(p);
    return p;
  }
  const list = el('ol', 'cl-gallery');
  const scratch = document.createElement('canvas');
  scratch.width = width;
  scratch.height = height;
  const sctx = scratch.getContext('2d');
  const image = sctx.createImageData(width, height);
  const dpr = globalThis.devicePixelRatio || 1;
  const s = Math.max(1, Math.ceil(scale * dpr));
  for (const item of items) {
    const li = el('li', 'cl-gallery-item');
    const canvas = el('canvas', 'cl-gallery-image');
    canvas.width = width * s;
    canvas.height = height * s;
    canvas.setAttribute('role', 'img');
    const pred = className(classNames, item.predicted);
    const truth = className(classNames, item.trueLabel);
    const conf = percent(item.confidence, 0);
    canvas.setAttribute('aria-label', i18n.t('eval.mistake.label', { index: item.index, truth, predicted: pred, confidence: conf }));
    const pixels = getPixels(item.index);
    if (pixels) {
      // Fixed [0, 1] range: the images are pixel/255, so grey levels match the dataset's.
      if (channels === 3) fillRgb(pixels, image.data);
      else colorize(pixels, 0, width * height, { out: image.data, lut: GREY_BYTES, range: { min: 0, max: 1 } });
      sctx.putImageData(image, 0, 0);
      const ctx = canvas.getContext('2d');
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(scratch, 0, 0, canvas.width, canvas.height);
    }
    const cap = el('span', 'cl-gallery-caption');
    cap.append(el('span', 'cl-pred', i18n.t('eval.mistake.predicted', { predicted: pred, confidence: conf })), ' · ', el('span', 'cl-true', i18n.t('eval.mistake.true', { truth })));
    li.append(canvas, cap, el('span', 'cl-gallery-index', `#${item.index}`));
    list.append(li);
  }
  container.replaceChildren(list);
  return list;
}
