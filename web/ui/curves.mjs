// Learning curves (loss or accuracy against the batch step) drawn with uPlot.
//
// Per-batch training values arrive many times a second. They are plotted twice: raw, faint, and
// smoothed (the debiased EMA of curve_model.mjs, which holds the data). Per-epoch values
// (`loss`/`val_loss` as Keras's History names them) are points joined by lines, epoch ends are
// dotted vertical lines, and finished experiments can be overlaid dashed.
//
// Events append to the curve model and mark the chart dirty, and one requestAnimationFrame
// callback redraws: at most every `minInterval` ms while the chart is on screen, every
// `hiddenInterval` ms while it is scrolled out of view or the tab is hidden (drawing is the
// page's main cost while it trains: it takes CPU from the engine). Between draws a timer waits,
// not a chain of animation frames, so a waiting chart costs no frames. uPlot is loaded on first use with a dynamic
// import from ../vendor/uPlot.esm.js (copied there by scripts/vendor.sh), so this module imports
// in Node without it and the page shows the chart as soon as the module is in.

import { t, formatNumber } from '../lib/i18n.mjs';
import { createCurveModel, EMA_WEIGHT, formatValue, accuracyRange, lossRange } from './curve_model.mjs';

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
//                          smoothing = EMA_WEIGHT, minInterval = 100, hiddenInterval = 2000})
// -> {addBatch(step, value), addEpoch(step, {train, val}), addOverlay(label, points),
//     removeOverlay(label), setLog(on), reset(), dataTable() -> {headers, rows}, destroy(), ready}
// `ready` resolves to true once uPlot is loaded and the chart drawn (false if it could not load;
// the container then says so). reset() keeps the overlays; removeOverlay undoes addOverlay.
export function createCurves(container, { metric = 'loss', log = false, height = 260, smoothing = EMA_WEIGHT, minInterval = 100, hiddenInterval = 2000 } = {}) {
  const model = createCurveModel({ metric, smoothing });
  const name = t(`curves.${metric}`);
  let logScale = metric === 'loss' && log;
  let plot = null;
  let UPlot = null;
  let builtFor = -1; // model.structure the plot was built for
  let builtLog = logScale;
  let frame = 0;
  let timer = 0;  // waiting for the next allowed draw
  let lastDraw = -Infinity;
  let onScreen = true;  // until the IntersectionObserver says otherwise
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
      for (const text of [t('curves.epochMark', { epoch: e.epoch }), formatNumber(e.epoch)]) {
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

  function draw() {
    frame = 0;
    if (destroyed || !UPlot) return;
    lastDraw = performance.now();
    if (!plot || builtFor !== model.structure || builtLog !== logScale) build();
    else plot.setData(model.columns);
    label();
  }

  const shown = () => onScreen && !globalThis.document?.hidden;

  function invalidate() {
    if (frame || timer || destroyed) return;
    const wait = lastDraw + (shown() ? minInterval : hiddenInterval) - performance.now();
    if (wait <= 0) frame = requestAnimationFrame(draw);
    else timer = setTimeout(() => { timer = 0; frame = requestAnimationFrame(draw); }, wait);
  }

  // Back on screen with a draw pending: drawn now, not at the hidden pace.
  function showNow() {
    if (!timer || !shown()) return;
    clearTimeout(timer);
    timer = 0;
    invalidate();
  }
  const visibility = typeof IntersectionObserver === 'function'
    ? new IntersectionObserver((entries) => {
      onScreen = entries.at(-1).isIntersecting;
      showNow();
    })
    : null;
  visibility?.observe(container);
  globalThis.document?.addEventListener?.('visibilitychange', showNow);

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
  // Printing: rebuilt at once (before the browser lays out the pages) in the print colours
  // style.css's @media print sets, and again after, in the screen's.
  const printMedia = globalThis.matchMedia?.('print');
  const reprint = () => { builtFor = -1; if (UPlot && !destroyed) build(); };
  printMedia?.addEventListener?.('change', reprint);

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
      clearTimeout(timer);
      observer?.disconnect();
      visibility?.disconnect();
      globalThis.document?.removeEventListener?.('visibilitychange', showNow);
      globalThis.removeEventListener?.('convlab-theme', retheme);
      systemTheme?.removeEventListener?.('change', retheme);
      printMedia?.removeEventListener?.('change', reprint);
      plot?.destroy();
      plot = null;
      container.classList.remove('cl-curves');
    },
  };
}
