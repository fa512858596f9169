// Learning curves (loss or accuracy against the batch step), drawn with ui/line_chart.mjs.
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
// not a chain of animation frames, so a waiting chart costs no frames.

import { t, formatNumber } from '../lib/i18n.mjs';
import { createLineChart } from './line_chart.mjs';
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

// createCurves(container, {metric: 'loss' | 'accuracy', height = 260,
//                          smoothing = EMA_WEIGHT, minInterval = 100, hiddenInterval = 2000})
// -> {addBatch(step, value), addEpoch(step, {train, val}), addOverlay(label, points),
//     removeOverlay(label), reset(), dataTable() -> {headers, rows}, destroy(), ready}
// `ready` resolves to true once the chart is drawn. reset() keeps the overlays and zooms out;
// removeOverlay undoes addOverlay.
export function createCurves(container, { metric = 'loss', height = 260, smoothing = EMA_WEIGHT, minInterval = 100, hiddenInterval = 2000 } = {}) {
  const model = createCurveModel({ metric, smoothing });
  const name = t(`curves.${metric}`);
  let plot = null;
  let builtFor = -1; // model.structure the plot was built for
  let frame = 0;
  let timer = 0;  // waiting for the next allowed draw
  let lastDraw = -Infinity;
  let onScreen = true;  // until the IntersectionObserver says otherwise
  let destroyed = false;
  let width = 0;
  container.classList.add('cl-curves');

  function options() {
    const series = [
      { label: t('curves.series.step'), value: (v) => (v == null ? '–' : String(v)) },
      { label: t('curves.series.batch', { metric }), stroke: COLORS.trainFaint, width: 1, value: formatValue },
      { label: t('curves.series.smoothed', { weight: String(smoothing) }), stroke: COLORS.train, width: 2, value: formatValue },
      { label: metric, stroke: COLORS.train, width: 1, dash: [2, 2], points: { size: 7, fill: COLORS.pointFill, width: 2 }, value: formatValue },
      { label: `val_${metric}`, stroke: COLORS.val, width: 2, points: { size: 7, fill: COLORS.val }, value: formatValue },
      ...model.overlayLabels.map((label, k) => ({
        label,
        stroke: OVERLAY_COLORS[k % OVERLAY_COLORS.length],
        width: 1.5,
        dash: [6, 4],
        points: { size: 5 },
        value: formatValue,
      })),
    ];
    return {
      title: name,
      zoomOutLabel: t('curves.zoomOut'),
      width: width || 600,
      height,
      series,
      xLabel: t('curves.axis.step'),
      yLabel: metric,
      colors: { axis: COLORS.axis, grid: COLORS.grid, select: COLORS.trainFaint },
      yRange: metric === 'accuracy' ? accuracyRange : lossRange,
      draw: drawEpochLines,
    };
  }

  function drawEpochLines(chart) {
    const { ctx, bbox } = chart;
    ctx.save();
    ctx.strokeStyle = COLORS.epochLine;
    ctx.fillStyle = COLORS.epochText;
    ctx.lineWidth = 1;
    ctx.setLineDash([2, 3]);
    ctx.font = chart.font(11);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    let free = bbox.left; // labels are drawn only where they do not overlap the previous one
    for (const e of model.epochs) {
      const x = Math.round(chart.valToPos(e.step, 'x')) + 0.5;
      if (x < bbox.left || x > bbox.left + bbox.width + 1) continue;
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      for (const text of [t('curves.epochMark', { epoch: e.epoch }), formatNumber(e.epoch)]) {
        const left = x - 3 - ctx.measureText(text).width;
        if (left < free) continue;
        ctx.fillText(text, x - 3, bbox.top + 3);
        free = x;
        break;
      }
    }
    ctx.restore();
  }

  function label() {
    if (!plot) return;
    plot.canvas.setAttribute('aria-label', model.summary());
  }

  function build() {
    const hidden = plot ? plot.series.map((s) => ({ label: s.label, show: s.show })) : [];
    plot?.destroy();
    COLORS = themeColors();
    width = Math.floor(container.clientWidth) || width || 600;
    const opts = options();
    for (const h of hidden) {
      const s = opts.series.find((x) => x.label === h.label);
      if (s && h.show === false) s.show = false;
    }
    plot = createLineChart(container, opts);
    plot.setData(model.columns);
    plot.canvas.setAttribute('role', 'img');
    builtFor = model.structure;
    label();
  }

  function draw() {
    frame = 0;
    if (destroyed) return;
    lastDraw = performance.now();
    if (!plot || builtFor !== model.structure) build();
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
  const reprint = () => { builtFor = -1; if (!destroyed) build(); };
  printMedia?.addEventListener?.('change', reprint);

  build();
  const ready = Promise.resolve(true);

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
    reset() {
      model.reset();
      plot?.setZoom(null); // a new run is seen whole
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
