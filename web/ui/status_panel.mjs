// The status line at the top: always the current state, in one sentence, plus a notice that
// outlives it (the worker failed and was restarted; the data did not load).
import { t, formatNumber } from '../lib/i18n.mjs';

export function statusText(state) {
  const notice = state.notice ? `${t(state.notice)} ` : '';
  const data = state.data;
  const run = state.run;
  const params = {
    train: data ? formatNumber(data.trainCount) : '', test: data ? formatNumber(data.testCount) : '',
    id: run?.id ?? '', architecture: run?.architecture ?? state.model?.architecture ?? '',
  };
  const key = state.lifecycle === 'ready' && state.dirty ? 'status.edited' : `status.${state.lifecycle}`;
  return `${notice}${t(key, params)}`;
}

export function mountStatusPanel(root, { store }) {
  const el = root.querySelector('#status');
  const render = (state) => { el.textContent = statusText(state); };
  store.subscribe(render);
  render(store.get());
}
