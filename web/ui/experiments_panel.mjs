// The Experiments panel: one row per run (kept in IndexedDB across reloads), a Clear button,
// and the Overlay ticks that the curves panel draws.
import { createExperimentsTable } from './experiments.mjs';

export function mountExperimentsPanel(root, { store, actions }) {
  const table = createExperimentsTable(root.querySelector('#experiments'), {
    onToggleOverlay: (id, on) => {
      const ids = new Set(store.get().overlays ?? []);
      on ? ids.add(id) : ids.delete(id);
      actions.setView({ overlays: [...ids] });
    },
  });
  root.querySelector('#clear-experiments').addEventListener('click', () => actions.clearRows());
  let shown = null;
  function render(state) {
    if (state.rows === shown) return;
    const ids = new Set(state.rows.map((r) => r.id));
    for (const row of table.rows()) if (!ids.has(row.id)) table.remove(row.id);
    for (const row of state.rows) if (!shown?.includes(row)) table.add(row);
    shown = state.rows;
    root.querySelector('#clear-experiments').disabled = state.rows.length === 0;
  }
  store.subscribe(render);
  render(store.get());
  return table;
}
