// A small canvas line chart, what the learning curves (ui/curves.mjs) need and no more: series
// with dashes and round points, gaps spanned, a fitted y range, a legend that shows the
// values under the cursor (the latest ones otherwise) and whose entries are buttons that hide
// and show their series, drag across the plot to zoom the x axis, double-click to zoom out.
// It replaced uPlot, whose 23 KB (gzipped) were the page's largest lever on its 400 KB budget.
//
// createLineChart(container, {title, zoomOutLabel, width, height, series, xLabel, yLabel, colors, yRange, draw})
//   series[0]: {label, value(x) -> text}; series[1..]: {label, stroke, width, dash, points, show, value(y) -> text}
//     points: {size, fill, width} or absent; show: false starts hidden
//   colors: {axis, grid, select}; yRange(min, max) -> [lo, hi] of the y axis (min, max may be null)
//   draw(chart): called after the series, clipped to the plot box, to add marks (epoch lines)
// -> {root, canvas, series, bbox, ctx, font(size) -> CSS font, valToPos(v, 'x' | 'y'), setData(columns),
//     setSize({width, height}), setSeries(i, {show}), setZoom([x0, x1] | null), destroy()}
// Coordinates given to draw() and returned by valToPos are CSS pixels on the canvas.

import { linearTicks, lowerBound, makeScale, nearestIndex, valueExtent } from './chart_scale.mjs';
import { formatNumber } from '../lib/i18n.mjs';

const PAD = { top: 10, right: 14, bottom: 46, left: 74 }; // room for ticks and the axis labels
const el = (tag, cls) => Object.assign(document.createElement(tag), cls ? { className: cls } : {});

export function createLineChart(container, opts) {
  const { series, colors } = opts;
  let width = opts.width;
  let height = opts.height;
  let data = [[]];
  let zoom = null; // [x0, x1] while zoomed in
  let cursor = -1; // data index under the pointer
  let drag = null; // pointer x where a zoom drag started
  let pointerX = null; // the pointer's last x over the plot
  let layout = null; // the last draw's scales and plot box

  const root = el('div', 'cl-chart');
  const title = el('div', 'cl-chart-title');
  title.textContent = opts.title;
  // Shown while zoomed in: the way out for those who do not know the double-click.
  const unzoom = el('button', 'cl-chart-unzoom');
  unzoom.type = 'button';
  unzoom.textContent = opts.zoomOutLabel;
  unzoom.hidden = true;
  unzoom.addEventListener('click', () => setZoom(null));
  title.append(unzoom);
  const stack = el('div', 'cl-chart-stack');
  const canvas = el('canvas');
  const over = el('canvas', 'cl-chart-over');
  over.setAttribute('aria-hidden', 'true');
  stack.append(canvas, over);
  const legend = el('ul', 'cl-legend');
  root.append(title, stack, legend);
  container.append(root);
  const ctx = canvas.getContext('2d');
  const octx = over.getContext('2d');
  // The page's font (its CJK fallbacks too), read once: getComputedStyle at every draw would
  // make the browser recompute styles several times a second while training.
  const family = getComputedStyle(root).fontFamily || 'system-ui, sans-serif';
  const font = (size = 12) => `${size}px ${family}`;

  const items = series.map((s, i) => {
    const item = el('li');
    const value = el('span', 'cl-legend-value');
    const name = document.createTextNode(`${s.label}:`);
    if (i === 0) {
      item.append(name, value);
    } else {
      s.show = s.show !== false;
      const button = el('button', 'cl-legend-item');
      button.type = 'button';
      const swatch = el('span', 'cl-swatch');
      swatch.style.borderColor = s.stroke;
      if (s.dash) swatch.style.borderStyle = 'dashed';
      // The value beside the button, not in it: the button's name stays the series' name.
      button.append(swatch, name);
      button.addEventListener('click', () => setSeries(i, { show: !s.show }));
      item.append(button, value);
    }
    legend.append(item);
    return { value, button: item.querySelector('button') };
  });

  // Not hovering, the legend's values follow the data at most once a second (a trailing update
  // catches the last values): each change of its text makes the browser lay the page out again,
  // and the charts get new data ten times a second while a run trains.
  let legendAt = -Infinity;
  let legendTimer = 0;
  function syncLegendSoon() {
    const wait = legendAt + 1000 - performance.now();
    if (cursor >= 0 || wait <= 0) syncLegend();
    else legendTimer ||= setTimeout(syncLegend, wait);
  }

  function syncLegend() {
    clearTimeout(legendTimer);
    legendTimer = 0;
    legendAt = performance.now();
    const xs = data[0];
    const at = cursor >= 0 ? cursor : xs.length - 1;
    series.forEach((s, i) => {
      const { value, button } = items[i];
      let v = null;
      if (at >= 0) {
        v = data[i]?.[at] ?? null;
        // Not hovering: each series' latest value (epoch series have few).
        for (let k = at; cursor < 0 && v == null && k >= 0; k--) v = data[i]?.[k] ?? null;
      }
      const text = s.value(v);
      if (value.textContent !== text) value.textContent = text; // no DOM write, no relayout, when unchanged
    });
  }

  function syncButtons() {
    series.forEach((s, i) => {
      items[i].button?.setAttribute('aria-pressed', String(s.show));
      items[i].button?.classList.toggle('cl-off', !s.show);
    });
  }

  // The canvas sized to the chart at the screen's pixel ratio (a resize clears it).
  function size(c) {
    const ratio = globalThis.devicePixelRatio || 1;
    const w = Math.round(width * ratio);
    const h = Math.round(height * ratio);
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
      c.style.width = `${width}px`;
      c.style.height = `${height}px`;
    }
    return ratio;
  }

  function fit(c, context) {
    const ratio = size(c);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    return ratio;
  }

  function scales() {
    const xs = data[0];
    let [x0, x1] = zoom ?? [xs[0] ?? 0, xs.at(-1) ?? 1];
    if (!(x1 > x0)) [x0, x1] = [x0 - 1, x0 + 1];
    const i0 = Math.max(0, lowerBound(xs, x0) - 1);
    const i1 = Math.min(xs.length - 1, lowerBound(xs, x1));
    const shown = data.slice(1).filter((_, k) => series[k + 1].show);
    const [y0, y1] = opts.yRange(...valueExtent(shown, i0, i1));
    const box = { left: PAD.left, top: PAD.top, width: Math.max(10, width - PAD.left - PAD.right), height: Math.max(10, height - PAD.top - PAD.bottom) };
    return { box, i0, i1, x: makeScale(x0, x1), y: makeScale(y0, y1, { reverse: true }) };
  }

  const xPos = (v) => layout.x.pos(v, layout.box.left, layout.box.width);
  const yPos = (v) => layout.y.pos(v, layout.box.top, layout.box.height);

  function drawAxes() {
    const { box, x, y } = layout;
    ctx.font = font();
    ctx.lineWidth = 1;
    ctx.strokeStyle = colors.grid;
    ctx.fillStyle = colors.axis;
    const yTicks = linearTicks(y.min, y.max, Math.max(2, Math.round(box.height / 34)));
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of yTicks) {
      const py = Math.round(yPos(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(box.left, py);
      ctx.lineTo(box.left + box.width, py);
      ctx.stroke();
      ctx.fillText(formatNumber(v), box.left - 8, py);
    }
    const xTicks = linearTicks(x.min, x.max, Math.max(2, Math.round(box.width / 70))).filter((v) => v >= x.min && Number.isInteger(v));
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const v of xTicks) {
      const px = Math.round(xPos(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(px, box.top);
      ctx.lineTo(px, box.top + box.height);
      ctx.stroke();
      ctx.fillText(formatNumber(v), px, box.top + box.height + 6);
    }
    ctx.font = `600 ${font()}`;
    ctx.fillText(opts.xLabel, box.left + box.width / 2, box.top + box.height + 26);
    ctx.save();
    ctx.translate(14, box.top + box.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(opts.yLabel, 0, 0);
    ctx.restore();
  }

  // One series: a path through its non-null values (several values on one device pixel column
  // become that column's first, lowest, highest and last: the same picture for far fewer
  // segments), then its points.
  function drawSeries(s, ys, ratio) {
    const { i0, i1 } = layout;
    const xs = data[0];
    ctx.strokeStyle = s.stroke;
    ctx.lineWidth = s.width ?? 1;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    let col = null;
    let lo = 0;
    let hi = 0;
    let last = 0;
    const flush = () => {
      if (col === null) return;
      if (lo !== hi) {
        ctx.lineTo(col, lo);
        ctx.lineTo(col, hi);
      }
      ctx.lineTo(col, last);
    };
    for (let i = i0; i <= i1; i++) {
      const v = ys[i];
      if (v == null || !Number.isFinite(v)) continue;
      const c = Math.round(xPos(xs[i]) * ratio) / ratio;
      const py = yPos(v);
      if (c === col) {
        lo = Math.min(lo, py);
        hi = Math.max(hi, py);
        last = py;
        continue;
      }
      flush();
      if (col === null) ctx.moveTo(c, py);
      else ctx.lineTo(c, py);
      col = c;
      lo = hi = last = py;
    }
    flush();
    ctx.stroke();
    ctx.setLineDash([]);
    if (!s.points) return;
    ctx.fillStyle = s.points.fill ?? s.stroke;
    ctx.lineWidth = s.points.width ?? 1;
    for (let i = i0; i <= i1; i++) {
      const v = ys[i];
      if (v == null || !Number.isFinite(v)) continue;
      ctx.beginPath();
      ctx.arc(xPos(xs[i]), yPos(v), s.points.size / 2, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  }

  function draw() {
    const ratio = fit(canvas, ctx);
    layout = scales();
    drawAxes();
    const { box } = layout;
    ctx.save();
    ctx.beginPath();
    ctx.rect(box.left - 5, box.top - 5, box.width + 10, box.height + 10);
    ctx.clip();
    series.forEach((s, i) => { if (i > 0 && s.show) drawSeries(s, data[i], ratio); });
    opts.draw?.(chart);
    ctx.restore();
    if (overlaid || cursor >= 0) drawOverlay();
    else size(over);
    syncLegendSoon();
  }

  // The cursor's line and the points under it, and the zoom selection: on a second canvas, so
  // moving the pointer does not redraw the series.
  let overlaid = false; // the overlay holds a cursor or a selection (else it is left alone: one canvas less to redraw)
  function drawOverlay() {
    fit(over, octx);
    overlaid = false;
    if (!layout) return;
    const { box } = layout;
    if (drag !== null && pointerX !== null) {
      octx.fillStyle = colors.select;
      octx.fillRect(Math.min(drag, pointerX), box.top, Math.abs(pointerX - drag), box.height);
      overlaid = true;
    }
    if (cursor < 0 || cursor >= data[0].length) return;
    overlaid = true;
    const px = Math.round(xPos(data[0][cursor])) + 0.5;
    octx.strokeStyle = colors.axis;
    octx.setLineDash([4, 3]);
    octx.beginPath();
    octx.moveTo(px, box.top);
    octx.lineTo(px, box.top + box.height);
    octx.stroke();
    octx.setLineDash([]);
    series.forEach((s, i) => {
      const v = data[i][cursor];
      if (i === 0 || !s.show || v == null || !Number.isFinite(v)) return;
      octx.fillStyle = s.stroke;
      octx.beginPath();
      octx.arc(px, yPos(v), 4, 0, 2 * Math.PI);
      octx.fill();
    });
  }

  // offsetX: the overlay's own coordinates (no getBoundingClientRect, which would force a
  // layout after the legend's last write), held to the plot box.
  const pointer = (ev) => Math.min(Math.max(ev.offsetX, layout.box.left), layout.box.left + layout.box.width);
  over.addEventListener('pointermove', (ev) => {
    if (!layout || !data[0].length) return;
    pointerX = pointer(ev);
    cursor = nearestIndex(data[0], layout.x.val(pointerX, layout.box.left, layout.box.width));
    drawOverlay();
    syncLegend();
  });
  const leave = () => {
    drag = null;
    pointerX = null;
    cursor = -1;
    drawOverlay();
    syncLegend();
  };
  over.addEventListener('pointerleave', () => { if (drag === null) leave(); });
  over.addEventListener('pointercancel', leave); // a touch that became a scroll
  over.addEventListener('pointerdown', (ev) => {
    if (!layout || ev.button !== 0) return;
    drag = pointer(ev);
    over.setPointerCapture?.(ev.pointerId);
  });
  over.addEventListener('pointerup', (ev) => {
    if (drag === null) return;
    const [a, b] = [drag, pointer(ev)].sort((p, q) => p - q);
    drag = null;
    const { box, x } = layout;
    const [x0, x1] = [x.val(a, box.left, box.width), x.val(b, box.left, box.width)];
    // At least 5 pixels and two batch steps: a narrower window would show nothing to read.
    if (b - a >= 5 && x1 - x0 >= 2) setZoom([x0, x1]);
    else draw();
  });
  over.addEventListener('dblclick', () => setZoom(null));

  function setZoom(range) {
    zoom = range;
    unzoom.hidden = !range;
    draw();
  }

  function setSeries(i, { show }) {
    series[i].show = Boolean(show);
    syncButtons();
    draw();
  }

  const chart = {
    root,
    canvas,
    series,
    ctx,
    get bbox() {
      return layout.box;
    },
    valToPos: (v, axis) => (axis === 'x' ? xPos(v) : yPos(v)),
    setData(columns) {
      data = columns;
      if (cursor >= data[0].length) cursor = -1;
      draw();
    },
    setSize(size) {
      ({ width, height } = { width, height, ...size });
      draw();
    },
    setSeries,
    setZoom,
    font,
    destroy() {
      clearTimeout(legendTimer);
      root.remove();
    },
  };
  syncButtons();
  draw();
  return chart;
}
