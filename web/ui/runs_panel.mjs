// The "Saved runs" panel: save the current run to IndexedDB, list, restore and delete saved
// runs, download the current run as one file and upload such a file. The page supplies
//   snapshot(): Promise<run>   the current model, weights, code, settings and history
//   restore(run): Promise      put a run (as decodeRun returns it) in place; rejects, keeping
//                              the current model, when the worker refuses it
import { openRunStore } from './run_store.mjs';
import { encodeRun, decodeRun } from '../lib/run_file.mjs';
import { buildTable } from './data_table.mjs';
import { controls } from '../page/lifecycle.mjs';
import { t, formatNumber, formatDate } from '../lib/i18n.mjs';

export function createRunsPanel(root, { snapshot, restore }) {
  const $ = (id) => root.querySelector(`#${id}`);
  const say = (text) => { $('runs-status').textContent = text; };
  // A worker's refusal is a code (rendered by the catalog); a file's problem names the file.
  const fail = (e) => { $('runs-error').textContent = e.code ? t(e) : e.message ?? String(e); };
  let storePromise = null;
  const store = () => (storePromise ??= openRunStore());

  async function refresh() {
    let runs;
    try {
      runs = await (await store()).list();
    } catch (e) {
      fail(e);
      return;
    }
    if (!runs.length) {
      $('runs-list').replaceChildren(Object.assign(document.createElement('p'), { className: 'cl-note', textContent: t('runs.none') }));
      return;
    }
    const actions = (run) => {
      const cell = document.createDocumentFragment();
      cell.append(button(t('runs.restore'), t('runs.restoreNamed', { name: run.name }), () => restoreSaved(run.id)), ' ',
        button(t('runs.delete'), t('runs.deleteNamed', { name: run.name }), () => remove(run.id)));
      return cell;
    };
    const table = buildTable({
      caption: t('runs.caption'),
      className: 'runs-table',
      rowHeaders: true,
      headers: ['name', 'saved', 'epochs', 'accuracy', 'actions'].map((k) => t(`runs.column.${k}`)),
      rows: runs.map((run) => [run.name, run.savedAt ? formatDate(run.savedAt) : '', formatNumber(run.epochs),
        formatNumber(run.last?.accuracy, 4), actions(run)]),
    });
    $('runs-list').replaceChildren(table);
  }

  function button(text, label, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.setAttribute('aria-label', label);
    b.addEventListener('click', onClick);
    return b;
  }

  // Every action clears the last error first and reports success in the polite status line.
  const action = (fn) => async (...args) => {
    $('runs-error').textContent = '';
    try {
      await fn(...args);
    } catch (e) {
      fail(e);
    }
  };

  const save = action(async () => {
    const run = await snapshot();
    await (await store()).save(run);
    say(t('runs.saved', { name: run.name }));
    await refresh();
  });

  const restoreSaved = action(async (id) => {
    const run = await (await store()).get(id);
    if (!run) throw Object.assign(new Error('gone'), { code: 'runs.gone', params: {} });
    await restore(run);
    say(t('runs.restored', { name: run.name }));
  });

  const remove = action(async (id) => {
    await (await store()).delete(id);
    say(t('runs.deleted'));
    await refresh();
  });

  const download = action(async () => {
    const run = await snapshot();
    const blob = new Blob([encodeRun(run)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${run.name.replace(/[^\w.-]+/g, '_')}.convlab.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    say(t('runs.downloaded', { file: a.download }));
  });

  const upload = action(async () => {
    const input = $('upload-run');
    const file = input.files?.[0];
    input.value = '';  // the same file can be chosen again after a fix
    if (!file) return;
    const run = decodeRun(await file.text(), file.name);  // throws before anything changes
    await restore(run);
    say(t('runs.loaded', { name: run.name, file: file.name }));
  });

  $('save-run').addEventListener('click', save);
  $('download-run').addEventListener('click', download);
  $('upload-run').addEventListener('change', upload);
  refresh();
  return { refresh, setEnabled(on) { for (const id of ['save-run', 'download-run']) $(id).disabled = !on; } };
}

// The panel on the page: a snapshot is the current model and weights (from the worker), the
// editor's code, the settings and the last run's curves; a restore goes through the worker,
// which refuses a bad file before anything changes.
export function mountRunsPanel(root, { store, actions }) {
  async function snapshot() {
    const { modelJson, weightData } = await actions.request('exportModel');
    const s = store.get();
    const last = s.lastRun;
    return {
      name: `${last?.architecture ?? s.model?.architecture ?? 'model'} · ${formatDate(new Date())}`, modelJson, weightData,
      code: s.code, settings: { ...s.settings }, history: last?.curves?.epochs ?? [],
    };
  }
  async function restore(run) {
    await actions.importModel({
      modelJson: run.modelJson, weightData: run.weightData.slice(0), seed: run.settings?.seed ?? store.get().settings.seed,
      code: run.code ?? JSON.stringify(run.modelJson.modelTopology), settings: run.settings ?? {},
    });
  }
  const panel = createRunsPanel(root, { snapshot, restore });
  const render = (state) => panel.setEnabled(controls(state.lifecycle, state).saveRun);
  store.subscribe(render);
  render(store.get());
  return panel;
}
