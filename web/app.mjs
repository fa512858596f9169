// The page: wires the controls and views to the training Worker. It never touches wasm; the
// Worker never touches the DOM (see worker/protocol.mjs for the messages).
import { PRESETS } from './lib/presets.mjs';
import { FASHION_MNIST_CLASSES } from './lib/datasets.mjs';
import { parseKerasPython, isKerasPython } from './lib/keras_python.mjs';
import { configToPython, layerNames } from './ui/model_code.mjs';
import { createCurves } from './ui/curves.mjs';
import { joinCurveTables, renderTable } from './ui/data_table.mjs';
import { drawFeatureGrid, drawAllFilters, drawKernels } from './ui/feature_maps.mjs';
import { confusionMatrix, perClassAccuracy, misclassified, drawConfusion, drawPerClass, drawMisclassified } from './ui/evaluation.mjs';
import { createExperimentsTable, architectureString } from './ui/experiments.mjs';
import { createRunsPanel } from './ui/runs_panel.mjs';
import { configFromHash, shareSetup, PANELS } from './embed/config.mjs';
import { createHeartbeat } from './worker/heartbeat.mjs';

const $ = (id) => document.getElementById(id);
const MAP_REFRESH_MS = 2000;  // live feature maps while training: cheap, but not every batch

const app = {
  worker: null, state: 'starting', ready: false, model: null, data: null, workerFailure: null, wasmHeap: 0,
  run: null, runs: [], lastMaps: 0, mapRequest: 0, parsed: null,
  // The setup from the URL hash (embed.html, shared links); autostart fires once.
  embed: configFromHash(location.hash), autostarted: false, exports: new Map(), importing: null,
};

const curves = { loss: createCurves($('loss-chart'), { metric: 'loss' }), accuracy: createCurves($('accuracy-chart'), { metric: 'accuracy' }) };
const experiments = createExperimentsTable($('experiments'), { onToggleOverlay: toggleOverlay });

function status(text) { $('status').textContent = text; }

// ---- worker ----------------------------------------------------------------------------------

function startWorker() {
  const worker = new Worker(new URL('./worker/train_worker.mjs', import.meta.url), { type: 'module' });
  app.worker = worker;
  // A replaced worker's last queued messages (a 'state', a late 'progress') are ignored: they
  // would restart the heartbeat on, or change the state of, the fresh worker.
  worker.onmessage = (e) => {
    if (worker !== app.worker) return;
    app.heartbeat.alive();
    onEvent(e.data);
  };
  worker.onerror = (e) => {
    e.preventDefault?.();
    if (worker === app.worker) workerFailed(e.message ?? 'unknown error');
  };
}

// A worker that raised an error, or stopped answering the heartbeat (killed, or stuck in a loop:
// neither raises an error). The page keeps its curves, summary and experiments; a new worker
// takes over.
function workerFailed(reason) {
  app.workerFailure = reason;
  status(`The training worker failed (${app.workerFailure}). Your curves and results are kept; starting a fresh worker…`);
  app.worker.terminate();
  app.ready = false;
  setState('starting');
  startWorker();
  if (app.parsed) send({ type: 'build', config: app.parsed.config, seed: seed() });
}

// While a job runs, the page pings the worker (worker/heartbeat.mjs): 20 s without any answer
// and it counts as dead. window.convlab.heartbeat.timeoutMs changes the limit (tests).
app.heartbeat = createHeartbeat({
  ping: (seq) => send({ type: 'ping', seq }),
  onDead: (ms) => workerFailed(`it stopped answering for ${Math.round(ms / 1000)} s`),
});

const send = (msg) => app.worker.postMessage(msg);

const handlers = {
  ready(m) {
    app.ready = true;
    app.data = m;
    // After a worker failure the notice stays up: the weights trained so far went with it.
    const failure = app.workerFailure ? `The training worker failed (${app.workerFailure}) and was restarted with a freshly initialised model; curves and results are kept. ` : '';
    status(`${failure}Ready: ${m.trainCount.toLocaleString()} training and ${m.testCount.toLocaleString()} test images of Fashion-MNIST.`);
    setState(app.state === 'starting' ? 'idle' : app.state);
    requestMaps();
    maybeAutostart();
  },
  model(m) {
    app.model = m;
    $('summary').textContent = m.summary;
    $('model-error').textContent = '';
    const select = $('map-layer');
    select.replaceChildren(...m.layers.map((l, i) => new Option(`${l.name} (${l.className})`, String(i))));
    requestMaps();
    updateButtons();
    app.importing?.resolve();
    maybeAutostart();
  },
  state(m) { setState(m.state); },
  exported(m) {
    app.exports.get(m.id)?.(m);
    app.exports.delete(m.id);
  },
  progress(m) {
    for (const p of m.points) {
      if (app.run.losses.length < 100) app.run.losses.push(p.loss);  // the first losses, for reproducibility checks
      curves.loss.addBatch(p.step, p.loss);
      curves.accuracy.addBatch(p.step, p.accuracy);
    }
    const done = m.epoch * m.batches + m.batch + 1;
    $('progress').value = done / (m.epochs * m.batches);
    $('progress-text').textContent = `Epoch ${m.epoch + 1}/${m.epochs} · batch ${m.batch + 1}/${m.batches} · ` +
      `loss ${m.logs.loss.toFixed(4)} · accuracy ${m.logs.accuracy.toFixed(4)} · ` +
      `${Math.round(m.imagesPerSecond).toLocaleString()} img/s · ETA ${formatSeconds(m.etaSeconds)}`;
    app.run.batches = m.batches;
    if (performance.now() - app.lastMaps > MAP_REFRESH_MS) requestMaps();
  },
  epoch(m) {
    const step = (m.epoch + 1) * app.run.batches;
    curves.loss.addEpoch(step, { train: m.logs.loss, val: m.logs.val_loss });
    curves.accuracy.addEpoch(step, { train: m.logs.accuracy, val: m.logs.val_accuracy });
    app.run.epochs.push({ step, ...m.logs });
    app.run.seconds.push(m.seconds);
    requestMaps();
  },
  done(m) {
    const run = app.run;
    const last = run.epochs.at(-1) ?? {};
    $('progress-text').textContent += ` · test accuracy ${m.test.accuracy.toFixed(4)}`;
    status(m.stopReason && m.stopReason !== 'stopped' ? m.stopReason : `Finished in ${formatSeconds(m.seconds)}: test loss ${m.test.loss.toFixed(4)}, test accuracy ${m.test.accuracy.toFixed(4)}.`);
    if (run.epochs.length) {
      run.id = app.runs.length + 1;
      app.runs.push(run);
      experiments.add({
        id: run.id, name: `#${run.id}`, architecture: run.architecture, params: app.model.params,
        epochs: run.epochs.length, secondsPerEpoch: run.seconds.reduce((a, b) => a + b, 0) / run.seconds.length,
        trainAccuracy: last.accuracy, testAccuracy: m.test.accuracy,
      });
    }
    requestMaps();
  },
  featureMaps(m) {
    if (m.id !== app.mapRequest || !app.data) return;
    const [h, w] = app.data.imageShape;
    const images = m.images.map((index) => ({
      index, label: FASHION_MNIST_CLASSES[app.data.testLabels[index]],
      pixels: Float32Array.from(app.data.testImages.subarray(index * h * w, (index + 1) * h * w), (v) => v / 255),
    }));
    drawFeatureGrid($('feature-grid'), { images, layers: m.layers, maps: m.maps, filter: m.filter });
  },
  allFilters(m) { drawAllFilters($('all-filters'), { name: m.layer.name, shape: m.layer.shape, data: m.data }); },
  kernels(m) { drawKernels($('kernels'), { shape: m.layer.shape, data: m.data }); },
  evaluation(m) {
    const labels = app.data.testLabels;
    const classes = m.classes;
    const predicted = new Float32Array(labels.length);
    for (let i = 0; i < labels.length; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (m.probabilities[i * classes + c] > m.probabilities[i * classes + best]) best = c;
      predicted[i] = best;
    }
    const matrix = confusionMatrix(labels, predicted, classes);
    $('eval-summary').textContent = `Test loss ${m.loss.toFixed(4)} · test accuracy ${m.accuracy.toFixed(4)}`;
    drawConfusion($('confusion'), matrix, FASHION_MNIST_CLASSES);
    drawPerClass($('per-class'), perClassAccuracy(matrix), FASHION_MNIST_CLASSES);
    const [h, w] = app.data.imageShape;
    drawMisclassified($('misclassified'), misclassified(labels, m.probabilities, classes, 24),
      (index) => Float32Array.from(app.data.testImages.subarray(index * h * w, (index + 1) * h * w), (v) => v / 255),
      FASHION_MNIST_CLASSES);
  },
  memory(m) { app.wasmHeap = m.wasmHeap; },  // asked for by the soak test
  error(m) {
    if (m.during === 'import' && app.importing) return app.importing.reject(new Error(m.message));
    if (m.during === 'exportModel') {
      for (const settle of app.exports.values()) settle({ error: new Error(m.message) });
      return app.exports.clear();
    }
    const where = m.during === 'build' ? 'model-error' : 'train-error';
    $(where).textContent = m.during === 'build' ? pointAtLine(m.message) : m.message;
    if (m.during === 'load') status(m.message);
  },
};

function onEvent(m) {
  handlers[m.type]?.(m);
}

// ---- state and controls ----------------------------------------------------------------------

function setState(state) {
  app.state = state;
  if (state === 'training' || state === 'paused') app.heartbeat.start();
  else app.heartbeat.stop();
  updateButtons();
}

function updateButtons() {
  const s = app.state;
  const can = {
    train: app.ready && app.model && s === 'idle', pause: s === 'training', resume: s === 'paused',
    step: s === 'paused', stop: s === 'training' || s === 'paused', reset: app.model && s !== 'starting',
    evaluate: app.ready && app.model && s === 'idle',
  };
  for (const [id, enabled] of Object.entries(can)) $(id).disabled = !enabled;
  $('editor').readOnly = s === 'training' || s === 'paused';
  runsPanel?.setEnabled(Boolean(app.model && s === 'idle'));
}

function seed() {
  const v = Number($('seed').value);
  return Number.isInteger(v) && v >= 0 ? v : 1;
}

function settings() {
  const num = (id) => ($(id).value === '' ? null : Number($(id).value));
  return {
    epochs: num('epochs'), batchSize: num('batch-size'), optimizer: $('optimizer').value,
    learningRate: num('learning-rate'), validationSplit: num('validation-split') ?? 0, threshold: num('threshold'),
    samples: num('samples'),
  };
}

function startTraining() {
  $('train-error').textContent = '';
  app.workerFailure = null;
  app.run = {
    architecture: architectureString(app.model.layers.map((l) => ({ ...l, ...layerArgs(l.name) }))),
    epochs: [], seconds: [], batches: 1, losses: [],
  };
  curves.loss.reset();  // overlays of earlier runs stay
  curves.accuracy.reset();
  send({ type: 'train', ...settings() });
}

function layerArgs(name) {
  const config = app.parsed?.config;
  if (!config) return {};
  const index = layerNames(config).indexOf(name);
  const entry = config.layers[index];
  return typeof entry === 'object' ? Object.values(entry)[0] : {};
}

function toggleOverlay(id, on) {
  const run = app.runs.find((r) => r.id === id);
  if (!run) return;
  if (on) {
    curves.loss.addOverlay(`#${run.id} loss`, run.epochs.map((e) => [e.step, e.loss]));
    curves.accuracy.addOverlay(`#${run.id} accuracy`, run.epochs.map((e) => [e.step, e.accuracy]));
  } else {
    curves.loss.removeOverlay(`#${run.id} loss`);
    curves.accuracy.removeOverlay(`#${run.id} accuracy`);
  }
}

function requestMaps() {
  if (!app.ready || !app.model) return;
  app.lastMaps = performance.now();
  const images = $('map-images').value.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n));
  const filter = Math.max(0, Number($('map-filter').value) || 0);
  const convLike = app.model.layers.slice(0, 4).map((_, i) => i);
  app.mapRequest += 1;
  send({ type: 'featureMaps', id: app.mapRequest, images: images.slice(0, 6), layers: convLike, filter });
  const layer = Number($('map-layer').value) || 0;
  send({ type: 'allFilters', id: app.mapRequest, image: Number($('map-image').value) || 0, layer });
  const firstConv = app.model.layers.findIndex((l) => l.className === 'Conv2D');
  if (firstConv >= 0) send({ type: 'kernels', id: app.mapRequest, layer: firstConv });
}

// ---- model editor ----------------------------------------------------------------------------

// Engine errors start with the layer's name ("dense: Dense expects ..."): add its source line.
function pointAtLine(message) {
  if (!app.parsed?.layerLines) return message;
  const name = message.split(':')[0];
  const index = layerNames(app.parsed.config).indexOf(name);
  const line = app.parsed.layerLines[index];
  return line ? `line ${line}: ${message}` : message;
}

let editTimer = null;
function onEdit() {
  clearTimeout(editTimer);
  editTimer = setTimeout(buildFromEditor, 350);
}

function buildFromEditor() {
  const text = $('editor').value;
  try {
    if (isKerasPython(text)) {
      app.parsed = parseKerasPython(text);
      applyScript(app.parsed);
    } else {
      app.parsed = { config: JSON.parse(text), layerLines: null };
    }
  } catch (e) {
    $('model-error').textContent = e.message;
    return;
  }
  $('model-error').textContent = '';
  if (app.state === 'idle' || app.state === 'starting') send({ type: 'build', config: app.parsed.config, seed: seed() });
}

// model.compile(...) and model.fit(...) in the pasted code fill the training form.
function applyScript({ compile, fit }) {
  // A plain name, or {class_name, config} when the code sets more than the learning rate (the
  // form offers only the name and the rate, which is what the course varies).
  const optimizer = compile?.optimizer;
  const name = typeof optimizer === 'string' ? optimizer : optimizer?.class_name;
  if (name) $('optimizer').value = name.toLowerCase();
  const rate = compile?.learningRate ?? optimizer?.config?.learning_rate;
  if (rate) $('learning-rate').value = rate;
  if (fit?.epochs) $('epochs').value = fit.epochs;
  if (fit?.batchSize) $('batch-size').value = fit.batchSize;
  if (fit?.validationSplit !== undefined && fit?.validationSplit !== null) $('validation-split').value = fit.validationSplit;
}

function loadPreset(name) {
  $('editor').value = configToPython(PRESETS[name]);
  buildFromEditor();
}

function formatSeconds(s) {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

// ---- wiring ----------------------------------------------------------------------------------

const presetSelect = $('preset');
for (const name of Object.keys(PRESETS)) if (name !== 'cifar-bn-dropout') presetSelect.add(new Option(name, name));
presetSelect.value = app.embed.config.model in PRESETS ? app.embed.config.model : 'lab';
presetSelect.addEventListener('change', () => loadPreset(presetSelect.value));
$('editor').addEventListener('input', onEdit);
$('seed').addEventListener('change', buildFromEditor);
$('train').addEventListener('click', startTraining);
for (const cmd of ['pause', 'resume', 'step', 'stop', 'reset']) $(cmd).addEventListener('click', () => send({ type: cmd }));
$('evaluate').addEventListener('click', () => send({ type: 'evaluate' }));
for (const id of ['map-images', 'map-filter', 'map-layer', 'map-image']) $(id).addEventListener('change', requestMaps);
$('curves-table-toggle').addEventListener('click', () => {
  const table = $('curves-table');
  table.hidden = !table.hidden;
  $('curves-table-toggle').setAttribute('aria-expanded', String(!table.hidden));
  $('curves-table-toggle').textContent = table.hidden ? 'Show the data as a table' : 'Hide the data table';
  if (!table.hidden) renderTable(table, joinCurveTables(curves.loss.dataTable(), curves.accuracy.dataTable()));
});

// ---- saved runs ------------------------------------------------------------------------------

function exportModel() {
  const id = app.exports.size + performance.now();  // any id not in flight
  return new Promise((ok) => {
    app.exports.set(id, ok);
    send({ type: 'exportModel', id });
  });
}

async function snapshot() {
  const { modelJson, weightData, error } = await exportModel();
  if (error) throw error;
  const run = app.runs.at(-1);
  const preset = $('preset').value;
  return {
    name: `${run?.architecture ?? preset} · ${new Date().toLocaleString()}`, modelJson, weightData,
    code: $('editor').value, settings: { ...settings(), seed: seed() }, history: run?.epochs ?? [],
  };
}

// The worker builds the saved model; only when it accepts does the page take the run's code,
// settings and curves (a bad file leaves everything as it was).
async function restore(run) {
  if (app.state !== 'idle') throw new Error('stop training before restoring a run');
  await new Promise((resolve, reject) => {
    app.importing = { resolve, reject };
    send({ type: 'import', modelJson: run.modelJson, weightData: run.weightData.slice(0), seed: run.settings?.seed ?? seed() });
  }).finally(() => { app.importing = null; });
  const code = run.code ?? JSON.stringify(app.model.config ?? run.modelJson.modelTopology);
  $('editor').value = code;
  try {
    app.parsed = isKerasPython(code) ? parseKerasPython(code) : { config: JSON.parse(code), layerLines: null };
  } catch {
    app.parsed = { config: app.model.config, layerLines: null };
  }
  applyConfig(run.settings ?? {});
  curves.loss.reset();
  curves.accuracy.reset();
  for (const e of run.history ?? []) {
    curves.loss.addEpoch(e.step, { train: e.loss, val: e.val_loss });
    curves.accuracy.addEpoch(e.step, { train: e.accuracy, val: e.val_accuracy });
  }
}

const runsPanel = createRunsPanel(document, { snapshot, restore });

// ---- embedding and sharing -------------------------------------------------------------------

// Training settings and view options from a config (config.mjs's fields), onto the forms.
function applyConfig(config) {
  const set = (id, v) => { if (v !== undefined && v !== null) $(id).value = String(v); };
  set('epochs', config.epochs);
  set('batch-size', config.batchSize);
  set('learning-rate', config.learningRate);
  set('validation-split', config.validationSplit);
  set('threshold', config.threshold);
  set('samples', config.samples);
  set('seed', config.seed);
  set('optimizer', config.optimizer);
  set('map-filter', config.filter);
  if (config.images?.length) $('map-images').value = config.images.join(', ');
}

function applyLayout(config) {
  const hideElement = (el) => {
    if (!el) return;
    el.hidden = true;
    // A control's label goes with it: wrapping or pointing at it.
    (el.closest('label') ?? document.querySelector(`label[for="${el.id}"]`))?.setAttribute('hidden', '');
  };
  if (config.show?.length) {
    for (const [name, id] of Object.entries(PANELS)) if (!config.show.includes(name)) $(id).hidden = true;
  }
  for (const name of config.hide ?? []) hideElement($(PANELS[name] ?? name));
  document.body.classList.toggle('compact', Boolean(config.compact));
}

function maybeAutostart() {
  if (!app.embed.config.autostart || app.autostarted || !app.ready || !app.model || app.state !== 'idle') return;
  app.autostarted = true;
  startTraining();
}

function loadInitialModel(model) {
  if (!model || model in PRESETS) return loadPreset(model && model in PRESETS ? model : 'lab');
  $('editor').value = model;
  buildFromEditor();
}

function currentSetup() {
  const preset = $('preset').value;
  const code = $('editor').value;
  const num = (id) => ($(id).value === '' ? undefined : Number($(id).value));
  return {
    model: code === configToPython(PRESETS[preset]) ? preset : code,
    epochs: num('epochs'), batchSize: num('batch-size'), optimizer: $('optimizer').value, learningRate: num('learning-rate'),
    validationSplit: num('validation-split'), threshold: num('threshold'), samples: num('samples'), seed: num('seed'),
    images: $('map-images').value.split(',').map((v) => Number(v.trim())).filter(Number.isInteger), filter: num('map-filter'),
    hide: $('share-hide').value.split(',').map((v) => v.trim()).filter(Boolean),
    autostart: $('share-autostart').checked, compact: $('share-compact').checked,
  };
}

$('share').addEventListener('click', () => {
  const { pageUrl, iframe, element } = shareSetup(currentSetup(), new URL('.', location.href));
  $('share-url').value = pageUrl;
  $('share-iframe').value = iframe;
  $('share-element').value = element;
  $('share-output').hidden = false;
  $('share-url').focus();
  $('share-url').select();
});

// The app shell, wasm and Fashion-MNIST are cached by a service worker, so that a second
// visit works offline. Registration failing (file://, private mode) only loses that.
if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol)) {
  navigator.serviceWorker.register(new URL('./sw.js', import.meta.url)).catch(() => {});
}

window.convlab = app;  // for the e2e tests and the curious
if (app.embed.problems.length) status(`Setup: ${app.embed.problems.join('; ')}`);
applyConfig(app.embed.config);
applyLayout(app.embed.config);
startWorker();
setState('starting');
loadInitialModel(app.embed.config.model);
