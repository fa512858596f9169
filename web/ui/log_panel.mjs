// The notebook's own output: the lines Keras prints for fit() and evaluate() (Epoch 1/5, the
// progress bar with steps, seconds, ms/step and metrics; the callback's message), selectable
// and copyable. The live line is the bar being drawn, as Keras redraws it with '\r'.
import { t } from '../lib/i18n.mjs';

export const logText = (log) => [...log.lines, ...(log.live ? [log.live] : [])].join('\n');

export function mountLogPanel(root, { store }) {
  const pre = root.querySelector('#log');
  const copy = root.querySelector('#copy-log');
  copy.addEventListener('click', async () => {
    const text = pre.textContent;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      getSelection().selectAllChildren(pre);  // no clipboard permission: selected for Ctrl+C
    }
    copy.textContent = t('log.copied');
    setTimeout(() => { copy.textContent = t('log.copy'); }, 1500);
  });
  // The finished lines and the live bar are two text nodes: a progress event rewrites only the
  // bar, not the whole log.
  const lines = document.createTextNode('');
  const live = document.createTextNode('');
  pre.replaceChildren(lines, live);
  let shown = null;
  const render = (state) => {
    if (state.log === shown) return;
    if (state.log.lines !== shown?.lines) lines.data = state.log.lines.join('\n');
    shown = state.log;
    const bar = state.log.live ? `${state.log.lines.length ? '\n' : ''}${state.log.live}` : '';
    if (live.data !== bar) live.data = bar;
    pre.scrollTop = pre.scrollHeight;
  };
  store.subscribe(render);
  render(store.get());
}
