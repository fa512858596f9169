// Keras's progress bar text (tf.keras 2.x Progbar, verbose=1), so CLI output can sit beside a
// notebook's:  1875/1875 [==============================] - 14s 7ms/step - loss: 0.4590 - accuracy: 0.8338
// Pure string functions; the caller decides where and how often to write them.

// Python's '%.4f' if |v| > 1e-3, else '%.4e' (two-digit exponent), as Keras prints metrics.
export function formatMetric(v) {
  if (Math.abs(v) > 1e-3 || !Number.isFinite(v)) return Number.isFinite(v) ? v.toFixed(4) : String(v).toLowerCase();
  const [mantissa, exponent] = v.toExponential(4).split('e');
  const e = Number(exponent);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

export function formatBar(current, target, width = 30) {
  const digits = String(target).length;
  let bar = `${String(current).padStart(digits)}/${target} [`;
  const filled = Math.floor((width * current) / target);
  if (filled > 0) bar += '='.repeat(filled - 1) + (current < target ? '>' : '=');
  return bar + '.'.repeat(width - filled) + ']';
}

// Keras: ETA as h:mm:ss, m:ss or Ns.
export function formatEta(seconds) {
  const s = Math.round(seconds);
  if (s > 3600) return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  if (s > 60) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return `${s}s`;
}

export function formatPerStep(seconds) {
  if (seconds >= 1 || seconds === 0) return `${seconds.toFixed(0)}s/step`;
  if (seconds >= 1e-3) return `${(seconds * 1e3).toFixed(0)}ms/step`;
  return `${(seconds * 1e6).toFixed(0)}us/step`;
}

const HIDDEN = new Set(['batch', 'size']);

// One progress line. logs: {loss, accuracy, val_loss, ...}; elapsed in seconds. finalize: the
// epoch's last line (Keras prints time and time per step there, also for an epoch stopped early).
export function progressLine(current, target, elapsed, logs = {}, { finalize = current >= target } = {}) {
  let line = formatBar(current, target);
  if (!finalize) {
    line += ` - ETA: ${formatEta((elapsed / Math.max(current, 1)) * (target - current))}`;
  } else {
    line += ` - ${elapsed.toFixed(0)}s ${formatPerStep(elapsed / Math.max(current, 1))}`;
  }
  for (const [k, v] of Object.entries(logs)) {
    if (!HIDDEN.has(k) && typeof v === 'number') line += ` - ${k}: ${formatMetric(v)}`;
  }
  return line;
}
