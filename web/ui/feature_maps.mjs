// Feature maps and kernels, drawn as ConvNetJS's draw_activations does: one ImageData per map at
// its own resolution, then scaled up by a whole factor onto the visible canvas with
// imageSmoothingEnabled = false, so every activation stays a sharp square.
//
// Normalisation is per map (each map scaled to its own min/max, as matplotlib's imshow does in
// the course's `axarr[x, y].imshow(f[0, :, :, CONVOLUTION_NUMBER], cmap='inferno')`), so colours
// compare positions inside one map, not values across maps. Kernels use one symmetric diverging
// scale shared by all filters of the layer (blue < 0 < red), so they do compare.
//
// Data layouts are Keras's: layer outputs NHWC with N = 1 (Float32Array h*w*c), Conv2D kernels
// HWIO (Float32Array kh*kw*cin*f). This module knows nothing of wasm or the worker.
//
// Redraws with the same shapes reuse the existing canvases (the views refresh during training).

import { colorize, colorizeDiverging, GREY_BYTES, normalize } from './colormap.mjs';
import { t, formatNumber, language } from '../lib/i18n.mjs';

// ---------------------------------------------------------------------------------------------
// Pure helpers

// '26×26×32' (Keras's output shape without the batch axis).
export function describeShape(shape) {
  return shape.join('×');
}

// True when shape is [h, w, c]: a stack of 2-D maps that can be drawn.
export function isSpatial(shape) {
  return Array.isArray(shape) && shape.length === 3 && shape.every((d) => Number.isInteger(d) && d > 0);
}

// Channel `channel` of an HWC (NHWC with N = 1) buffer: out[y*w + x] = data[(y*w + x)*c + channel].
export function extractChannel(data, shape, channel, out) {
  const [h, w, c] = shape;
  if (!Number.isInteger(channel) || channel < 0 || channel >= c) {
    throw new RangeError(`channel ${channel} out of range for shape ${describeShape(shape)}`);
  }
  if (data.length < h * w * c) throw new RangeError(`data has ${data.length} values, shape ${describeShape(shape)} needs ${h * w * c}`);
  const plane = out && out.length === h * w ? out : new Float32Array(h * w);
  for (let p = 0, j = channel; p < h * w; p++, j += c) plane[p] = data[j];
  return plane;
}

// One filter's kh*kw kernel from an HWIO Conv2D kernel, for one input channel or, with
// inputChannel = 'mean', averaged over all input channels.
export function kernelSlice(data, shape, filter, inputChannel = 0, out) {
  const [kh, kw, cin, f] = shape;
  if (!Number.isInteger(filter) || filter < 0 || filter >= f) throw new RangeError(`filter ${filter} out of range (${f} filters)`);
  const mean = inputChannel === 'mean';
  if (!mean && !(Number.isInteger(inputChannel) && inputChannel >= 0 && inputChannel < cin)) {
    throw new RangeError(`input channel ${inputChannel} out of range (${cin} input channels)`);
  }
  const k = out && out.length === kh * kw ? out : new Float32Array(kh * kw);
  for (let p = 0; p < kh * kw; p++) {
    const base = p * cin * f + filter;
    if (mean) {
      let s = 0;
      for (let ci = 0; ci < cin; ci++) s += data[base + ci * f];
      k[p] = s / cin;
    } else {
      k[p] = data[base + inputChannel * f];
    }
  }
  return k;
}

// Largest |v| (0 for an empty or all-zero array; non-finite values skipped).
export function maxAbs(data) {
  let m = 0;
  for (const v of data) {
    const a = Math.abs(v);
    if (a > m && a < Infinity) m = a;
  }
  return m;
}

// The largest |value| over every filter's kernelSlice: the shared symmetric scale of drawKernels.
export function kernelLimit(data, shape, inputChannel = 0) {
  let m = 0;
  for (let fi = 0; fi < shape[3]; fi++) m = Math.max(m, maxAbs(kernelSlice(data, shape, fi, inputChannel)));
  return m;
}

// Whole upscale factor for an h×w map shown about cssSize CSS pixels wide on a screen with
// device pixel ratio dpr: the smallest s with max(h, w)*s >= cssSize*dpr, at least 1. The canvas
// backing store is then (w*s) × (h*s), so drawImage scales by a whole number of device pixels.
export function upscaleFactor(h, w, cssSize, dpr = 1) {
  return Math.max(1, Math.ceil((cssSize * dpr) / Math.max(h, w)));
}

// Backing-store size {width, height} of a canvas showing an h×w map at about cssSize CSS pixels.
export function canvasSize(h, w, cssSize, dpr = 1) {
  const s = upscaleFactor(h, w, cssSize, dpr);
  return { width: w * s, height: h * s };
}

// Display sizes (CSS pixels) the backing stores are made for; ui.css sizes the canvases, and
// `image-rendering: pixelated` keeps them sharp when CSS scales them a little further.
export const SIZES = Object.freeze({ cell: 160, thumb: 56, filter: 72, kernel: 48 });

// Values in the maps' text alternatives, in the page's language: 2 decimals, or 1.2E-3 style
// for very small and large values.
const fmt = (v) => (Math.abs(v) >= 100 || (v !== 0 && Math.abs(v) < 0.01)
  ? new Intl.NumberFormat(language(), { notation: 'scientific', maximumFractionDigits: 1 }).format(v)
  : formatNumber(v, 2));

// ---------------------------------------------------------------------------------------------
// DOM

const views = new WeakMap(); // container -> {kind, key, ...elements}
let scratch = null; // one canvas holding the native-resolution map before scaling

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

function imgCanvas(className) {
  const c = el('canvas', className);
  c.setAttribute('role', 'img');
  return c;
}

function dpr() {
  return globalThis.devicePixelRatio || 1;
}

function resize(canvas, h, w, cssSize) {
  const { width, height } = canvasSize(h, w, cssSize, dpr());
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
}

// Fills an h×w ImageData through fill(rgba) and draws it scaled onto canvas, sharp.
// HWC RGB values in 0..1 into RGBA bytes.
export function fillRgb(pixels, rgba) {
  for (let p = 0, q = 0; q < rgba.length; p += 3, q += 4) {
    rgba[q] = Math.round(pixels[p] * 255);
    rgba[q + 1] = Math.round(pixels[p + 1] * 255);
    rgba[q + 2] = Math.round(pixels[p + 2] * 255);
    rgba[q + 3] = 255;
  }
}

function paint(canvas, h, w, fill) {
  if (!scratch) scratch = document.createElement('canvas');
  if (scratch.width !== w) scratch.width = w;
  if (scratch.height !== h) scratch.height = h;
  const sctx = scratch.getContext('2d');
  const image = sctx.createImageData(w, h);
  fill(image.data);
  sctx.putImageData(image, 0, 0);
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(scratch, 0, 0, w, h, 0, 0, canvas.width, canvas.height);
}

function clear(canvas) {
  canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
}

function view(container, kind, key, build) {
  let v = views.get(container);
  if (!v || v.kind !== kind || v.key !== key || !container.contains(v.root)) {
    v = { kind, key, ...build() };
    container.replaceChildren(v.root);
    views.set(container, v);
  }
  return v;
}

// drawFeatureGrid(container, {images, layers, maps, filter, caption?})
//   images: [{index, label, pixels: Float32Array(h*w*c)}]  (label: the class name to show)
//   inputShape: [h, w, c?]: c = 3 draws the thumbnails in colour (CIFAR-10), else grey
//   layers: [{name, className, shape: [h, w, c]}]
//   maps[i][l]: Float32Array(h*w*c), NHWC output of layer l for image i (missing: cell left blank)
//   filter: the channel shown in every cell (the course's CONVOLUTION_NUMBER)
// A <table>: rows = images (header: grey thumbnail + label), columns = layers (header: name,
// class and shape), each cell one inferno canvas, inside a horizontally scrollable div.cl-fmap
// (returned).
export function drawFeatureGrid(container, { images, layers, maps, filter, caption, inputShape = [28, 28] }) {
  const key = JSON.stringify([images.length, layers.map((l) => l.shape), inputShape]);
  const v = view(container, 'grid', key, () => {
    const table = el('table', 'cl-fmap-grid');
    const cap = el('caption', 'cl-caption');
    const headRow = el('tr');
    headRow.append(el('th', 'cl-fmap-corner', t('maps.grid.corner')));
    headRow.firstChild.scope = 'col';
    const colHeads = layers.map(() => {
      const th = el('th', 'cl-fmap-layer');
      th.scope = 'col';
      const name = el('span', 'cl-fmap-name');
      const shape = el('span', 'cl-fmap-shape');
      th.append(name, shape);
      headRow.append(th);
      return { name, shape };
    });
    const thead = el('thead');
    thead.append(headRow);
    const tbody = el('tbody');
    const rows = images.map(() => {
      const tr = el('tr');
      const th = el('th', 'cl-fmap-image');
      th.scope = 'row';
      const thumb = imgCanvas('cl-thumb');
      const label = el('span', 'cl-fmap-label');
      th.append(thumb, label);
      tr.append(th);
      const cells = layers.map(() => {
        const td = el('td', 'cl-fmap-cell');
        const canvas = imgCanvas('cl-map');
        const note = el('span', 'cl-fmap-note');
        td.append(canvas, note);
        tr.append(td);
        return { canvas, note };
      });
      tbody.append(tr);
      return { thumb, label, cells };
    });
    table.append(cap, thead, tbody);
    const root = el('div', 'cl-scroll cl-fmap');
    // A region that may scroll sideways must be reachable by keyboard to be scrolled.
    root.tabIndex = 0;
    root.setAttribute('role', 'region');
    root.setAttribute('aria-label', t('maps.heading'));
    root.append(table);
    return { root, cap, colHeads, rows };
  });

  v.cap.textContent = caption ?? t('maps.grid.caption', { filter, images: images.map((im) => im.index).join(', ') });
  layers.forEach((layer, l) => {
    v.colHeads[l].name.textContent = layer.name;
    v.colHeads[l].shape.textContent = `${layer.className ? `${layer.className} · ` : ''}${describeShape(layer.shape)}`;
  });
  const [ih, iw, ic = 1] = inputShape;
  images.forEach((image, i) => {
    const row = v.rows[i];
    const label = image.label == null ? '' : String(image.label);
    const name = typeof image.index === 'number' ? `#${image.index}` : String(image.index);  // a test image's number, or 'yours'
    row.label.textContent = `${name}${label ? ` ${label}` : ''}`;
    row.thumb.setAttribute('aria-label', t(label ? 'maps.grid.imageLabelled' : 'maps.grid.image', { index: image.index, label }));
    if (image.pixels && image.pixels.length >= ih * iw * ic) {
      resize(row.thumb, ih, iw, SIZES.thumb);
      paint(row.thumb, ih, iw, (rgba) => (ic === 3 ? fillRgb(image.pixels, rgba) : colorize(image.pixels, 0, ih * iw, { out: rgba, lut: GREY_BYTES })));
    } else {
      clear(row.thumb);
    }
    layers.forEach((layer, l) => {
      const { canvas, note } = row.cells[l];
      const data = maps?.[i]?.[l];
      const what = t(label ? 'maps.grid.cellLabelled' : 'maps.grid.cell', { layer: layer.name, filter, index: image.index, label });
      let problem = '';
      if (!isSpatial(layer.shape)) problem = t('maps.grid.notSpatial');
      else if (!(Number.isInteger(filter) && filter >= 0 && filter < layer.shape[2])) problem = t('maps.grid.noFilter', { filter, channels: layer.shape[2] });
      else if (!data) problem = t('maps.notComputed');
      note.textContent = problem;
      if (problem) {
        canvas.setAttribute('aria-label', `${what}: ${problem}`);
        clear(canvas);
        return;
      }
      const [h, w, c] = layer.shape;
      const { min, max } = normalize(data, filter, h * w, c);
      resize(canvas, h, w, SIZES.cell);
      paint(canvas, h, w, (rgba) => colorize(data, filter, h * w, { stride: c, out: rgba, range: { min, max } }));
      canvas.setAttribute('aria-label', t('maps.mapValues', { what, h, w, min: fmt(min), max: fmt(max) }));
    });
  });
  return v.root;
}

// drawAllFilters(container, {name, shape: [h, w, c], data, selected?, caption?})
// Every channel of one layer's output for one image, in a wrapping grid, each labelled with its
// index; `selected` (a channel index) gets the cl-selected class. Returns the <figure>.
export function drawAllFilters(container, { name, shape, data, selected, caption }) {
  const key = JSON.stringify(shape);
  if (!isSpatial(shape)) {
    const p = el('p', 'cl-note', t('maps.filters.notSpatial', { name, shape: describeShape(shape) }));
    container.replaceChildren(p);
    views.delete(container);
    return p;
  }
  const [h, w, c] = shape;
  const v = view(container, 'filters', key, () => {
    const figure = el('figure', 'cl-filters');
    const cap = el('figcaption', 'cl-caption');
    const list = el('ol', 'cl-filters-grid');
    const items = [];
    for (let ch = 0; ch < c; ch++) {
      const li = el('li', 'cl-filter');
      const canvas = imgCanvas('cl-map');
      li.append(canvas, el('span', 'cl-filter-index', String(ch)));
      list.append(li);
      items.push({ li, canvas });
    }
    figure.append(cap, list);
    return { root: figure, cap, items };
  });
  v.cap.textContent = caption ?? t('maps.filters.caption', { name, c, h, w });
  v.items.forEach(({ li, canvas }, ch) => {
    li.classList.toggle('cl-selected', ch === selected);
    if (!data) {
      clear(canvas);
      canvas.setAttribute('aria-label', t('maps.filters.notComputed', { name, ch }));
      return;
    }
    const { min, max } = normalize(data, ch, h * w, c);
    resize(canvas, h, w, SIZES.filter);
    paint(canvas, h, w, (rgba) => colorize(data, ch, h * w, { stride: c, out: rgba, range: { min, max } }));
    canvas.setAttribute('aria-label', t('maps.mapValues', { what: t('maps.filters.channel', { name, ch }), h, w, min: fmt(min), max: fmt(max) }));
  });
  return v.root;
}

// drawKernels(container, {shape: [kh, kw, cin, f], data, name?, inputChannel = 0 | 'mean'})
// Each filter's kh×kw kernel (for input channel `inputChannel`, or the mean over the input
// channels), blue-white-red symmetric about 0 with one scale for the whole layer; a colour bar
// gives the scale. The caption says which input channel is shown. Returns the <figure>.
export function drawKernels(container, { shape, data, name = 'Conv2D', inputChannel = 0 }) {
  const [kh, kw, cin, f] = shape;
  const key = JSON.stringify(shape);
  const v = view(container, 'kernels', key, () => {
    const figure = el('figure', 'cl-kernels');
    const cap = el('figcaption', 'cl-caption');
    const bar = el('div', 'cl-colorbar');
    const barCanvas = imgCanvas('cl-colorbar-canvas');
    const lo = el('span', 'cl-colorbar-min');
    const hi = el('span', 'cl-colorbar-max');
    const zero = el('span', 'cl-colorbar-zero', formatNumber(0));
    const scale = el('span', 'cl-colorbar-scale');
    scale.append(barCanvas, zero);
    bar.append(lo, scale, hi, el('span', 'cl-colorbar-legend', t('kernels.legend')));
    const list = el('ol', 'cl-filters-grid cl-kernels-grid');
    const items = [];
    for (let fi = 0; fi < f; fi++) {
      const li = el('li', 'cl-filter');
      const canvas = imgCanvas('cl-kernel');
      li.append(canvas, el('span', 'cl-filter-index', String(fi)));
      list.append(li);
      items.push(canvas);
    }
    figure.append(cap, bar, list);
    return { root: figure, cap, barCanvas, lo, hi, items };
  });
  const which = inputChannel === 'mean' ? t('maps.kernels.mean', { cin })
    : t(cin === 1 ? 'maps.kernels.onlyChannel' : 'maps.kernels.channel', { channel: inputChannel, cin });
  const limit = kernelLimit(data, shape, inputChannel);
  v.cap.textContent = t('maps.kernels.caption', { name, f, kh, kw, which, limit: fmt(limit) });
  v.lo.textContent = `−${fmt(limit)}`;
  v.hi.textContent = `+${fmt(limit)}`;
  const ramp = Float32Array.from({ length: 64 }, (_, i) => (i / 63) * 2 - 1);
  v.barCanvas.width = 64;
  v.barCanvas.height = 1;
  paint(v.barCanvas, 1, 64, (rgba) => colorizeDiverging(ramp, 1, rgba));
  v.barCanvas.setAttribute('aria-label', t('maps.kernels.scale', { limit: fmt(limit) }));
  const k = new Float32Array(kh * kw);
  v.items.forEach((canvas, fi) => {
    kernelSlice(data, shape, fi, inputChannel, k);
    resize(canvas, kh, kw, SIZES.kernel);
    paint(canvas, kh, kw, (rgba) => colorizeDiverging(k, limit, rgba));
    const { min, max } = normalize(k);
    canvas.setAttribute('aria-label', t('maps.kernels.kernel', { name, fi, which, kh, kw, min: fmt(min), max: fmt(max) }));
  });
  return v.root;
}
