// Kernels you can read: the chosen Conv2D layer's kernels kept after each epoch (a small list
// in the page, so a slider can go back over them), and a table of a kernel's values.
import { kernelSlice } from './feature_maps.mjs';
import { t, formatNumber } from '../lib/i18n.mjs';

export const MAX_SNAPSHOTS = 40;  // lab's second layer: 37 KB each

// snapshots: [{label: {code, params}, shape, data}], oldest first; past MAX_SNAPSHOTS the
// oldest after the first (the weights the run started from) are dropped.
export function createKernelHistory(max = MAX_SNAPSHOTS) {
  let list = [];
  return {
    clear() { list = []; },
    add(label, shape, data) {
      list.push({ label, shape, data: Float32Array.from(data) });
      if (list.length > max) list.splice(1, 1);
      return list.length - 1;
    },
    get list() { return list; },
    get length() { return list.length; },
  };
}

// Largest |change| between two snapshots of the same shape (null when they differ in shape).
export function largestChange(a, b) {
  if (!a || !b || a.data.length !== b.data.length) return null;
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = text;
  return e;
}

// Every filter's kh×kw weights for one input channel (or the mean), as small tables.
export function drawKernelValues(container, { shape, data, inputChannel = 0, name }) {
  const [kh, kw, , f] = shape;
  const list = el('div', 'kernel-tables');
  const k = new Float32Array(kh * kw);
  for (let fi = 0; fi < f; fi++) {
    kernelSlice(data, shape, fi, inputChannel, k);
    const table = el('table', 'step-table');
    table.append(el('caption', null, t('kernels.tableCaption', { name, fi })));
    const body = el('tbody');
    for (let y = 0; y < kh; y++) {
      const tr = el('tr');
      for (let x = 0; x < kw; x++) tr.append(el('td', k[y * kw + x] < 0 ? 'kernel-negative' : null, formatNumber(k[y * kw + x], 3)));
      body.append(tr);
    }
    table.append(body);
    list.append(table);
  }
  container.replaceChildren(list);
}
