// The learning curves as a real table: the text alternative to the charts.

// Joins the loss and accuracy tables (same rows: epoch, batch step, then their series).
export function joinCurveTables(loss, accuracy) {
  const KEYS = 2;  // 'Epoch', 'Batch step'
  return {
    headers: [...loss.headers, ...accuracy.headers.slice(KEYS)],
    rows: loss.rows.map((r, i) => [...r, ...(accuracy.rows[i] ?? []).slice(KEYS)]),
  };
}

export function renderTable(container, { headers, rows }) {
  const t = document.createElement('table');
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
    for (const v of r) tr.insertCell().textContent = typeof v === 'number' ? v.toFixed(4) : String(v ?? '');
  }
  container.replaceChildren(t);
}
