// The experiments table: one row per finished run (the course's exercises: 16 or 64 filters,
// one convolution less, one more), sortable by any column, with a checkbox per row that asks the
// page to overlay that run's curves. architectureString and sortExperiments are pure.
import { t, formatNumber } from '../lib/i18n.mjs';
import { LAYER_CATALOG } from '../lib/layer_catalog.mjs';

// ---------------------------------------------------------------------------------------------
// Pure helpers

// Accepts the layer forms the project uses and returns {className, config}:
//   'MaxPooling2D'                                    (terse preset form)
//   {Conv2D: {filters: 32}}                           (terse preset form)
//   {className: 'Conv2D', filters: 32} or {className, config: {...}}
//   {class_name: 'Conv2D', config: {...}}             (Keras to_json)
export function layerSpec(layer) {
  if (typeof layer === 'string') return { className: layer, config: {} };
  const cls = layer.className ?? layer.class_name;
  if (cls) return { className: cls, config: { ...layer, ...(layer.config ?? {}) } };
  const keys = Object.keys(layer);
  if (keys.length === 1 && /^[A-Z]/.test(keys[0])) return { className: keys[0], config: { ...(layer[keys[0]] ?? {}) } };
  return { className: 'Unknown', config: { ...layer } };
}

// The catalog's token templates ("C{filters}": C32), aliases included; the input is left out.
const TOKENS = { InputLayer: () => null };
for (const e of LAYER_CATALOG) {
  const token = (config) => e.token.replace(/\{(\w+)\}/g, (_, key) => config[key] ?? '') || null;
  for (const name of [e.className, ...e.aliases]) TOKENS[name] = token;
}

// 'C32-P-C32-P-D128-D10': Conv2D -> C<filters>, MaxPooling2D -> P, Dense -> D<units>,
// Dropout -> Drop<rate>, BatchNormalization -> BN; Flatten, InputLayer and Activation are left
// out; any other layer appears under its class name.
export function architectureString(layers) {
  return layers
    .map((l) => {
      const { className, config } = layerSpec(l);
      const token = TOKENS[className];
      return token ? token(config) : className;
    })
    .filter((t) => t)
    .join('-');
}

export const COLUMNS = Object.freeze([
  { key: 'name', type: 'text' },
  { key: 'architecture', type: 'text' },
  { key: 'params', type: 'number' },
  { key: 'data', type: 'text' },
  { key: 'start', type: 'text' },
  { key: 'epochs', type: 'number' },
  { key: 'secondsPerEpoch', type: 'number' },
  { key: 'trainAccuracy', type: 'number' },
  { key: 'valAccuracy', type: 'number' },
  { key: 'testAccuracy', type: 'number' },
  { key: 'ending', type: 'text' },
]);

// A sorted copy of rows by `key`, 'ascending' or 'descending'; missing values last either way,
// ties kept in insertion order.
export function sortExperiments(rows, key, direction = 'ascending') {
  const sign = direction === 'descending' ? -1 : 1;
  const missing = (v) => v == null || (typeof v === 'number' && !Number.isFinite(v));
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => {
      const x = a.row[key];
      const y = b.row[key];
      if (missing(x) || missing(y)) return (missing(x) - missing(y)) || a.i - b.i;
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
      return sign * c || a.i - b.i;
    })
    .map(({ row }) => row);
}

// Cell text for a column of a row (the row gives the context some cells need).
export function formatCell(key, v, row = {}) {
  switch (key) {
    case 'data':
      // Built-in sets by name (translated); a file's dataset by its own title.
      return t('experiments.data', { dataset: t(`dataset.${row.dataset}`) === `dataset.${row.dataset}` ? row.dataset : t(`dataset.${row.dataset}`), images: row.images ?? '–' });
    case 'start':
      return t(`experiments.start.${row.start}`);
    case 'epochs':
      return row.start === 'continued' ? t('experiments.epochsTotal', { epochs: v, total: row.totalEpochs }) : formatNumber(v);
    case 'ending':
      return t(`run.ended.${v}`, { epoch: (row.stoppedAt?.epoch ?? 0) + 1, batch: row.stoppedAt?.batch ?? 0, epochs: row.epochs });
    default:
  }
  if (v == null || (typeof v === 'number' && !Number.isFinite(v))) return '–';
  switch (key) {
    case 'params':
      return formatNumber(Number(v));
    case 'secondsPerEpoch':
      return formatNumber(Number(v), 1);
    case 'trainAccuracy':
    case 'valAccuracy':
    case 'testAccuracy':
      return formatNumber(Number(v), 4);
    default:
      return String(v);
  }
}

// ---------------------------------------------------------------------------------------------
// DOM

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

// createExperimentsTable(container, {onToggleOverlay(id, on)})
// -> {add(experiment), remove(id), clear(), rows(), setOverlay(id, on), sortBy(key, direction)}
// experiment: {id, name, architecture, params, epochs, secondsPerEpoch, trainAccuracy,
// testAccuracy}; add() with a known id updates that row. Column headers are buttons that sort
// (aria-sort on the <th>); each row's checkbox calls onToggleOverlay(id, checked).
export function createExperimentsTable(container, { onToggleOverlay = () => {} } = {}) {
  const experiments = new Map(); // id -> experiment (insertion order)
  const overlaid = new Set();
  let sort = { key: null, direction: 'ascending' };

  const table = el('table', 'cl-table cl-experiments');
  table.append(el('caption', 'cl-caption', t('experiments.caption')));
  const thead = el('thead');
  const hr = el('tr');
  const overlayHead = el('th', null, t('experiments.overlay'));
  overlayHead.scope = 'col';
  hr.append(overlayHead);
  const heads = COLUMNS.map((col) => {
    const th = el('th', col.type === 'number' ? 'cl-num' : null);
    th.scope = 'col';
    const button = el('button', 'cl-sort', t(`experiments.column.${col.key}`));
    button.type = 'button';
    button.addEventListener('click', () => {
      const direction = sort.key === col.key && sort.direction === 'ascending' ? 'descending' : 'ascending';
      api.sortBy(col.key, direction);
    });
    th.append(button);
    hr.append(th);
    return { th, key: col.key };
  });
  thead.append(hr);
  const tbody = el('tbody');
  const empty = el('tr', 'cl-empty');
  const emptyCell = el('td', null, t('experiments.empty'));
  emptyCell.colSpan = COLUMNS.length + 1;
  empty.append(emptyCell);
  table.append(thead, tbody);
  const wrap = el('div', 'cl-scroll');
  wrap.append(table);
  container.replaceChildren(wrap);

  function render() {
    const rows = sort.key ? sortExperiments([...experiments.values()], sort.key, sort.direction) : [...experiments.values()];
    for (const { th, key } of heads) {
      if (key === sort.key) th.setAttribute('aria-sort', sort.direction);
      else th.removeAttribute('aria-sort');
    }
    if (rows.length === 0) {
      tbody.replaceChildren(empty);
      return;
    }
    tbody.replaceChildren(...rows.map((x) => {
      const tr = el('tr');
      tr.dataset.id = String(x.id);
      const boxCell = el('td', 'cl-check');
      const box = el('input');
      box.type = 'checkbox';
      box.checked = overlaid.has(x.id);
      box.setAttribute('aria-label', t('experiments.overlayRow', { name: x.name ?? x.id, architecture: x.architecture ?? '' }));
      box.addEventListener('change', () => {
        if (box.checked) overlaid.add(x.id);
        else overlaid.delete(x.id);
        onToggleOverlay(x.id, box.checked);
      });
      boxCell.append(box);
      tr.append(boxCell);
      for (const col of COLUMNS) {
        const cell = el(col.key === 'name' ? 'th' : 'td', col.type === 'number' ? 'cl-num' : col.key === 'architecture' ? 'cl-mono' : null, formatCell(col.key, x[col.key], x));
        if (col.key === 'name') cell.scope = 'row';
        tr.append(cell);
      }
      return tr;
    }));
  }

  const api = {
    add(experiment) {
      experiments.set(experiment.id, { ...(experiments.get(experiment.id) ?? {}), ...experiment });
      render();
    },
    remove(id) {
      experiments.delete(id);
      overlaid.delete(id);
      render();
    },
    clear() {
      experiments.clear();
      overlaid.clear();
      render();
    },
    rows() {
      return [...experiments.values()];
    },
    // Ticks or unticks a row from code (does not call onToggleOverlay).
    setOverlay(id, on) {
      if (on) overlaid.add(id);
      else overlaid.delete(id);
      render();
    },
    sortBy(key, direction = 'ascending') {
      sort = { key, direction };
      render();
    },
  };
  render();
  return api;
}
