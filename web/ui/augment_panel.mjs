// The Training panel's data augmentation and learning-rate schedule, from the code's
// datagen.flow(...) and LearningRateScheduler(...) (lib/keras_python_fit.mjs):
//  - the ImageDataGenerator's rotation, shifts, zoom and flip, editable (the next run uses them;
//    other options the code gave, such as fill_mode, are kept), with a grid of augmented samples
//    of one image drawn here on the main thread by augment.mjs (no wasm in the page's modules);
//  - the schedule's learning rate for each epoch of the run, as Keras chains it.
import { t } from '../lib/i18n.mjs';
import { ImageDataGenerator } from '../lib/augment.mjs';
import { scheduleRates } from '../lib/keras_schedule_eval.mjs';
import { pythonFloat } from '../lib/callbacks.mjs';
import { buildTable } from './data_table.mjs';

// The editable options, with the form's limits (Keras accepts more: a shift >= 1 is in pixels).
const FIELDS = [
  { key: 'rotationRange', id: 'aug-rotation', min: 0, max: 180, step: 1 },
  { key: 'widthShiftRange', id: 'aug-width-shift', min: 0, max: 100, step: 0.05 },
  { key: 'heightShiftRange', id: 'aug-height-shift', min: 0, max: 100, step: 0.05 },
  { key: 'zoomRange', id: 'aug-zoom', min: 0, max: 1, step: 0.05 },
  { key: 'horizontalFlip', id: 'aug-flip', checkbox: true },
];
const IDENTITY = { rotationRange: 0, widthShiftRange: 0, heightShiftRange: 0, zoomRange: 0, horizontalFlip: false };
export const PREVIEW_SAMPLES = 8;
const PREVIEW_IMAGE = 0; // the test set's first image (the page holds the test images, not the training ones)

function buildForm(form) {
  form.replaceChildren(...FIELDS.map((f) => {
    const label = document.createElement('label');
    const text = document.createElement('span');
    text.textContent = t(`augment.${f.key}`);
    const input = document.createElement('input');
    input.id = f.id;
    if (f.checkbox) {
      input.type = 'checkbox';
      label.className = 'check';
      label.append(input, ' ', text);
    } else {
      Object.assign(input, { type: 'number', min: String(f.min), max: String(f.max), step: String(f.step) });
      label.append(text, ' ', input);
    }
    return label;
  }));
}

// The form's values over the current options; null when nothing is left to do (no augmentation:
// the engine's own fast batches). Throws augment.mjs's error for a value it refuses.
export function augmentFrom(current, values) {
  const next = { ...(current ?? {}), ...values };
  for (const [k, v] of Object.entries(IDENTITY)) if (next[k] === v) delete next[k];
  const rest = Object.keys(next).filter((k) => k !== 'seed' && k !== 'fillMode' && k !== 'cval');
  if (!rest.length) return null;
  new ImageDataGenerator(next); // eslint-disable-line no-new -- its checks
  return next;
}

// The image (h x w x c pixels: bytes, or floats in [0, 1]) and n augmented copies of it, as
// floats in [0, 1]; seeded: the same seed and options give the same grid.
export function previewSamples(pixels, [h, w, c], augment, seed, n = PREVIEW_SAMPLES) {
  const size = h * w * c;
  const scale = pixels instanceof Uint8Array ? 1 / 255 : 1;
  const x = new Float32Array((n + 1) * size);
  for (let i = 0; i <= n; i++) for (let k = 0; k < size; k++) x[i * size + k] = pixels[k] * scale;
  new ImageDataGenerator({ ...augment, seed }).augmentBatch(x.subarray(size), n, h, w, c);
  return Array.from({ length: n + 1 }, (_, i) => x.subarray(i * size, (i + 1) * size));
}

// Each epoch's rate as Keras shows it (a Python float, 6 significant digits).
export function scheduleRows(schedule, epochs, learningRate) {
  return scheduleRates(schedule, epochs, learningRate).map((lr, i) => [String(i + 1), pythonFloat(Number(lr.toPrecision(6)))]);
}

function drawImage(canvas, data, [h, w, c]) {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(w, h);
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) image.data[p * 4 + k] = Math.round(255 * data[p * c + (c === 3 ? k : 0)]);
    image.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

export function mountAugmentPanel(root, { store, actions }) {
  const $ = (id) => root.querySelector(`#${id}`);
  const box = $('augment-box');
  const form = $('augment-settings');
  buildForm(form);
  let resample = 0;
  let drawn = null; // what the grid shows: {augment, data, seed}
  let tabled = null;
  let opened = null; // the parsed code the box was last opened for

  form.addEventListener('submit', (e) => e.preventDefault());
  form.addEventListener('change', () => {
    const values = {};
    for (const f of FIELDS) {
      const input = $(f.id);
      values[f.key] = f.checkbox ? input.checked : input.value === '' ? 0 : Number(input.value);
    }
    try {
      actions.setAugment(augmentFrom(store.get().augment, values));
      $('augment-error').textContent = '';
    } catch (e) {
      $('augment-error').textContent = t('augment.invalid', { detail: e.message });
    }
  });
  $('augment-resample').addEventListener('click', () => { resample++; drawn = null; render(store.get()); });

  function showForm(augment) {
    for (const f of FIELDS) {
      const input = $(f.id);
      if (document.activeElement === input) continue;
      const v = augment?.[f.key] ?? IDENTITY[f.key];
      if (f.checkbox) input.checked = Boolean(v);
      else input.value = Array.isArray(v) ? '' : String(v);
      if (!f.checkbox) input.placeholder = Array.isArray(v) ? v.join('–') : '';
    }
  }

  function drawPreview(state) {
    const { augment, data } = state;
    const seed = (state.settings.seed ?? 1) + resample;
    if (drawn && drawn.augment === augment && drawn.data === data && drawn.seed === seed) return;
    drawn = { augment, data, seed };
    const grid = $('augment-preview');
    $('augment-off').hidden = Boolean(augment);
    grid.hidden = !augment || !data?.testImages;
    $('augment-resample').hidden = grid.hidden;
    if (grid.hidden) return grid.replaceChildren();
    const shape = data.imageShape ?? [28, 28, 1];
    const size = shape[0] * shape[1] * shape[2];
    const pixels = data.testImages.subarray(PREVIEW_IMAGE * size, (PREVIEW_IMAGE + 1) * size);
    const samples = previewSamples(pixels, shape, augment, seed);
    grid.replaceChildren(...samples.map((sample, i) => {
      const figure = document.createElement('figure');
      const canvas = document.createElement('canvas');
      canvas.className = i === 0 ? 'augment-original' : 'augment-sample';
      drawImage(canvas, sample, shape);
      const caption = document.createElement('figcaption');
      caption.textContent = i === 0 ? t('augment.original') : t('augment.sample', { n: i });
      canvas.setAttribute('aria-label', caption.textContent);
      figure.append(canvas, caption);
      return figure;
    }));
  }

  function drawSchedule(state) {
    const schedule = state.parsed?.fit?.schedule ?? null;
    const { epochs, learningRate } = state.settings;
    if (tabled && tabled.schedule === schedule && tabled.epochs === epochs && tabled.learningRate === learningRate) return;
    tabled = { schedule, epochs, learningRate };
    $('schedule-box').hidden = !schedule;
    $('schedule-error').textContent = '';
    $('schedule-table').replaceChildren();
    if (!schedule) return;
    $('schedule-hint').textContent = t('schedule.hint', { name: schedule.name === 'lambda' ? 'lambda' : `${schedule.name}(epoch)` });
    try {
      const rows = scheduleRows(schedule, epochs, learningRate);
      $('schedule-table').append(buildTable({ headers: [t('schedule.epoch'), t('schedule.rate')], rows, rowHeaders: true, className: 'schedule' }));
    } catch (e) {
      $('schedule-error').textContent = t('schedule.error', { detail: e.message });
    }
  }

  function render(state, previous) {
    if (state.parsed !== opened && (state.parsed?.fit?.augment || state.parsed?.fit?.schedule)) box.open = true;
    opened = state.parsed;
    if (!previous || state.augment !== previous.augment) showForm(state.augment);
    if (!box.open) return;
    drawPreview(state);
    drawSchedule(state);
  }
  box.addEventListener('toggle', () => render(store.get()));
  store.subscribe(render);
  render(store.get(), null);
}
