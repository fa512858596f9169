// The Learning curves panel: the current run's per-batch and per-epoch loss and accuracy, and
// the curves of the Experiments rows ticked for overlay (smoothed per-batch training curve and
// the validation points, named by run and architecture).
import { createCurves } from './curves.mjs';
import { emaSmooth } from './curve_model.mjs';
import { joinCurveTables, renderTable } from './data_table.mjs';
import { t } from '../lib/i18n.mjs';

// The overlay series of one row for one metric: [label, points] pairs.
export function overlaySeries(row, metric) {
  const column = metric === 'loss' ? 1 : 2;
  const name = `${row.name} ${row.architecture}`;
  const out = [];
  const batches = row.curves?.batches ?? [];
  if (batches.length) {
    const smooth = emaSmooth(batches.map((p) => p[column]));
    out.push([`${name} ${metric}`, batches.map((p, i) => [p[0], smooth[i]])]);
  }
  const val = (row.curves?.epochs ?? []).filter((e) => Number.isFinite(e[`val_${metric}`]));
  if (val.length) out.push([`${name} val_${metric}`, val.map((e) => [e.step, e[`val_${metric}`]])]);
  return out;
}

export function mountCurvesPanel(root, { store }) {
  const $ = (id) => root.querySelector(`#${id}`);
  const charts = { loss: createCurves($('loss-chart'), { metric: 'loss' }), accuracy: createCurves($('accuracy-chart'), { metric: 'accuracy' }) };
  let shownRun = null, points = 0, epochs = 0;
  const overlaid = new Map();  // row id -> labels drawn

  const toggle = $('curves-table-toggle');
  const table = $('curves-table');
  const label = () => { toggle.textContent = t(table.hidden ? 'curves.showTable' : 'curves.hideTable'); };
  toggle.addEventListener('click', () => {
    table.hidden = !table.hidden;
    toggle.setAttribute('aria-expanded', String(!table.hidden));
    label();
    if (!table.hidden) renderTable(table, joinCurveTables(charts.loss.dataTable(), charts.accuracy.dataTable()));
  });

  function reset() {
    charts.loss.reset();
    charts.accuracy.reset();
    points = epochs = 0;
  }

  function drawRun(run) {
    if (run.id !== shownRun) {
      reset();
      shownRun = run.id;
    }
    for (; points < run.points.length; points++) {
      const [step, loss, accuracy] = run.points[points];
      charts.loss.addBatch(step, loss);
      charts.accuracy.addBatch(step, accuracy);
    }
    for (; epochs < run.epochs.length; epochs++) {
      const e = run.epochs[epochs];
      charts.loss.addEpoch(e.step, { train: e.loss, val: e.val_loss });
      charts.accuracy.addEpoch(e.step, { train: e.accuracy, val: e.val_accuracy });
    }
  }

  function drawOverlays(rows, ids) {
    for (const [id, labels] of overlaid) {
      if (ids.includes(id) && rows.some((r) => r.id === id)) continue;
      for (const [metric, label] of labels) charts[metric].removeOverlay(label);
      overlaid.delete(id);
    }
    for (const id of ids) {
      const row = rows.find((r) => r.id === id);
      if (!row || overlaid.has(id)) continue;
      const labels = [];
      for (const metric of ['loss', 'accuracy']) {
        for (const [label, pts] of overlaySeries(row, metric)) {
          charts[metric].addOverlay(label, pts);
          labels.push([metric, label]);
        }
      }
      overlaid.set(id, labels);
    }
  }

  function render(state, previous) {
    if (state.run) drawRun(state.run);
    // New weights without a run (a build, Reset, a restored run): the old run's curves go.
    else if (previous && state.weightsVersion !== previous.weightsVersion && !state.lastRun) {
      reset();
      shownRun = null;
    }
    if (!previous || state.rows !== previous.rows || state.overlays !== previous.overlays) drawOverlays(state.rows, state.overlays ?? []);
  }
  store.subscribe(render);
  render(store.get(), null);
  return charts;
}
