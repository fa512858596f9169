// The data behind the learning curves, without the DOM: the debiased EMA, the columnar format
// [xs, ...ys] (one row per step, null where a series has no value), axis ranges, and the curve
// model that events append to (web/ui/curves.mjs draws it with ui/line_chart.mjs). Imports in
// Node.
//
// Per-batch values are kept raw and smoothed with TensorBoard's debiased moving average:
//   s_n = w * s_{n-1} + (1 - w) * v_n,  shown as s_n / (1 - w^n),  w = EMA_WEIGHT = 0.98,
// about a 50-batch window (1 / (1 - w)); the debiasing keeps the first points from being pulled
// to 0.

import { t, formatNumber } from '../lib/i18n.mjs';
import { lowerBound } from './chart_scale.mjs';

export const EMA_WEIGHT = 0.98;

// A debiased EMA: push(v) returns the smoothed value so far. Non-finite values (NaN loss) are
// skipped and return the previous smoothed value (NaN before any finite value).
export function createEma(weight = EMA_WEIGHT) {
  let acc = 0;
  let n = 0;
  const value = () => (n === 0 ? NaN : weight === 0 ? acc : acc / (1 - weight ** n));
  return {
    push(v) {
      if (Number.isFinite(v)) {
        acc = weight * acc + (1 - weight) * v;
        n += 1;
      }
      return value();
    },
    get value() {
      return value();
    },
    get count() {
      return n;
    },
    reset() {
      acc = 0;
      n = 0;
    },
  };
}

// The whole smoothed series of `values` (array or typed array) at once.
export function emaSmooth(values, weight = EMA_WEIGHT) {
  const ema = createEma(weight);
  return Array.from(values, (v) => ema.push(v));
}

// Columns for `nSeries` y series: [xs, ys1, ..., ysN], plain arrays.
export function createColumns(nSeries) {
  return Array.from({ length: nSeries + 1 }, () => []);
}

// Sets series `series` (1-based: column 0 is xs) to value at x, keeping xs ascending and every
// column the same length: appends a row when x is past the end (the usual case, O(1)), reuses
// the row when x is already there, and otherwise inserts one. Other series get null in new rows.
// Non-finite values are stored as null. Returns the row index.
export function setPoint(cols, x, series, value) {
  const xs = cols[0];
  const v = Number.isFinite(value) ? value : null;
  let i = xs.length;
  if (i === 0 || x > xs[i - 1]) {
    for (let s = 0; s < cols.length; s++) cols[s].push(s === 0 ? x : s === series ? v : null);
    return i;
  }
  i = lowerBound(xs, x);
  if (xs[i] !== x) for (let s = 0; s < cols.length; s++) cols[s].splice(i, 0, s === 0 ? x : null);
  cols[series][i] = v;
  return i;
}

// y range for accuracy: [0 or a little under the minimum on a 0.05 grid, 1].
export function accuracyRange(min, max) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  return [Math.max(0, Math.floor((min - 0.02) * 20) / 20), Math.max(1, max)];
}

// y range for linear loss: from 0 to 5% over the maximum.
export function lossRange(min, max) {
  if (!Number.isFinite(max) || max <= 0) return [0, 1];
  return [0, max * 1.05];
}

// Keras prints metrics with 4 decimals; the digits are the page's language's (Intl).
export function formatValue(v) {
  return v == null || !Number.isFinite(v) ? '–' : formatNumber(v, 4);
}

// Normalises overlay points: [[step, value]] or [{step, value}] -> [[step, value]] sorted by step.
export function overlayPoints(points) {
  return points
    .map((p) => (Array.isArray(p) ? [p[0], p[1]] : [p.step, p.value]))
    .filter(([s]) => Number.isFinite(s))
    .sort((a, b) => a[0] - b[0]);
}

// Series positions in the columns.
const RAW = 1;
const EMA = 2;
const TRAIN = 3;
const VAL = 4;
const FIRST_OVERLAY = 5;

// The chart's data without any DOM: columns, epochs, overlays, the text alternative.
export function createCurveModel({ metric = 'loss', smoothing = EMA_WEIGHT } = {}) {
  const ema = createEma(smoothing);
  let batches = []; // [step, value, smoothed]
  let epochs = []; // {epoch, step, train, val}
  const overlays = new Map(); // label -> [[step, value]]
  let cols = createColumns(FIRST_OVERLAY - 1);
  let structure = 0; // bumped when the set of series changes

  function rebuild() {
    cols = createColumns(FIRST_OVERLAY - 1 + overlays.size);
    for (const [step, v, s] of batches) {
      setPoint(cols, step, RAW, v);
      setPoint(cols, step, EMA, s);
    }
    for (const e of epochs) {
      setPoint(cols, e.step, TRAIN, e.train);
      setPoint(cols, e.step, VAL, e.val);
    }
    let k = FIRST_OVERLAY;
    for (const points of overlays.values()) {
      for (const [step, v] of points) setPoint(cols, step, k, v);
      k += 1;
    }
  }

  return {
    metric,
    smoothing,
    get columns() {
      return cols;
    },
    get epochs() {
      return epochs;
    },
    get batchCount() {
      return batches.length;
    },
    get overlayLabels() {
      return [...overlays.keys()];
    },
    get structure() {
      return structure;
    },
    addBatch(step, value) {
      const s = ema.push(value);
      batches.push([step, value, s]);
      setPoint(cols, step, RAW, value);
      setPoint(cols, step, EMA, s);
      return s;
    },
    addEpoch(step, { train, val } = {}) {
      const e = { epoch: epochs.length + 1, step, train: train ?? null, val: val ?? null };
      epochs.push(e);
      setPoint(cols, step, TRAIN, e.train);
      setPoint(cols, step, VAL, e.val);
      return e;
    },
    addOverlay(label, points) {
      overlays.set(label, overlayPoints(points));
      structure += 1;
      rebuild();
    },
    removeOverlay(label) {
      if (!overlays.delete(label)) return false;
      structure += 1;
      rebuild();
      return true;
    },
    // Clears the current run (batches, epochs, smoothing); overlays stay.
    reset() {
      ema.reset();
      batches = [];
      epochs = [];
      rebuild();
    },
    dataTable() {
      return {
        headers: [t('curves.epoch'), t('curves.step'), metric, `val_${metric}`],
        rows: epochs.map((e) => [String(e.epoch), String(e.step), formatValue(e.train), formatValue(e.val)]),
      };
    },
    // One sentence for the canvas's aria-label.
    summary() {
      const name = t(`curves.${metric}`);
      const overlaid = overlays.size;
      if (batches.length === 0 && epochs.length === 0) {
        return t(overlaid ? 'curves.summary.emptyOverlaid' : 'curves.summary.empty', { name, overlaid });
      }
      const parts = [t('curves.summary.steps', { name, steps: batches.length })];
      const last = batches.at(-1);
      if (last) parts.push(t('curves.summary.smoothed', { metric, value: formatValue(last[2]) }));
      const e = epochs.at(-1);
      if (e) parts.push(t('curves.summary.epoch', { epoch: e.epoch, metric, train: formatValue(e.train), val: formatValue(e.val) }));
      if (overlaid) parts.push(t('curves.summary.overlaid', { overlaid }));
      return t('curves.summary.end', { parts: parts.join('; ') });
    },
  };
}
