// The Dataset panel: the picker (Fashion-MNIST, MNIST digits, your files), a file input, a
// folder input and drag-and-drop for the files web/lib/data reads (the Worker reads them; this
// panel only hands the File objects over), what the current dataset is, and the sentence that
// says whether the model and the dataset agree (page/dataset_fit.mjs; it keeps Train disabled).
import { t } from '../lib/i18n.mjs';
import { datasetTitle } from '../page/dataset_fit.mjs';
import { BUSY } from '../page/lifecycle.mjs';

// A dropped folder: every file under it, with its path (the class is the parent folder's name).
async function entryFiles(entry, prefix = '') {
  if (entry.isFile) {
    const file = await new Promise((ok, fail) => entry.file(ok, fail));
    return [{ name: file.name, path: `${prefix}${file.name}`, blob: file }];
  }
  const reader = entry.createReader();
  const children = [];
  for (;;) {
    const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  const nested = await Promise.all(children.map((c) => entryFiles(c, `${prefix}${entry.name}/`)));
  return nested.flat();
}

const asChoice = (files) => ({ files: files.map((f) => ({ name: f.name, path: f.webkitRelativePath || f.name, blob: f })) });

export function mountDatasetPanel(root, { store, actions }) {
  const $ = (id) => root.querySelector(`#${id}`);
  const panel = $('dataset-panel');
  const select = $('dataset-choice');
  const drop = $('dataset-drop');

  select.addEventListener('change', () => {
    drop.hidden = select.value !== 'files';
    if (select.value !== 'files') actions.chooseDataset({ name: select.value });
  });
  for (const id of ['dataset-files', 'dataset-folder']) {
    $(id).addEventListener('change', (e) => {
      const files = [...(e.target.files ?? [])];
      if (files.length) actions.chooseDataset(asChoice(files));
      e.target.value = '';
    });
  }
  panel.addEventListener('dragover', (e) => { e.preventDefault(); panel.classList.add('dataset-dragging'); });
  panel.addEventListener('dragleave', () => panel.classList.remove('dataset-dragging'));
  panel.addEventListener('drop', async (e) => {
    e.preventDefault();
    panel.classList.remove('dataset-dragging');
    const entries = [...(e.dataTransfer?.items ?? [])].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
    const files = entries.some((x) => x.isDirectory)
      ? (await Promise.all(entries.map((x) => entryFiles(x)))).flat()
      : asChoice([...(e.dataTransfer?.files ?? [])]).files;
    if (files.length) {
      select.value = 'files';
      drop.hidden = false;
      actions.chooseDataset({ files });
    }
  });

  function describe(data) {
    const [h, w, c] = data.imageShape;
    const parts = [t('dataset.info', {
      dataset: datasetTitle(data, t), train: data.trainCount, test: data.testCount, shape: `${h}×${w}×${c}`,
      classes: data.classes?.length ?? 10,
    })];
    if (data.skipped?.length) parts.push(t('dataset.skipped', { count: data.skipped.length, files: data.skipped.slice(0, 3).map((s) => s.file).join(', ') }));
    return parts.join(' ');
  }

  function render(state, previous) {
    const { data } = state;
    if (data && data !== previous?.data) {
      const builtin = ['fashion-mnist', 'mnist'].includes(data.dataset);
      if (document.activeElement !== select) select.value = builtin ? data.dataset : 'files';
      drop.hidden = select.value !== 'files';
    }
    select.disabled = state.datasetLoading || BUSY.includes(state.lifecycle);
    // The sentences change with these only (not with a run's progress, several times a second).
    const same = previous && ['data', 'datasetKept', 'datasetLoading', 'model', 'fitProblem', 'datasetError'].every((k) => state[k] === previous[k]);
    if (same) return;
    const kept = state.datasetKept ? ` ${t(state.datasetKept)}` : '';
    $('dataset-info').textContent = state.datasetLoading ? t('dataset.loading') : data ? describe(data) + kept : '';
    $('dataset-fit').textContent = !data || !state.model ? '' : state.fitProblem ? t(state.fitProblem) : t('dataFit.ok', { dataset: datasetTitle(data, t) });
    $('dataset-fit').classList.toggle('error', Boolean(state.fitProblem));
    $('dataset-error').textContent = state.datasetError ? t(state.datasetError) : '';
  }
  store.subscribe(render);
  render(store.get(), null);
}
