// The status line at the top: always the current state, in one sentence, plus a notice that
// outlives it (the worker failed and was restarted; the data did not load).
import { t, formatNumber } from '../lib/i18n.mjs';
import { threadsStatus } from '../lib/threads.mjs';
import { datasetTitle } from '../page/dataset_fit.mjs';

export function statusText(state) {
  const notice = state.notice ? `${t(state.notice)} ` : '';
  const data = state.data;
  const run = state.run;
  const params = {
    train: data ? formatNumber(data.trainCount) : '', test: data ? formatNumber(data.testCount) : '',
    dataset: data ? datasetTitle(data, t) : '',
    id: run?.id ?? '', architecture: run?.architecture ?? state.model?.architecture ?? '',
  };
  const key = state.lifecycle === 'ready' && state.dirty ? 'status.edited' : `status.${state.lifecycle}`;
  // Between runs the line also says how many threads the engine got, and why only one.
  const threads = data?.threads && ['ready', 'idle'].includes(state.lifecycle) ? ` ${t('status.threads', { threads: threadsStatus(data) })}` : '';
  return `${notice}${t(key, params)}${threads}`;
}

export function mountStatusPanel(root, { store }) {
  const el = root.querySelector('#status');
  // Written only when it changes: the store changes several times a second while training.
  const render = (state) => {
    const text = statusText(state);
    if (el.textContent !== text) el.textContent = text;
  };
  store.subscribe(render);
  render(store.get());
}
