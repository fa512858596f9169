// The Feature maps panel: the notebook's grid (test images × the first four layers, one filter),
// every filter of one layer, and the first Conv2D's kernels. Maps always describe the current
// weights: a new model clears them at once, and a reply for older weights is dropped.
import { drawFeatureGrid, drawAllFilters, drawKernels } from './feature_maps.mjs';
import { FASHION_MNIST_CLASSES } from '../lib/datasets.mjs';
import { t, className, formatNumber } from '../lib/i18n.mjs';
import { createKernelHistory, largestChange, drawKernelValues } from './kernel_history.mjs';

// Live maps while training: not every batch, and only while the panel is on screen (each
// refresh asks the Worker for three layer outputs between batches and redraws ~50 canvases).
const REFRESH_MS = 2000;

export function parseImageList(text) {
  return String(text).split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n >= 0).slice(0, 6);
}

export function mountMapsPanel(root, { store, actions }) {
  const $ = (id) => root.querySelector(`#${id}`);
  let seq = 0, last = 0;
  // Kernels of the chosen layer after each epoch; the slider shows one (the last: follow live).
  const history = createKernelHistory();
  let pendingSnapshot = null;
  let latest = null;  // the kernels as they are now: the slider's last position

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
    const conv = Number($('kernel-layer').value);
    if ($('kernel-layer').value !== '') {
      const snapshot = pendingSnapshot;
      pendingSnapshot = null;
      // Not dropped for a newer refresh (as maps are): each reply may carry a snapshot.
      jobs.push(actions.request('kernels', { layer: conv }).then((m) => {
        if (store.get().model !== model || String(conv) !== $('kernel-layer').value) return;
        const following = Number($('kernel-history').value) >= history.length;
        if (snapshot) history.add(snapshot, m.layer.shape, m.data);
        latest = { shape: m.layer.shape, data: m.data };
        showKernels(following);
      }));
    } else {
      note($('kernels'), 'maps.noConv');
    }
    for (const job of jobs) job.catch((e) => { if (current()) note($('feature-grid'), e.code ?? 'engine.error', e.params ?? { detail: e.message }); });
  }

  for (const id of ['map-images', 'map-filter', 'map-layer', 'map-image']) $(id).addEventListener('change', refresh);

  function fillKernelChannels(cin) {
    const select = $('kernel-channel');
    if (select.options.length === cin + 1) return;
    select.replaceChildren(...Array.from({ length: cin }, (_, i) => new Option(t('step.channel.one', { channel: i }), String(i))),
      new Option(t('kernels.channel.mean'), 'mean'));
  }

  // The snapshot under the slider (the newest when `follow`), drawn as colours and, when
  // asked for, as a table of values.
  function showKernels(follow) {
    if (!latest) return;
    const slider = $('kernel-history');
    slider.max = String(history.length);
    if (follow) slider.value = slider.max;
    const index = Number(slider.value);
    const list = [...history.list, { label: { code: 'kernels.snapshot.now' }, ...latest }];
    const snap = list[index];
    const name = model().layers[Number($('kernel-layer').value)]?.name;
    fillKernelChannels(snap.shape[2]);
    const channel = $('kernel-channel').value === 'mean' ? 'mean' : Number($('kernel-channel').value) || 0;
    drawKernels($('kernels'), { shape: snap.shape, data: snap.data, name, inputChannel: channel });
    const change = index > 0 ? largestChange(list[index - 1], snap) : null;
    $('kernel-history-label').textContent = t(change === null ? 'kernels.snapshot' : 'kernels.snapshotChange', {
      label: t(snap.label), index: index + 1, count: list.length, change: formatNumber(change ?? 0, 4),
    });
    slider.setAttribute('aria-valuetext', t(snap.label));
    if (!$('kernel-values').hidden) drawKernelValues($('kernel-values'), { shape: snap.shape, data: snap.data, inputChannel: channel, name });
  }
  const model = () => store.get().model;

  $('kernel-history').addEventListener('input', () => showKernels(false));
  $('kernel-channel').addEventListener('change', () => showKernels(false));
  $('kernel-layer').addEventListener('change', () => { history.clear(); latest = null; refresh(); });
  $('kernel-values-toggle').addEventListener('click', () => {
    const box = $('kernel-values');
    box.hidden = !box.hidden;
    $('kernel-values-toggle').setAttribute('aria-expanded', String(!box.hidden));
    $('kernel-values-toggle').textContent = t(box.hidden ? 'kernels.showValues' : 'kernels.hideValues');
    if (box.hidden) box.replaceChildren();
    else showKernels(false);
  });
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
      const convs = (state.model?.layers ?? []).map((l, i) => ({ l, i })).filter(({ l }) => l.className === 'Conv2D');
      $('kernel-layer').replaceChildren(...convs.map(({ l, i }) => new Option(`${l.name} (${l.className})`, String(i))));
      history.clear();
      latest = null;
      pendingSnapshot = { code: 'kernels.snapshot.initial' };
    }
    // A fresh Train starts from new weights: the history starts again. Its first snapshot
    // waits for the run's first progress: before that the worker may still hold the old model.
    const firstProgress = state.run?.progress && !previous?.run?.progress;
    if (firstProgress && state.run.fresh) {
      history.clear();
      pendingSnapshot = { code: 'kernels.snapshot.start', params: { run: state.run.id } };
    }
    if (state.run && state.run.epochs.length !== (previous?.run?.epochs?.length ?? 0)) {
      pendingSnapshot = { code: 'kernels.snapshot.epoch', params: { epoch: state.run.priorEpochs + state.run.epochs.length } };
    }
    const newWeights = state.weightsVersion !== previous?.weightsVersion;
    const newEpoch = state.run && state.run.epochs.length !== previous?.run?.epochs?.length;
    const dataArrived = state.data && state.data !== previous?.data;
    const live = state.run?.progress && shown() && performance.now() - last > REFRESH_MS;
    if (state.model && state.data && (newWeights || newEpoch || dataArrived || live || firstProgress)) refresh();
  }
  store.subscribe(render);
  render(store.get(), null);
}
