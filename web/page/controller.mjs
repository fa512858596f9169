// The page's actions: what Train, Continue, Stop, Reset, Evaluate, an edit or a preset do, and
// how the worker's events and replies land in the store. No DOM and no wasm: the panels call
// these actions and draw the store; the worker is reached through `client` (page/client.mjs or
// a fake in tests), experiment rows are kept through `rowsStore` (page/experiments_store.mjs).
//
// The rules that keep runs honest:
//  - Train trains exactly the model the editor shows: an edited editor is built first (or the
//    build in flight is awaited), and a failed build refuses the run with the build's error.
//  - A run is born with an id, the code, settings, dataset and seed it uses; it ends in exactly
//    one row (finished, stopped, threshold, or failed). Its reply settles its own promise, so
//    a late result can only ever land on its own run.
//  - Anything that changes the weights (build, reset, import, a run) bumps weightsVersion; the
//    evaluation, progress and maps of older weights are dropped.
import { transition, controls, BUSY } from './lifecycle.mjs';
import { readSettings, SETTINGS } from '../lib/settings.mjs';
import { architectureString } from '../ui/experiments.mjs';
import { layerNames } from '../ui/model_code.mjs';
import { progressLine } from '../lib/progbar.mjs';
import { runRow, batchCurve } from './runs.mjs';
import { fitProblem, lossOf, datasetTitle } from './dataset_fit.mjs';
import { choiceBytes, MAX_KEPT_BYTES } from './dataset_store.mjs';
import { t } from '../lib/i18n.mjs';
import { errorArgument } from './parse_code.mjs';

const BUILD_DELAY_MS = 350;  // typing pauses this long before the summary is rebuilt

export function initialState(settings) {
  return {
    lifecycle: 'loading', dirty: false, trained: false, hasModel: false, weightsVersion: 0,
    data: null, code: '', parsed: null, editorError: null, model: null, settings,
    run: null, lastRun: null, rows: [], evaluation: null, trainError: null, notice: null,
    log: { lines: [], live: null },
    augment: null,  // the ImageDataGenerator options the next run augments with (null: none)
    fitProblem: null, datasetLoading: false, datasetError: null, datasetKept: null,
  };
}

// parse(code) → {config, layerLines, layerSpans, compile, fit, stop}; throws an error with line/column/reason.
// datasetStore (page/dataset_store.mjs) keeps the chosen dataset across reloads.
export function createController({ client, store, parse, rowsStore, datasetStore = null, timers = globalThis }) {
  let buildTimer = null;
  let building = null;  // the build in flight
  let nextRunId = 1;
  let runPromise = null;
  let scriptApplied = null;  // the code whose compile()/fit() arguments are in the settings
  let wanted = Promise.resolve(null);  // the remembered dataset, to load once the worker is ready

  const get = store.get;
  const set = (patch) => store.set(patch);
  const move = (event) => {
    const s = get();
    set({ lifecycle: transition(s.lifecycle, event, { hasModel: s.hasModel, dirty: s.dirty }) });
  };
  const can = (control) => controls(get().lifecycle, get())[control];

  // ---- the editor and builds ----

  // keepSettings: the code's compile()/fit() arguments do not overwrite the settings (a shared
  // link's settings win over its code's).
  function edit(code, { keepSettings = false } = {}) {
    if (keepSettings) scriptApplied = code;
    set({ code, dirty: true });
    timers.clearTimeout(buildTimer);
    buildTimer = timers.setTimeout(() => { buildTimer = null; if (!isBusy()) build(); }, BUILD_DELAY_MS);
  }

  const isBusy = () => get().lifecycle === 'loading' || BUSY.includes(get().lifecycle);

  // Builds the editor's code now; resolves true when the worker holds exactly that model.
  function build() {
    timers.clearTimeout(buildTimer);
    buildTimer = null;
    const previous = building ?? Promise.resolve();
    const job = previous.then(() => buildOnce());
    const tracked = job.finally(() => { if (building === tracked) building = null; });
    building = tracked;
    return job;
  }

  async function buildOnce() {
    const { code, lifecycle } = get();
    if (lifecycle === 'loading' || isBusy()) return false;
    set({ dirty: false });
    move('buildStart');
    let parsed;
    try {
      parsed = parse(code);
    } catch (e) {
      return buildFailed({ code: 'editor.syntax', params: { line: e.line ?? null, reason: e.reason ?? e.message }, column: e.column ?? null }, null);
    }
    if (scriptApplied !== code) applyScript(parsed);
    scriptApplied = code;
    try {
      const model = await client.request('build', { config: parsed.config, seed: get().settings.seed });
      installModel(model, { parsed, code });
      move('buildOk');
      return !get().dirty;
    } catch (e) {
      return buildFailed(asError(e), parsed);
    }
  }

  function buildFailed(error, parsed) {
    // An engine error names the layer by index: point at the code line that wrote it.
    const index = error.params?.index;
    const line = error.params?.line ?? (Number.isInteger(index) ? parsed?.layerLines?.[index] ?? null : null);
    const at = Number.isInteger(index) ? errorArgument(parsed?.layerSpans?.[index], error.params?.detail) : {};
    set({ editorError: { ...error, line, ...at }, hasModel: false });
    move('buildFail');
    return false;
  }

  // model.compile(...) and model.fit(...) in the pasted code fill the Training settings (and its
  // datagen.flow(...) the augmentation), and a pasted stop callback sets the threshold (its
  // printed message goes with it).
  function applyScript({ compile, fit, stop }) {
    const next = { ...get().settings };
    const optimizer = compile?.optimizer;
    const name = typeof optimizer === 'string' ? optimizer : optimizer?.class_name;
    if (name && SETTINGS.find((s) => s.name === 'optimizer').choices.includes(name.toLowerCase())) next.optimizer = name.toLowerCase();
    const rate = compile?.learningRate ?? optimizer?.config?.learning_rate;
    if (rate) next.learningRate = rate;
    if (fit?.epochs) next.epochs = fit.epochs;
    if (fit?.batchSize) next.batchSize = fit.batchSize;
    if (fit) next.validationSplit = fit.validationSplit ?? 0;
    if (stop && stop.monitor.includes('acc') && stop.mode === 'max') next.threshold = stop.threshold;
    set({ settings: next, augment: fit?.augment ?? null });
  }

  function installModel(model, { parsed, code }) {
    set((s) => ({
      model: { ...model, code, parsed, architecture: architectureOf(model, parsed) },
      parsed, editorError: null, hasModel: true, trained: false, weightsVersion: s.weightsVersion + 1,
      evaluation: null, lastRun: null, trainError: null,
    }));
    refit();
  }

  // The model/dataset sentence (and Train's state) follows every new model and dataset.
  function refit() {
    const s = get();
    set({ fitProblem: fitProblem(s.model, s.data, lossOf(s.parsed), t) });
  }

  // ---- datasets ----

  // choice: {name: 'fashion-mnist' | 'mnist'} or {files: [{name, path, blob}]}. Read and checked
  // in the worker; a refused file leaves the current dataset in place and says why.
  async function chooseDataset(choice, { remember = true } = {}) {
    if (isBusy() || get().datasetLoading) return false;
    set({ datasetLoading: true, datasetError: null });
    try {
      const d = await client.request('dataset', { source: choice });
      set((s) => ({ data: { ...s.data, ...d }, datasetLoading: false, evaluation: null, weightsVersion: s.weightsVersion + 1 }));
      refit();
      if (remember) await keep(choice);
      return true;
    } catch (e) {
      set({ datasetLoading: false, datasetError: asError(e) });
      return false;
    }
  }

  async function keep(choice) {
    if (!datasetStore) return;
    const bytes = choiceBytes(choice);
    if (bytes > MAX_KEPT_BYTES) {
      set({ datasetKept: { code: 'dataset.notKept', params: { mb: Math.round(bytes / 1e6), max: Math.round(MAX_KEPT_BYTES / 1e6) } } });
      return;
    }
    try {
      await datasetStore.put(choice);
      set({ datasetKept: choice.files ? { code: 'dataset.kept', params: {} } : null });
    } catch {
      set({ datasetKept: { code: 'dataset.keepFailed', params: {} } });
    }
  }

  // At start: the dataset kept from the last visit is loaded when the worker says it is ready.
  function restoreDataset() {
    wanted = datasetStore ? datasetStore.get().catch(() => null) : Promise.resolve(null);
    return wanted;
  }

  function architectureOf(model, parsed) {
    const names = parsed?.config ? layerNames(parsed.config) : [];
    const argsOf = (name) => {
      const entry = parsed?.config?.layers?.[names.indexOf(name)];
      return entry && typeof entry === 'object' ? Object.values(entry)[0] : {};
    };
    return architectureString(model.layers.map((l) => ({ ...l, ...argsOf(l.name) })));
  }

  // ---- runs ----

  // fresh: Train (new weights from the seed, as re-running the notebook's cell); else Continue.
  async function train({ fresh = true } = {}) {
    if (runPromise || !can(fresh ? 'train' : 'continue')) return null;
    let settings;
    try {
      settings = readSettings((s) => get().settings[s.name]);
    } catch (e) {
      set({ trainError: { code: e.code, params: e.params } });
      return null;
    }
    runPromise = (async () => {
      if (get().dirty || building || get().lifecycle !== 'ready') {
        if (!(await build())) return null;  // the build's error is on screen; no run is born
      }
      return runOnce(fresh, settings);
    })().finally(() => { runPromise = null; });
    return runPromise;
  }

  async function runOnce(fresh, settings) {
    const s = get();
    const stop = s.parsed?.stop && s.parsed.stop.threshold === settings.threshold ? s.parsed.stop : null;
    const run = {
      id: nextRunId++, code: s.model.code, architecture: s.model.architecture, params: s.model.params,
      dataset: ['fashion-mnist', 'mnist'].includes(s.data.dataset) ? s.data.dataset : datasetTitle(s.data, t), images: Math.min(settings.samples ?? s.data.trainCount, s.data.trainCount),
      settings, seed: settings.seed, fresh, priorEpochs: fresh ? 0 : s.lastRun?.totalEpochs ?? 0,
      startedAt: new Date().toISOString(), progress: null, epochs: [], points: [], state: 'training',
    };
    // A failed worker's notice lasts until the next run: this run is on the fresh worker.
    const notice = s.notice?.code === 'worker.failed' ? null : s.notice;
    set({ run, notice, trainError: null, evaluation: null, lastRun: null, log: { lines: [], live: null } });
    move('trainStart');
    let result;
    try {
      const training = { augment: s.augment, schedule: s.parsed?.fit?.schedule ?? null };
      result = await client.request('train', { runId: run.id, fresh, settings, stop, loss: lossOf(s.parsed), ...training });
    } catch (e) {
      result = { ending: 'failed', error: asError(e) };
    }
    return endRun(run.id, result);
  }

  function endRun(runId, result) {
    const s = get();
    const run = s.run?.id === runId ? s.run : null;
    if (!run) return null;
    const row = runRow(run, result);
    const lines = [];
    if (result.message) lines.push(result.message);
    if (result.test) lines.push(progressLine(result.test.steps, result.test.steps, result.test.seconds, { loss: result.test.loss, accuracy: result.test.accuracy }));
    set((st) => ({
      run: null, lastRun: row, rows: [...st.rows, row], trained: st.trained || row.epochs > 0 || result.ending !== 'failed',
      weightsVersion: st.weightsVersion + 1, trainError: result.error ?? null,
      log: { lines: [...st.log.lines, ...lines], live: null },
    }));
    move('runEnded');
    rowsStore?.put(row).catch(() => {});
    return row;
  }

  async function restoreRows() {
    if (!rowsStore) return;
    try {
      const rows = await rowsStore.list();
      nextRunId = Math.max(nextRunId, ...rows.map((r) => r.id + 1));
      set((s) => ({ rows: [...rows, ...s.rows.filter((r) => !rows.some((x) => x.id === r.id))] }));
    } catch { /* no IndexedDB: rows live for this visit only */ }
  }

  async function clearRows() {
    set({ rows: [] });
    await rowsStore?.clear().catch(() => {});
  }

  // ---- worker events ----

  const onRun = (m, fn) => {
    const run = get().run;
    if (run && m.runId === run.id) fn(run);
  };

  const events = {
    ready(m) {
      set({ data: m, notice: get().notice });
      move('dataReady');
      refit();
      if (get().code) build();
      wanted.then((choice) => { if (choice && choice.name !== m.dataset) chooseDataset(choice, { remember: false }); });
    },
    failed(m) {
      set({ notice: { code: 'data.loadFailed', params: { detail: m.error?.params?.detail ?? '' } } });
    },
    state(m) {
      onRun(m, (run) => {
        set({ run: { ...run, state: m.state } });
        if (m.state === 'paused') move('paused');
        else if (m.state === 'training') move('resumed');
        else if (m.state === 'stopping') move('stopRequested');
      });
    },
    progress(m) {
      onRun(m, (run) => {
        const first = run.progress === null || m.epoch !== run.progress.epoch;
        const points = [...run.points, ...m.points.map((p) => [p.step, p.loss, p.accuracy])];
        set((s) => ({
          run: { ...run, progress: m, points },
          log: {
            lines: first ? [...s.log.lines, `Epoch ${m.epoch + 1}/${m.epochs}`, ...(m.notes ?? [])] : [...s.log.lines, ...(m.notes ?? [])],
            live: progressLine(m.batch + 1, m.batches, m.elapsed, { loss: m.logs.loss, accuracy: m.logs.accuracy }),
          },
        }));
      });
    },
    epoch(m) {
      onRun(m, (run) => {
        set((s) => ({
          run: { ...run, epochs: [...run.epochs, { step: m.step, seconds: m.seconds, ...m.logs }] },
          log: { lines: [...s.log.lines, progressLine(m.steps, m.batches, m.seconds, pickLogs(m.logs), { finalize: true })], live: null },
        }));
      });
    },
  };

  // ---- other actions ----

  async function stop() {
    if (!can('stop')) return;
    move('stopRequested');
    await client.request('stop').catch(() => {});
  }

  const pause = () => can('pause') && client.request('pause').catch(() => {});
  const resume = () => can('resume') && client.request('resume').catch(() => {});
  const step = () => can('step') && client.request('step').catch(() => {});

  async function reset() {
    if (!can('reset')) return;
    move('buildStart');
    try {
      const model = await client.request('reset');
      installModel(model, { parsed: get().parsed, code: get().code });
      move('buildOk');
    } catch (e) {
      buildFailed(asError(e), get().parsed);
    }
  }

  async function evaluate() {
    if (!can('evaluate')) return;
    const version = get().weightsVersion;
    move('evaluateStart');
    try {
      const r = await client.request('evaluate');
      set((s) => ({
        evaluation: version === s.weightsVersion ? r : null,
        log: { lines: [...s.log.lines, progressLine(r.steps, r.steps, r.seconds, { loss: r.loss, accuracy: r.accuracy })], live: null },
      }));
    } catch (e) {
      set({ trainError: asError(e) });
    } finally {
      move('evaluateEnd');
    }
  }

  // A model restored from a saved run: the worker checks it before anything changes, and a
  // refused file leaves the model, code and settings as they were (the promise rejects).
  async function importModel({ modelJson, weightData, seed, code, settings }) {
    if (!can('saveRun') && get().lifecycle !== 'idle') throw new Error('busy');
    move('buildStart');
    let model;
    try {
      model = await client.request('import', { modelJson, weightData, seed }, [weightData]);
    } catch (e) {
      move('buildFail');
      throw e;
    }
    let parsed = null;
    try { parsed = parse(code); } catch { /* a JSON config or an old file: the summary still shows */ }
    set((s) => ({ code, dirty: false, settings: { ...s.settings, ...settings } }));
    installModel(model, { parsed: parsed ?? { config: model.config, layerLines: [] }, code });
    set({ trained: true });
    move('buildOk');
    return model;
  }

  // The worker died (error or heartbeat): the run in flight fails, a fresh worker starts.
  function workerFailed(reason) {
    const run = get().run;
    if (run) endRun(run.id, { ending: 'failed', error: { code: 'worker.failed', params: { reason } } });
    set({ notice: { code: 'worker.failed', params: { reason } }, hasModel: false, trained: false, dirty: true });
    move('workerFailed');
  }

  return {
    edit, build, train, stop, pause, resume, step, reset, evaluate, importModel, restoreRows, clearRows, workerFailed,
    chooseDataset, restoreDataset,
    setSettings: (patch) => set((s) => ({ settings: { ...s.settings, ...patch } })),
    setAugment: (augment) => set({ augment }),
    onEvent: (m) => events[m.type]?.(m),
    request: (type, payload, transfer) => client.request(type, payload, transfer),
    get running() { return runPromise; },
  };
}

// A rejected request as the page shows errors: the worker's {code, params}, or the message.
const asError = (e) => ({ code: e.code ?? 'engine.error', params: e.params ?? { detail: e.message } });

const pickLogs = (logs) => Object.fromEntries(['loss', 'accuracy', 'val_loss', 'val_accuracy'].filter((k) => k in logs).map((k) => [k, logs[k]]));

export { batchCurve };
