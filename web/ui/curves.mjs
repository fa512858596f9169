// Learning curves (loss or accuracy against the batch step) drawn with uPlot.
//
// Per-batch training values arrive many times a second. They are plotted twice: raw, faint, and
// smoothed with a debiased exponential moving average (TensorBoard's smoothing):
//   s_n = w * s_{n-1} + (1 - w) * v_n,  shown as s_n / (1 - w^n),  w = EMA_WEIGHT = 0.98,
// about a 50-batch window (1 / (1 - w)); the debiasing keeps the first points from being pulled
// to 0. Per-epoch values (`loss`/`val_loss` as Keras's History names them) are points joined by
// lines, epoch ends are dotted vertical lines, and finished experiments can be overlaid dashed.
//
// Data lives in uPlot's columnar format [xs, ...ys] (one row per step, null where a series has
// no value); events append to it and mark the chart dirty, and one requestAnimationFrame callback
// redraws (at most every `minInterval` ms). uPlot is loaded on first use with a dynamic import
// from ../vendor/uPlot.esm.js (copied there by scripts/vendor.sh), so the pure helpers below
// import in Node without it and the page shows the chart as soon as the module is in.

import { t } from '../lib/i18n.mjs';

// ---------------------------------------------------------------------------------------------
// Pure helpers

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

// uPlot columns for `nSeries` y series: [xs, ys1, ..., ysN], plain arrays.
export function createColumns(nSeries) {
  return Array.from({ length: nSeries + 1 }, () => []);
}

// First index i with xs[i] >= x (xs ascending).
export function lowerBound(xs, x) {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Sets series `series` (1-based, as in uPlot) to value at x, keeping xs ascending and every
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

// Keras prints metrics with 4 decimals.
export function formatValue(v) {
  return v == null || !Number.isFinite(v) ? '–' : v.toFixed(4);
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

// ---------------------------------------------------------------------------------------------
// DOM (uPlot)

// The chart's colours come from the theme's custom properties (ui.css, light and dark), read
// each time a chart is built; these are the light theme's, for a page without ui.css.
const LIGHT = { train: '#1f5fa8', trainFaint: 'rgba(31, 95, 168, 0.22)', val: '#d1550f', epochLine: 'rgba(40, 40, 40, 0.35)',
  epochText: 'rgba(40, 40, 40, 0.75)', axis: '#333', grid: 'rgba(0,0,0,0.08)', pointFill: '#ffffff' };
let COLORS = LIGHT;
function themeColors() {
  const style = typeof document === 'undefined' ? null : getComputedStyle(document.documentElement);
  const css = (key) => style?.getPropertyValue(`--cl-chart-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).trim();
  return Object.fromEntries(Object.entries(LIGHT).map(([k, v]) => [k, css(k) || v]));
}
const OVERLAY_COLORS = ['#5b3f9a', '#2e8540', '#a8326e', '#6b6b6b', '#8a6d00', '#0f7c8a'];

let uPlotModule = null;
// A BCP 47 tag Intl accepts: `tag` itself, else 'en-US'. WebKitGTK under LANG=C.UTF-8 reports
// navigator.language === 'C', and uPlot 1.6.32 evaluates `new Intl.NumberFormat(nav.language)`
// when its module loads (uPlot issue 1053, fixed upstream but unreleased), which throws
// `RangeError: invalid language tag: C` and leaves the page without curves.
export function validLocale(tag) {
  try {
    return typeof tag === 'string' && Intl.getCanonicalLocales(tag).length === 1 ? tag : 'en-US';
  } catch {
    return 'en-US';
  }
}

export function loadUPlot() {
  // uPlot reads navigator.language once, at import: give it a valid tag (an own property on this
  // context's navigator, so the vendored file stays as published).
  const nav = globalThis.navigator;
  if (nav && validLocale(nav.language) !== nav.language) {
    Object.defineProperty(nav, 'language', { value: validLocale(nav.language), configurable: true });
  }
  uPlotModule ??= import('../vendor/uPlot.esm.js').then((m) => m.default);
  return uPlotModule;
}

// What the page says when uPlot is not there: only a failed module fetch (a TypeError from
// import()) means web/vendor/ is missing; anything else is a real error in the library.
export function chartFailureNote(err) {
  const missing = err instanceof TypeError && /import|fetch|module/i.test(err.message);
  return t(missing ? 'curves.failedVendor' : 'curves.failed', { detail: `${err.name}: ${err.message}` });
}

// createCurves(container, {metric: 'loss' | 'accuracy', log = false, height = 260,
//                          smoothing = EMA_WEIGHT, minInterval = 100})
// -> {addBatch(step, value), addEpoch(step, {train, val}), addOverlay(label, points),
//     removeOverlay(label), setLog(on), reset(), dataTable() -> {headers, rows}, destroy(), ready}
// `ready` resolves to true once uPlot is loaded and the chart drawn (false if it could not load;
// the container then says so). reset() keeps the overlays; removeOverlay undoes addOverlay.
export function createCurves(container, { metric = 'loss', log = false, height = 260, smoothing = EMA_WEIGHT, minInterval = 100 } = {}) {
  const model = createCurveModel({ metric, smoothing });
  const name = t(`curves.${metric}`);
  let logScale = metric === 'loss' && log;
  let plot = null;
  let UPlot = null;
  let builtFor = -1; // model.structure the plot was built for
  let builtLog = logScale;
  let frame = 0;
  let lastDraw = 0;
  let destroyed = false;
  let width = 0;
  container.classList.add('cl-curves');

  const fmt = (u, v) => formatValue(v);

  function options() {
    const series = [
      { label: t('curves.series.step'), value: (u, v) => (v == null ? '–' : String(v)) },
      { label: t('curves.series.batch', { metric }), stroke: COLORS.trainFaint, width: 1, spanGaps: true, points: { show: false }, value: fmt },
      { label: t('curves.series.smoothed', { weight: String(smoothing) }), stroke: COLORS.train, width: 2, spanGaps: true, points: { show: false }, value: fmt },
      { label: metric, stroke: COLORS.train, width: 1, dash: [2, 2], spanGaps: true, points: { show: true, size: 7, fill: COLORS.pointFill, width: 2 }, value: fmt },
      { label: `val_${metric}`, stroke: COLORS.val, width: 2, spanGaps: true, points: { show: true, size: 7, fill: COLORS.val }, value: fmt },
      ...model.overlayLabels.map((label, k) => ({
        label,
        stroke: OVERLAY_COLORS[k % OVERLAY_COLORS.length],
        width: 1.5,
        dash: [6, 4],
        spanGaps: true,
        points: { show: true, size: 5 },
        value: fmt,
      })),
    ];
    const y = logScale
      ? { distr: 3 }
      : { range: (u, min, max) => (metric === 'accuracy' ? accuracyRange(min, max) : lossRange(min, max)) };
    return {
      title: name,
      width: width || 600,
      height,
      scales: { x: { time: false }, y },
      series,
      axes: [
        { label: t('curves.axis.step'), stroke: COLORS.axis, grid: { stroke: COLORS.grid } },
        { label: metric, stroke: COLORS.axis, grid: { stroke: COLORS.grid }, size: 56 },
      ],
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
      hooks: {
        draw: [drawEpochLines],
        setSeries: [syncLegendState],
      },
    };
  }

  function drawEpochLines(u) {
    const { ctx, bbox } = u;
    const ratio = globalThis.devicePixelRatio || 1;
    ctx.save();
    ctx.strokeStyle = COLORS.epochLine;
    ctx.fillStyle = COLORS.epochText;
    ctx.lineWidth = 1;
    ctx.setLineDash([2 * ratio, 3 * ratio]);
    ctx.font = `${Math.round(11 * ratio)}px system-ui, sans-serif`;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    let free = bbox.left; // labels are drawn only where they do not overlap the previous one
    for (const e of model.epochs) {
      const x = Math.round(u.valToPos(e.step, 'x', true)) + 0.5;
      if (x < bbox.left || x > bbox.left + bbox.width + 1) continue;
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      for (const text of [`epoch ${e.epoch}`, String(e.epoch)]) {
        const left = x - 3 * ratio - ctx.measureText(text).width;
        if (left < free) continue;
        ctx.fillText(text, x - 3 * ratio, bbox.top + 3 * ratio);
        free = x;
        break;
      }
    }
    ctx.restore();
  }

  // Legend entries toggle their series on click (uPlot); make them keyboard buttons too.
  function makeLegendAccessible(u) {
    u.root.querySelectorAll('.u-legend tr.u-series').forEach((row, k) => {
      const i = k + 1;
      const th = row.querySelector('th');
      if (!th || i >= u.series.length) return;
      th.tabIndex = 0;
      th.setAttribute('role', 'button');
      th.setAttribute('aria-pressed', String(u.series[i].show !== false));
      // Named by its visible text (the series label), as axe's label-content-name-mismatch wants;
      // aria-pressed says whether the series is shown.
      th.addEventListener('keydown', (ev) => {
        if (ev.key !== 'Enter' && ev.key !== ' ') return;
        ev.preventDefault();
        u.setSeries(i, { show: !u.series[i].show });
      });
    });
  }

  function syncLegendState(u, i) {
    const rows = u.root.querySelectorAll('.u-legend tr.u-series');
    const th = rows[i - 1]?.querySelector('th');
    if (th && u.series[i]) th.setAttribute('aria-pressed', String(u.series[i].show !== false));
  }

  function label() {
    if (!plot) return;
    plot.ctx.canvas.setAttribute('aria-label', model.summary());
  }

  function build() {
    const hidden = plot ? plot.series.map((s) => ({ label: s.label, show: s.show })) : [];
    plot?.destroy();
    COLORS = themeColors();
    width = Math.floor(container.clientWidth) || width || 600;
    plot = new UPlot(options(), model.columns, container);
    for (const h of hidden) {
      const i = plot.series.findIndex((s) => s.label === h.label);
      if (i > 0 && h.show === false) plot.setSeries(i, { show: false });
    }
    plot.ctx.canvas.setAttribute('role', 'img');
    makeLegendAccessible(plot);
    builtFor = model.structure;
    builtLog = logScale;
    label();
  }

  function draw(now) {
    frame = 0;
    if (destroyed || !UPlot) return;
    if (now - lastDraw < minInterval) {
      frame = requestAnimationFrame(draw);
      return;
    }
    lastDraw = now;
    if (!plot || builtFor !== model.structure || builtLog !== logScale) build();
    else plot.setData(model.columns);
    label();
  }

  function invalidate() {
    if (!frame && !destroyed) frame = requestAnimationFrame(draw);
  }

  const observer = typeof ResizeObserver === 'function'
    ? new ResizeObserver(() => {
      const w = Math.floor(container.clientWidth);
      if (!plot || w <= 0 || w === width) return;
      width = w;
      plot.setSize({ width, height });
    })
    : null;
  observer?.observe(container);
  // A theme change (the page's picker, or the system's) rebuilds the chart in the new colours.
  const retheme = () => { builtFor = -1; invalidate(); };
  const systemTheme = globalThis.matchMedia?.('(prefers-color-scheme: dark)');
  globalThis.addEventListener?.('convlab-theme', retheme);
  systemTheme?.addEventListener?.('change', retheme);

  const ready = loadUPlot().then(
    (U) => {
      if (destroyed) return false;
      UPlot = U;
      build();
      return true;
    },
    (err) => {
      const note = document.createElement('p');
      note.className = 'cl-note';
      note.textContent = chartFailureNote(err);
      container.replaceChildren(note);
      console.error(err);
      return false;
    },
  );

  return {
    ready,
    model,
    addBatch(step, value) {
      model.addBatch(step, value);
      invalidate();
    },
    addEpoch(step, values) {
      model.addEpoch(step, values);
      invalidate();
    },
    addOverlay(label, points) {
      model.addOverlay(label, points);
      invalidate();
    },
    removeOverlay(label) {
      if (model.removeOverlay(label)) invalidate();
    },
    setLog(on) {
      logScale = metric === 'loss' && Boolean(on);
      invalidate();
    },
    reset() {
      model.reset();
      invalidate();
    },
    dataTable() {
      return model.dataTable();
    },
    destroy() {
      destroyed = true;
      if (frame) cancelAnimationFrame(frame);
      observer?.disconnect();
      globalThis.removeEventListener?.('convlab-theme', retheme);
      systemTheme?.removeEventListener?.('change', retheme);
      plot?.destroy();
      plot = null;
      container.classList.remove('cl-curves');
    },
  };
}
