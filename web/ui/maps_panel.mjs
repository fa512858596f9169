// The Feature maps panel: the notebook's grid (test images × the first four layers, one filter),
// every filter of one layer, and the first Conv2D's kernels. Maps always describe the current
// weights: a new model clears them at once, and a reply for older weights is dropped.
import { drawFeatureGrid, drawAllFilters, drawKernels } from './feature_maps.mjs';
import { FASHION_MNIST_CLASSES } from '../lib/datasets.mjs';
import { t, className } from '../lib/i18n.mjs';

// Live maps while training: not every batch, and only while the panel is on screen (each
// refresh asks the Worker for three layer outputs between batches and redraws ~50 canvases).
const REFRESH_MS = 2000;

export function parseImageList(text) {
  return String(text).split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n >= 0).slice(0, 6);
}

export function mountMapsPanel(root, { store, actions }) {
  const $ = (id) => root.querySelector(`#${id}`);
  let seq = 0, last = 0;

  const note = (container, key, params) => {
    const p = document.createElement('p');
    p.className = 'cl-note';
    p.textContent = t(key, params);
    container.replaceChildren(p);
  };

  function clear() {
    for (const id of ['feature-grid', 'all-filters', 'kernels']) $(id).replaceChildren();
  }

  function pixelsOf(data, index) {
    const [h, w, c] = data.imageShape;
    const size = h * w * c;
    // Every channel: a colour set (CIFAR-10) shows its input row in colour.
    return Float32Array.from(data.testImages.subarray(index * size, (index + 1) * size), (v) => (data.testImages instanceof Uint8Array ? v / 255 : v));
  }

  async function refresh() {
    const { model, data } = store.get();
    if (!model || !data) return;
    const mine = ++seq;
    last = performance.now();
    const current = () => mine === seq && store.get().model === model;
    const images = parseImageList($('map-images').value);
    const filter = Math.max(0, Number($('map-filter').value) || 0);
    const layer = Number($('map-layer').value) || 0;
    const image = Number($('map-image').value) || 0;
    const classes = data.classes ?? FASHION_MNIST_CLASSES;
    const jobs = [
      actions.request('featureMaps', { images, layers: model.layers.slice(0, 4).map((_, i) => i) }).then((m) => {
        if (!current()) return;
        const list = m.images.map((index) => ({ index, label: className(classes[data.testLabels[index]]), pixels: pixelsOf(data, index) }));
        drawFeatureGrid($('feature-grid'), { images: list, layers: m.layers, maps: m.maps, filter, inputShape: data.imageShape });
      }),
      actions.request('allFilters', { image, layer }).then((m) => {
        if (current()) drawAllFilters($('all-filters'), { name: m.layer.name, shape: m.layer.shape, data: m.data, selected: filter });
      }),
    ];
    const conv = model.layers.findIndex((l) => l.className === 'Conv2D');
    if (conv >= 0) {
      jobs.push(actions.request('kernels', { layer: conv }).then((m) => {
        if (current()) drawKernels($('kernels'), { shape: m.layer.shape, data: m.data, name: m.layer.name });
      }));
    } else {
      note($('kernels'), 'maps.noConv');
    }
    for (const job of jobs) job.catch((e) => { if (current()) note($('feature-grid'), e.code ?? 'engine.error', e.params ?? { detail: e.message }); });
  }

  for (const id of ['map-images', 'map-filter', 'map-layer', 'map-image']) $(id).addEventListener('change', refresh);

  // On screen again during a run: the maps catch up at once.
  let onScreen = true;
  const shown = () => onScreen && !document.hidden;
  const catchUp = () => { if (shown() && store.get().run?.progress && performance.now() - last > REFRESH_MS) refresh(); };
  if (typeof IntersectionObserver === 'function') {
    new IntersectionObserver((entries) => { onScreen = entries.at(-1).isIntersecting; catchUp(); }).observe($('feature-grid').closest('section') ?? $('feature-grid'));
  }
  document.addEventListener('visibilitychange', catchUp);

  function render(state, previous) {
    if (state.model !== previous?.model) {
      clear();
      const select = $('map-layer');
      select.replaceChildren(...(state.model?.layers ?? []).map((l, i) => new Option(`${l.name} (${l.className})`, String(i))));
    }
    const newWeights = state.weightsVersion !== previous?.weightsVersion;
    const newEpoch = state.run && state.run.epochs.length !== previous?.run?.epochs?.length;
    const dataArrived = state.data && state.data !== previous?.data;
    const live = state.run?.progress && shown() && performance.now() - last > REFRESH_MS;
    if (state.model && state.data && (newWeights || newEpoch || dataArrived || live)) refresh();
  }
  store.subscribe(render);
  render(store.get(), null);
}
