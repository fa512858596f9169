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
  let shown = null;
  const render = (state) => {
    if (state.log === shown) return;
    shown = state.log;
    pre.textContent = logText(state.log);
    pre.scrollTop = pre.scrollHeight;
  };
  store.subscribe(render);
  render(store.get());
}
