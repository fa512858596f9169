// The page: lists the panels, starts the worker, and wires them through one store and one
// controller. Panels never talk to the worker or to each other; the worker never touches the
// DOM (worker/protocol.mjs names the messages, page/lifecycle.mjs the states).
import { createStore } from './page/store.mjs';
import { createController, initialState } from './page/controller.mjs';
import { BUSY } from './page/lifecycle.mjs';
import { createClient } from './page/client.mjs';
import { parseCode } from './page/parse_code.mjs';
import { presetCode } from './page/presets_code.mjs';
import { openExperimentsStore, memoryExperimentsStore } from './page/experiments_store.mjs';
import { DEFAULTS } from './lib/settings.mjs';
import { t, localize, setLanguage, loadLanguage } from './lib/i18n.mjs';
import { pageLanguage, applyTheme, mountPrefsPanel } from './ui/prefs_panel.mjs';
import { PRESETS } from './lib/presets.mjs';
import { configFromHash } from './embed/config.mjs';
import { mountStatusPanel } from './ui/status_panel.mjs';
import { mountModelPanel } from './ui/model_panel.mjs';
import { mountModelFile } from './ui/model_file.mjs';
import { mountTrainPanel } from './ui/train_panel.mjs';
import { mountAugmentPanel } from './ui/augment_panel.mjs';
import { mountLogPanel } from './ui/log_panel.mjs';
import { mountCurvesPanel } from './ui/curves_panel.mjs';
import { mountMapsPanel } from './ui/maps_panel.mjs';
import { mountEvalPanel } from './ui/eval_panel.mjs';
import { mountExperimentsPanel } from './ui/experiments_panel.mjs';
import { mountRunsPanel } from './ui/runs_panel.mjs';
import { mountSharePanel, applyLayout } from './ui/share_panel.mjs';
import { mountOwnImagePanel } from './ui/own_image_panel.mjs';
import { startServiceWorker } from './page/isolation.mjs';
import { mountExplainPanel } from './ui/explain_panel.mjs';
import { mountDatasetPanel } from './ui/dataset_panel.mjs';
import { mountStepThroughPanel } from './ui/stepthrough_panel.mjs';
import { openDatasetStore, memoryDatasetStore } from './page/dataset_store.mjs';

const PANELS = [mountStatusPanel, mountModelPanel, mountModelFile, mountTrainPanel, mountAugmentPanel, mountLogPanel, mountCurvesPanel, mountMapsPanel,
  mountEvalPanel, mountExperimentsPanel, mountRunsPanel, mountSharePanel, mountOwnImagePanel,
  mountExplainPanel, mountDatasetPanel, mountStepThroughPanel];

// The service worker caches the app for offline use and makes the page cross-origin isolated
// (threads) on hosts that send no headers; on a first visit that takes one reload, done before
// anything starts.
if (await startServiceWorker({ win: window, url: new URL('./sw.js', import.meta.url) }) === 'reloading') {
  await new Promise(() => {});  // the reload replaces this page
}

// The setup from the URL hash (embed.html, shared links): settings, model, layout, autostart.
const embed = configFromHash(location.hash);
const { model: initialModel, images, filter, hide, show, autostart, compact, lang, threads, ...settings } = embed.config;

setLanguage(await loadLanguage(pageLanguage(window, lang)));
applyTheme(document);
localize(document);
mountPrefsPanel(document);
document.title = t('page.title');
if (images?.length) document.getElementById('map-images').value = images.join(', ');
if (filter !== undefined) document.getElementById('map-filter').value = String(filter);
applyLayout(document, { hide, show, compact });

const store = createStore({ ...initialState({ ...DEFAULTS, ...settings }), overlays: [], ownImage: null });
let controller = null;
const client = createClient({
  // The worker reads the thread count from its URL before it loads the engine.
  url: new URL(`./worker/train_worker.mjs${threads ? `?threads=${threads}` : ''}`, import.meta.url),
  onEvent: (m) => controller.onEvent(m),
  onFailure: (reason) => controller.workerFailed(t(reason)),
});
const rowsStore = await openExperimentsStore().catch(() => memoryExperimentsStore());
const datasetStore = await openDatasetStore().catch(() => memoryDatasetStore());
controller = createController({ client, store, parse: parseCode, rowsStore, datasetStore });
controller.restoreDataset();

// The heartbeat watches the worker while a job keeps it busy.
store.subscribe((s) => client.watch(BUSY.includes(s.lifecycle)));

const actions = { ...controller, setView: (patch) => store.set(patch) };
for (const mount of PANELS) mount(document, { store, actions });

if (embed.problems.length) store.set({ notice: { code: 'embed.problems', params: { problems: embed.problems.map((p) => t(p)).join('; ') } } });
controller.restoreRows();
// The hash's settings win over the code's fit() arguments.
const code = initialModel && !(initialModel in PRESETS) ? initialModel : presetCode(initialModel ?? 'lab');
controller.edit(code, { keepSettings: Object.keys(settings).length > 0 });

if (autostart) {
  const off = store.subscribe((s) => {
    if (s.lifecycle !== 'ready' || s.dirty) return;
    off();
    controller.train({ fresh: true });
  });
}

// For the e2e tests and the curious: the store, the client, the current run and the rows.
window.convlab = {
  store, client, controller, heartbeat: client.heartbeat,
  get state() { return store.get().lifecycle; },
  get ready() { return store.get().data !== null; },
  get model() { return store.get().model; },
  get worker() { return client.worker; },
  get run() { const r = store.get().run; return r && { ...r, losses: r.points.map((p) => p[1]) }; },
  get runs() { return store.get().rows.map((r) => ({ ...r, epochs: r.curves.epochs })); },
  debug: {
    runs: () => store.get().rows.map((r) => ({ id: r.id, ending: r.ending, losses: r.losses, test: { loss: r.testLoss, accuracy: r.testAccuracy } })),
    state: () => store.get(),
  },
};
