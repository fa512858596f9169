// The learning curves as a real table: the text alternative to the charts.

import { formatNumber } from '../lib/i18n.mjs';

// Joins the loss and accuracy tables (same rows: epoch, batch step, then their series).
export function joinCurveTables(loss, accuracy) {
  const KEYS = 2;  // 'Epoch', 'Batch step'
  return {
    headers: [...loss.headers, ...accuracy.headers.slice(KEYS)],
    rows: loss.rows.map((r, i) => [...r, ...(accuracy.rows[i] ?? []).slice(KEYS)]),
  };
}

// A <table> from headers and rows. A cell is a DOM node (put in as is), a number (4 decimals) or
// text; rowHeaders makes each row's first cell its header (<th scope="row">).
export function buildTable({ headers, rows, caption, className, rowHeaders = false }) {
  const t = document.createElement('table');
  if (className) t.className = className;
  if (caption) t.createCaption().textContent = caption;
  const head = t.createTHead().insertRow();
  for (const h of headers) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    head.append(th);
  }
  const body = t.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    r.forEach((v, i) => {
      let cell;
      if (rowHeaders && i === 0) {
        cell = document.createElement('th');
        cell.scope = 'row';
        tr.append(cell);
      } else {
        cell = tr.insertCell();
      }
      if (v instanceof Node) cell.append(v);
      else cell.textContent = typeof v === 'number' ? formatNumber(v, 4) : String(v ?? '');
    });
  }
  return t;
}

export function renderTable(container, table) {
  container.replaceChildren(buildTable(table));
}
