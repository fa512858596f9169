// The step-through's drawing: the layer's input map with the sliding window, the output map
// filling in up to the current position (the current pixel outlined), and the arithmetic as
// tables (input patch, kernel, products per input channel; a pooling window with its max).
// Built once per layer/shape and then only updated, so a step costs a few text changes and
// two canvas blits. No worker, no store: stepthrough_panel.mjs calls these.
import { colorize, normalize } from './colormap.mjs';
import { upscaleFactor } from './feature_maps.mjs';
import { t, formatNumber } from '../lib/i18n.mjs';

const MAP_CSS = 224;  // displayed size of the input and output maps
const num = (v) => formatNumber(v, 3);

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

// A map (one channel of an HWC buffer) painted once into an offscreen canvas at 1 px a value.
function mapBitmap(data, [h, w, c], channel) {
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(w, h);
  colorize(data, channel, h * w, { stride: c, out: image.data, range: normalize(data, channel, h * w, c) });
  ctx.putImageData(image, 0, 0);
  return canvas;
}

// A kh×kw table of numbers with a caption; returns {table, cells[ky*kw + kx]}.
function numberTable(caption, kh, kw) {
  const table = el('table', 'step-table');
  table.append(el('caption', null, caption));
  const body = el('tbody');
  const cells = [];
  for (let y = 0; y < kh; y++) {
    const tr = el('tr');
    for (let x = 0; x < kw; x++) {
      const td = el('td');
      tr.append(td);
      cells.push(td);
    }
    body.append(tr);
  }
  table.append(body);
  return { table, cells };
}

// build(container, {kind, window: [kh, kw], inputShape, outputShape, channels: [shown input
// channels]}) → the view object the draw functions take.
export function buildStepView(container, { kind, window: [kh, kw], inputShape, outputShape, channels, margin }) {
  const root = el('div', 'step-grid');
  const figure = (caption) => {
    const f = el('figure', 'step-figure');
    const canvas = el('canvas', 'step-map');
    canvas.setAttribute('role', 'img');
    f.append(canvas, el('figcaption', 'cl-caption', caption));
    return { f, canvas };
  };
  const input = figure(t('step.inputMap', { h: inputShape[0], w: inputShape[1] }));
  const output = figure(t('step.outputMap', { h: outputShape[0], w: outputShape[1] }));
  output.canvas.classList.add('step-clickable');
  const maps = el('div', 'step-maps');
  maps.append(input.f, output.f);
  const calc = el('div', 'step-calc');
  const blocks = channels.map((ci) => {
    const block = el('div', 'step-block');
    if (kind === 'pool') {
      const win = numberTable(t('step.table.window'), kh, kw);
      block.append(win.table);
      return { ci, block, win };
    }
    const head = el('p', 'step-block-head');
    const patch = numberTable(t('step.table.patch', { channel: ci }), kh, kw);
    const kernel = numberTable(t('step.table.kernel', { channel: ci }), kh, kw);
    const products = numberTable(t('step.table.products', { channel: ci }), kh, kw);
    block.append(head, patch.table, el('span', 'step-op', '×'), kernel.table, el('span', 'step-op', '='), products.table);
    return { ci, block, head, patch, kernel, products };
  });
  const scroll = el('div', 'step-blocks');
  // A region that may scroll must be reachable by keyboard to be scrolled.
  scroll.tabIndex = 0;
  scroll.setAttribute('role', 'region');
  scroll.setAttribute('aria-label', t('step.tables'));
  scroll.append(...blocks.map((b) => b.block));
  const formula = el('p', 'step-formula');
  const engine = el('p', 'cl-note');
  calc.append(scroll, formula, engine);
  root.append(maps, calc);
  container.replaceChildren(root);
  const scaleIn = upscaleFactor(inputShape[0] + 2 * margin, inputShape[1] + 2 * margin, MAP_CSS, globalThis.devicePixelRatio || 1);
  const scaleOut = upscaleFactor(outputShape[0], outputShape[1], MAP_CSS, globalThis.devicePixelRatio || 1);
  input.canvas.width = (inputShape[1] + 2 * margin) * scaleIn;
  input.canvas.height = (inputShape[0] + 2 * margin) * scaleIn;
  output.canvas.width = outputShape[1] * scaleOut;
  output.canvas.height = outputShape[0] * scaleOut;
  return { kind, kh, kw, margin, inputCanvas: input.canvas, outputCanvas: output.canvas, scaleIn, scaleOut, blocks, formula, engine, inputBitmap: null, outputBitmap: null };
}

// New numbers (a new layer output, image or weights): repaint the two maps' bitmaps.
export function setStepMaps(view, { input, inputShape, inputChannel, output, outputShape, outputChannel }) {
  view.inputBitmap = mapBitmap(input, inputShape, inputChannel);
  view.outputBitmap = mapBitmap(output, outputShape, outputChannel);
  view.inputShape = inputShape;
  view.outputShape = outputShape;
  view.inputCanvas.setAttribute('aria-label', t('step.inputMapAlt', { h: inputShape[0], w: inputShape[1], channel: inputChannel }));
}

function drawMaps(view, step) {
  const { inputCanvas: ic, outputCanvas: oc, scaleIn: si, scaleOut: so, margin: m } = view;
  const [oh, ow] = view.outputShape;
  let ctx = ic.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = '#9aa0a6';  // the padding around a 'same' input
  ctx.fillRect(0, 0, ic.width, ic.height);
  ctx.drawImage(view.inputBitmap, m * si, m * si, view.inputShape[1] * si, view.inputShape[0] * si);
  ctx.lineWidth = Math.max(2, si / 3);
  ctx.strokeStyle = '#00e5ff';
  ctx.strokeRect((step.left + m) * si, (step.top + m) * si, view.kw * si, view.kh * si);
  if (step.from) {
    ctx.strokeStyle = '#76ff03';
    ctx.strokeRect((step.from.ix + m) * si + 1, (step.from.iy + m) * si + 1, si - 2, si - 2);
  }
  ctx = oc.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(view.outputBitmap, 0, 0, oc.width, oc.height);
  // Positions not reached yet are dimmed: the map fills in as the window slides.
  ctx.fillStyle = 'rgba(20, 22, 29, 0.72)';
  ctx.fillRect((step.col + 1) * so, step.row * so, (ow - step.col - 1) * so, so);
  ctx.fillRect(0, (step.row + 1) * so, ow * so, (oh - step.row - 1) * so);
  ctx.lineWidth = Math.max(2, so / 3);
  ctx.strokeStyle = '#00e5ff';
  ctx.strokeRect(step.col * so, step.row * so, so, so);
  oc.setAttribute('aria-label', t('step.outputMapAlt', { h: oh, w: ow, row: step.row, col: step.col }));
}

// One position: the window on the input, the output pixel, and every number of the step.
export function drawStep(view, step, { formula, engineValue }) {
  drawMaps(view, step);
  const cells = step.cells.length;
  if (step.kind === 'pool') {
    const { win } = view.blocks[0];
    step.values.forEach((v, i) => {
      win.cells[i].textContent = v === null ? t('step.padding') : num(v);
      win.cells[i].classList.toggle('step-max', step.from === step.cells[i]);
      win.cells[i].classList.toggle('step-pad', v === null);
    });
  } else {
    for (const b of view.blocks) {
      let partial = 0;
      for (let p = 0; p < cells; p++) {
        const j = p * step.channels + b.ci;
        const pad = !step.cells[p].inside;
        b.patch.cells[p].textContent = pad ? t('step.padding') : num(step.values[j]);
        b.patch.cells[p].classList.toggle('step-pad', pad);
        b.kernel.cells[p].textContent = num(step.weights[j]);
        b.products.cells[p].textContent = num(step.products[j]);
        partial += step.products[j];
      }
      b.head.textContent = t('step.channelSum', { channel: b.ci, sum: num(partial) });
    }
  }
  view.formula.textContent = formula;
  view.engine.textContent = t('step.engine', { value: num(engineValue) });
}

// The output position under a click on the output canvas (CSS pixels → map cell).
export function positionAt(view, event) {
  const r = view.outputCanvas.getBoundingClientRect();
  const [oh, ow] = view.outputShape;
  const col = Math.min(ow - 1, Math.max(0, Math.floor(((event.clientX - r.left) / r.width) * ow)));
  const row = Math.min(oh - 1, Math.max(0, Math.floor(((event.clientY - r.top) / r.height) * oh)));
  return { row, col };
}
