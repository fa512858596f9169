// "A convolution, step by step": the window of a Conv2D or MaxPooling2D layer slides over the
// layer's real input (the engine's output of the layer before, or the image) for a test image
// or the student's own image (shared by the own-image panel through the store's ownImage),
// with the trained kernel, the products, their sum, the bias, the activation, and the output
// pixel the engine computed. Numbers come from the worker's stepThrough request; lib/
// conv_step.mjs only forms the products to show them.
//
// It costs nothing while closed: no requests, no timers. Open, it animates only while on
// screen and the tab is visible, and asks for new numbers at most every REFRESH_MS of a run.
import { stepConfig, geometry, convStep, poolStep, movePosition, pixelAt } from '../lib/conv_step.mjs';
import { t, formatNumber } from '../lib/i18n.mjs';
import { buildStepView, setStepMaps, drawStep, positionAt } from './stepthrough_view.mjs';

const REFRESH_MS = 3000;
const SPEEDS = [1, 2, 4, 8, 16];  // positions a second
const ALL = 'all';
const num = (v) => formatNumber(v, 3);

export function mountStepThroughPanel(root, { store, actions }) {
  const $ = (id) => root.querySelector(`#${id}`);
  const panel = $('step-panel');
  if (!panel) return;
  const body = $('step-body');
  let open = false, onScreen = true, playing = false, timer = null;
  let data = null, config = null, geo = null, view = null, viewKey = '', position = { row: 0, col: 0 };
  let seq = 0, last = 0;

  $('step-speed').replaceChildren(...SPEEDS.map((n) => new Option(t('step.speedValue', { n }), String(n))));
  $('step-speed').value = '4';

  const layerIndex = () => Number($('step-layer').value);
  const filter = () => Math.max(0, Number($('step-filter').value) || 0);
  const animating = () => open && onScreen && !document.hidden && playing;

  function fillLayers(model) {
    const select = $('step-layer');
    const options = (model?.layers ?? []).map((l, i) => ({ l, i })).filter(({ l }) => stepConfig(l.className, {}) && l.outputShape.length === 4)
      .map(({ l, i }) => new Option(`${l.name} (${l.className})`, String(i)));
    select.replaceChildren(...options);
    $('step-note').textContent = options.length ? '' : t('step.noLayers');
  }

  function fillChannels(cin) {
    const select = $('step-channel');
    const keep = select.value;
    const options = [new Option(t('step.channel.all', { cin }), ALL), ...Array.from({ length: cin }, (_, i) => new Option(t('step.channel.one', { channel: i }), String(i)))];
    select.replaceChildren(...options);
    select.value = options.some((o) => o.value === keep) ? keep : cin <= 4 ? ALL : '0';
  }

  async function fetchData() {
    const { model, data: d, ownImage } = store.get();
    if (!open || !model || !d || !$('step-layer').value) return;
    const mine = ++seq;
    last = performance.now();
    const own = $('step-source').value === 'own' && ownImage;
    const payload = { layer: layerIndex(), ...(own ? { pixels: ownImage.pixels.slice() } : { image: Number($('step-image').value) || 0 }) };
    let r;
    try {
      r = await actions.request('stepThrough', payload, own ? [payload.pixels.buffer] : []);
    } catch (e) {
      if (mine === seq) $('step-note').textContent = t(e.code ?? 'engine.error', e.params ?? { detail: e.message });
      return;
    }
    if (mine !== seq || store.get().model !== model) return;
    $('step-note').textContent = '';
    data = r;
    config = stepConfig(r.layer.className, r.layer.config);
    geo = geometry(r.input.shape, config);
    const channels = r.input.shape[2];
    const pooling = config.kind === 'pool';
    $('step-filter-label').textContent = t(pooling ? 'step.poolChannel' : 'step.filter');
    $('step-filter').max = String((pooling ? channels : r.kernel.shape[3]) - 1);
    if (filter() > Number($('step-filter').max)) $('step-filter').value = '0';
    $('step-channel-field').hidden = pooling;
    fillChannels(channels);
    $('step-row').max = String(geo.outH - 1);
    $('step-col').max = String(geo.outW - 1);
    if (position.row >= geo.outH || position.col >= geo.outW) position = { row: 0, col: 0 };
    rebuild();
  }

  // The view for the current layer, filter and channel choice, then the current position.
  function rebuild() {
    if (!data) return;
    const pooling = config.kind === 'pool';
    const cin = data.input.shape[2];
    const choice = $('step-channel').value;
    const channels = pooling ? [filter()] : choice === ALL ? Array.from({ length: cin }, (_, i) => i) : [Number(choice)];
    const margin = config.padding === 'same' ? Math.max(...config.window) - 1 : 0;
    const key = JSON.stringify([data.layer.name, data.input.shape, data.output.shape, channels]);
    if (key !== viewKey) {
      view = buildStepView($('step-view'), { kind: config.kind, window: config.window, inputShape: data.input.shape, outputShape: data.output.shape, channels, margin });
      view.outputCanvas.addEventListener('click', (e) => { pause(); go(positionAt(view, e), true); });
      viewKey = key;
    }
    setStepMaps(view, {
      input: data.input.data, inputShape: data.input.shape, inputChannel: pooling ? filter() : channels[0],
      output: data.output.data, outputShape: data.output.shape, outputChannel: filter(),
    });
    show(false);
  }

  function computeStep() {
    const common = { input: data.input.data, inputShape: data.input.shape, layer: config, ...position };
    return config.kind === 'pool'
      ? poolStep({ ...common, channel: filter() })
      : convStep({ ...common, kernel: data.kernel.data, kernelShape: data.kernel.shape, bias: data.bias, filter: filter() });
  }

  // Draws the current position; `announce`: the sentence goes to screen readers (not while
  // playing, where it would be a stream of numbers).
  function show(announce) {
    if (!data || !view) return;
    const step = computeStep();
    const engineValue = pixelAt(data.output.data, data.output.shape, position.row, position.col, filter());
    const activation = t(`step.activation.${step.activation}`) === `step.activation.${step.activation}` ? step.activation : t(`step.activation.${step.activation}`);
    const where = { row: position.row, col: position.col };
    const sentence = step.kind === 'pool'
      ? t(step.from ? 'step.say.pool' : 'step.say.poolEmpty', { ...where, count: step.count, max: num(step.output), fromRow: step.from?.iy, fromCol: step.from?.ix })
      : t('step.say.conv', { ...where, count: step.count, sum: num(step.sum), bias: num(step.bias), activation, out: num(step.output ?? engineValue) });
    const formula = step.kind === 'pool' ? t('step.formula.pool', { count: step.count })
      : t('step.formula.conv', { count: step.count, kh: config.window[0], kw: config.window[1], cin: step.channels, sum: num(step.sum), bias: num(step.bias), pre: num(step.preActivation), activation, out: num(step.output ?? engineValue) });
    drawStep(view, step, { formula, engineValue });
    const text = $('step-text');
    text.setAttribute('aria-live', announce ? 'polite' : 'off');
    text.textContent = sentence;
    $('step-row').value = String(position.row);
    $('step-col').value = String(position.col);
    // For the e2e test: what the page shows at this position, and the engine's pixel there.
    panel.stepThrough = {
      layer: data.layer.index, image: data.image, kind: step.kind, filter: filter(), row: position.row, col: position.col, outH: geo.outH, outW: geo.outW, count: step.count,
      sum: step.sum ?? null, bias: step.bias ?? null, preActivation: step.preActivation ?? null, output: step.output, engine: engineValue,
      from: step.from ? { row: step.from.iy, col: step.from.ix } : null,
    };
  }

  function go(next, announce) {
    if (!geo) return;
    position = { row: Math.min(Math.max(0, next.row), geo.outH - 1), col: Math.min(Math.max(0, next.col), geo.outW - 1) };
    show(announce);
  }

  const stepBy = (delta, announce) => geo && go(movePosition(position, delta, geo.outH, geo.outW), announce);

  function tick() {
    timer = null;
    if (!animating()) return;
    stepBy(1, false);
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    timer = animating() ? setTimeout(tick, 1000 / Number($('step-speed').value)) : null;
  }

  function setPlaying(on) {
    playing = on;
    const button = $('step-play');
    button.textContent = t(on ? 'step.pause' : 'step.play');
    button.setAttribute('aria-pressed', String(on));
    schedule();
    if (!on) show(true);
  }
  const pause = () => playing && setPlaying(false);

  function setOpen(next) {
    open = next;
    body.hidden = !open;
    $('step-open').setAttribute('aria-expanded', String(open));
    $('step-open').textContent = t(open ? 'step.close' : 'step.open');
    if (open) fetchData();
    else setPlaying(false);
    schedule();
  }

  $('step-open').addEventListener('click', () => setOpen(!open));
  $('step-play').addEventListener('click', () => setPlaying(!playing));
  $('step-back').addEventListener('click', () => { pause(); stepBy(-1, true); });
  $('step-forward').addEventListener('click', () => { pause(); stepBy(1, true); });
  $('step-speed').addEventListener('change', schedule);
  for (const id of ['step-row', 'step-col']) {
    $(id).addEventListener('change', () => { pause(); go({ row: Number($('step-row').value) || 0, col: Number($('step-col').value) || 0 }, true); });
  }
  for (const id of ['step-layer', 'step-source', 'step-image']) $(id).addEventListener('change', fetchData);
  for (const id of ['step-filter', 'step-channel']) $(id).addEventListener('change', rebuild);
  $('step-settings').addEventListener('submit', (e) => e.preventDefault());
  document.addEventListener('visibilitychange', schedule);
  if (typeof IntersectionObserver === 'function') {
    new IntersectionObserver((entries) => {
      onScreen = entries.some((e) => e.isIntersecting);
      schedule();
    }).observe(body);
  }

  function render(state, previous) {
    if (state.model !== previous?.model) {
      fillLayers(state.model);
      data = null;
      viewKey = '';
      $('step-view').replaceChildren();
    }
    const own = $('step-source').querySelector('option[value="own"]');
    own.disabled = !state.ownImage;
    if (!state.ownImage && $('step-source').value === 'own') $('step-source').value = 'test';
    if (!open || !state.model || !state.data) return;
    const newWeights = state.weightsVersion !== previous?.weightsVersion || state.model !== previous?.model;
    const newEpoch = state.run && state.run.epochs.length !== previous?.run?.epochs?.length;
    const newImage = state.ownImage !== previous?.ownImage && $('step-source').value === 'own';
    const live = state.run?.progress && onScreen && performance.now() - last > REFRESH_MS;
    if (newWeights || newEpoch || newImage || live || (state.data && !previous?.data)) fetchData();
  }
  store.subscribe(render);
  render(store.get(), null);
}
