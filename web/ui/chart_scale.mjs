// Scales and ticks for the learning-curve chart (ui/line_chart.mjs), without the DOM: the
// mapping from values to pixels, "nice" tick values (1, 2 or 5 × 10^k), and the data index
// nearest the cursor.

const clean = (v) => Number(v.toPrecision(12)); // 0.30000000000000004 -> 0.3

// About `count` ticks at multiples of 1, 2 or 5 × 10^k inside [min, max].
export function linearTicks(min, max, count = 5) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (!(max > min)) return [clean(min)];
  const rough = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough * (1 - 1e-9));
  // A range too narrow for its magnitude (k * step would not change with k): no ticks, not a
  // loop that never ends.
  if (Math.abs(min) / step > 1e12) return [];
  const ticks = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) ticks.push(clean(k * step));
  return ticks;
}

// The mapping of [min, max] onto [start, start + length] pixels (reversed for y: larger values
// higher).
export function makeScale(min, max, { reverse = false } = {}) {
  const span = max - min || 1;
  return {
    min,
    max,
    pos(v, start, length) {
      const t = (v - min) / span;
      return start + (reverse ? 1 - t : t) * length;
    },
    val(px, start, length) {
      const t = (px - start) / length;
      return min + (reverse ? 1 - t : t) * span;
    },
  };
}

// First index i with xs[i] >= x in the ascending xs (xs.length if none).
export function lowerBound(xs, x) {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// The index of the x in the ascending xs nearest x (-1 for no xs).
export function nearestIndex(xs, x) {
  if (!xs.length) return -1;
  const i = lowerBound(xs, x);
  if (i === 0) return 0;
  if (i === xs.length) return xs.length - 1;
  return x - xs[i - 1] <= xs[i] - x ? i - 1 : i;
}

// The smallest and largest finite values of `columns` between indices i0 and i1 inclusive:
// [min, max], or [null, null] when there are none.
export function valueExtent(columns, i0, i1) {
  let min = Infinity;
  let max = -Infinity;
  for (const ys of columns) {
    for (let i = i0; i <= i1; i++) {
      const v = ys[i];
      if (v == null || !Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max ? [min, max] : [null, null];
}
