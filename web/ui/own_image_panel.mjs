// The "Try your own image" panel: a picture from a file, a drop, the clipboard, the camera or
// the drawing pad (own_image_sources.mjs) goes through
// lib/preprocess.mjs (each step drawn), then the worker's engine classifies it (predictPixels)
// and returns its feature maps, drawn in the notebook's grid. It is asked again when the weights
// change (after each epoch, and every few seconds while training while the panel is on screen:
// one image, so training hardly notices; bench/page_panels.mjs measures it).
import { preprocess } from '../lib/preprocess.mjs';
import { FASHION_MNIST_CLASSES } from '../lib/datasets.mjs';
import { t, formatPercent } from '../lib/i18n.mjs';
import { drawFeatureGrid } from './feature_maps.mjs';
import { mountPictureSources } from './own_image_sources.mjs';

const REFRESH_MS = 3000;  // live prediction while training
const MAX_SIDE = 448;  // photos are drawn at most this large before preprocessing: fast, and
// still 16× the model's 28×28
const STEP_CSS = 96;  // displayed size of each step's canvas

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

// Draws a preprocess image ({width, height, channels, data} in [0, 1]) pixel-sharp.
function drawImage(canvas, { width, height, channels, data }) {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    for (let k = 0; k < 3; k++) image.data[p * 4 + k] = Math.round(255 * data[p * channels + (channels === 3 ? k : 0)]);
    image.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

// The RGBA pixels of a picture file, at most MAX_SIDE on its long side.
async function readPicture(blob) {
  const bitmap = await createImageBitmap(blob);
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale)), height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close?.();
  return ctx.getImageData(0, 0, width, height);
}

export function mountOwnImagePanel(root, { store, actions }) {
  const $ = (id) => root.querySelector(`#${id}`);
  const panel = $('own-image-panel');
  if (!panel) return;
  let picture = null;  // RGBA of the student's image
  let seq = 0, last = 0;

  const status = (key, params) => { $('own-image-status').textContent = key ? t(key, params) : ''; };

  function step(name, image) {
    const figure = el('figure', 'own-step');
    const canvas = el('canvas', 'own-step-canvas');
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', t('ownImage.step.alt', { what: name, h: image.height, w: image.width }));
    canvas.style.width = canvas.style.height = `${STEP_CSS}px`;
    drawImage(canvas, image);
    figure.append(canvas, el('figcaption', null, name));
    return figure;
  }

  function exampleOf(data, label) {
    const index = Array.prototype.indexOf.call(data.testLabels, label);
    if (index < 0) return null;
    const [h, w, c] = data.imageShape;
    const size = h * w * c;
    const pixels = Float32Array.from(data.testImages.subarray(index * size, (index + 1) * size), (v) => v / 255);
    return { index, image: { width: w, height: h, channels: c, data: pixels } };
  }

  function drawProbabilities(probabilities, classes, best) {
    const list = el('ol', 'own-bars');
    list.setAttribute('aria-label', t('ownImage.probabilities'));
    probabilities.forEach((p, i) => {
      const item = el('li', i === best ? 'own-bar cl-selected' : 'own-bar');
      const name = el('span', 'own-bar-label', classes[i] ?? String(i));
      const meter = el('meter');
      meter.min = 0;
      meter.max = 1;
      meter.value = p;
      const percent = formatPercent(p, 1);
      meter.setAttribute('aria-label', `${classes[i] ?? i}: ${percent}`);
      item.append(name, meter, el('span', 'own-bar-value', percent));
      list.append(item);
    });
    $('own-image-probabilities').replaceChildren(el('h3', null, t('ownImage.probabilities')), list);
  }

  async function refresh() {
    const { model, data } = store.get();
    if (!picture) return;
    if (!model || !data) { status('ownImage.waiting'); return; }
    const mine = ++seq;
    last = performance.now();
    const steps = preprocess(picture, { shape: data.imageShape, square: $('own-image-square').value, invert: $('own-image-invert').checked });
    const pixels = steps.input.data;
    const layers = model.layers.slice(0, 4).map((_, i) => i);
    let r;
    try {
      const copy = pixels.slice();  // transferred; the panel keeps its own for the drawings
      r = await actions.request('predictPixels', { pixels: copy, layers }, [copy.buffer]);
    } catch (e) {
      if (mine === seq) status(e.code ?? 'engine.error', e.params ?? { detail: e.message });
      return;
    }
    if (mine !== seq || store.get().model !== model) return;
    const classes = data.classes ?? FASHION_MNIST_CLASSES;
    const best = r.probabilities.reduce((b, p, i, a) => (p > a[b] ? i : b), 0);
    const original = { width: picture.width, height: picture.height, channels: 3, data: Float32Array.from({ length: picture.width * picture.height * 3 }, (_, i) => picture.data[Math.floor(i / 3) * 4 + (i % 3)] / 255) };
    const [h, w] = data.imageShape;
    const figures = [
      step(t('ownImage.step.original'), original),
      step(t(steps.colour.channels === 1 ? 'ownImage.step.colour.grey' : 'ownImage.step.colour.rgb'), steps.colour),
      step(t('ownImage.step.square', { size: steps.square.width }), steps.square),
      step(t('ownImage.step.resized', { h, w }), steps.resized),
      step(t($('own-image-invert').checked ? 'ownImage.step.inputInverted' : 'ownImage.step.input'), steps.input),
    ];
    const example = exampleOf(data, best);
    if (example) figures.push(step(t('ownImage.step.example', { label: classes[best], index: example.index }), example.image));
    $('own-image-steps').replaceChildren(...figures);
    drawProbabilities(r.probabilities, classes, best);
    status('ownImage.prediction', { label: classes[best], percent: formatPercent(r.probabilities[best], 1) });
    const filter = Math.max(0, Number(root.querySelector('#map-filter')?.value) || 0);
    const grey = steps.input.channels === 1 ? pixels : Float32Array.from({ length: h * w }, (_, p) => pixels[p * 3]);
    drawFeatureGrid($('own-image-maps'), {
      images: [{ index: t('ownImage.rowName'), label: classes[best], pixels: grey }], layers: r.layers, maps: [r.maps], filter,
      caption: t('ownImage.mapsCaption', { filter }), inputShape: [h, w],
    });
    // For the e2e test: exactly what went to the engine and what came back.
    panel.ownImage = { pixels, probabilities: r.probabilities, best };
    // The step-through panel can slide its window over this image too (a new object only
    // when the pixels change, so a live refresh does not make it ask again).
    const shared = store.get().ownImage;
    if (!shared || shared.pixels.length !== pixels.length || shared.pixels.some((v, i) => v !== pixels[i])) actions.setView({ ownImage: { pixels } });
  }

  async function take(blob) {
    if (!blob) return;
    try {
      picture = await readPicture(blob);
    } catch {
      status('ownImage.notImage', { name: blob.name ?? blob.type ?? '' });
      return;
    }
    refresh();
  }

  mountPictureSources(panel, { take: (imageData) => { picture = imageData; refresh(); }, status });
  $('own-image-file').addEventListener('change', (e) => take(e.target.files?.[0]));
  panel.addEventListener('dragover', (e) => { e.preventDefault(); panel.classList.add('own-dragging'); });
  panel.addEventListener('dragleave', () => panel.classList.remove('own-dragging'));
  panel.addEventListener('drop', (e) => {
    e.preventDefault();
    panel.classList.remove('own-dragging');
    take([...(e.dataTransfer?.files ?? [])].find((f) => f.type.startsWith('image/')));
  });
  // A pasted image anywhere on the page (text pastes, into the code editor, are left alone).
  root.addEventListener('paste', (e) => {
    const item = [...(e.clipboardData?.items ?? [])].find((i) => i.kind === 'file' && i.type.startsWith('image/'));
    if (!item) return;
    e.preventDefault();
    take(item.getAsFile());
  });
  for (const id of ['own-image-invert', 'own-image-square']) $(id).addEventListener('change', refresh);
  root.querySelector('#map-filter')?.addEventListener('change', refresh);

  // Off screen (or in a hidden tab) the prediction waits: it is redrawn when the panel is seen
  // again, so a run pays for it only while the student can look at it.
  let onScreen = true, stale = false;
  const shown = () => onScreen && !document.hidden;
  const catchUp = () => { if (stale && shown()) { stale = false; refresh(); } };
  if (typeof IntersectionObserver === 'function') {
    new IntersectionObserver((entries) => { onScreen = entries.at(-1).isIntersecting; catchUp(); }).observe(panel);
  }
  document.addEventListener('visibilitychange', catchUp);

  function render(state, previous) {
    if (!picture) return;
    const newModel = state.model !== previous?.model;
    const newWeights = state.weightsVersion !== previous?.weightsVersion || newModel;
    const newEpoch = state.run && state.run.epochs.length !== previous?.run?.epochs?.length;
    const live = state.run?.progress && performance.now() - last > REFRESH_MS;
    if (!state.model || !state.data || !(newWeights || newEpoch || live)) return;
    if (shown() || newModel) refresh();
    else stale = true;
  }
  store.subscribe(render);
}
