// The bench's outputs: one JSON line per measured row, and a markdown table of img/s (median
// [min-max]), GFLOP/s and the ratio to the best one-thread peer (TF.js or PyTorch) per model/task.
import { summarize } from './stats.mjs';

// One-thread peers: the best of them is the "× best peer" column's denominator.
const PEERS = ['tfjs-wasm', 'tfjs-cpu', 'pytorch cpu'];
const gflops = (g) => (g >= 1 ? g.toFixed(1) : g.toPrecision(2));
const fmt = (v) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3));

// row: {model, task, engine, runs?: number[], error?: string, flopsPerImage}
export function jsonLine(row) {
  const out = { model: row.model, task: row.task, engine: row.engine };
  if (row.error) return JSON.stringify({ ...out, error: row.error });
  const s = summarize(row.runs);
  return JSON.stringify({ ...out, img_per_s: Math.round(s.median), min: Math.round(s.min),
    max: Math.round(s.max), runs: row.runs.map(Math.round), flops_per_image: row.flopsPerImage,
    gflop_per_s: +(s.median * row.flopsPerImage / 1e9).toFixed(2) });
}

// A "<engine> 2 threads" row's speed-up over its one-thread row, e.g. "1.85×", else '–'.
function threadRatio(rows, row) {
  const m = row.engine.match(/^(.*) 2 threads$/);
  const one = m && rows.find((r) => r.model === row.model && r.task === row.task &&
    r.engine === m[1] && !r.error);
  return one ? `${(summarize(row.runs).median / summarize(one.runs).median).toFixed(2)}×` : '–';
}

export function markdownTable(rows) {
  const lines = ['| model | task | engine | img/s median [min–max] | GFLOP/s | × best peer | × 1 thread |',
    '|---|---|---|---:|---:|---:|---:|'];
  for (const row of rows) {
    const head = `| ${row.model} | ${row.task} | ${row.engine} |`;
    if (row.error) {
      lines.push(`${head} ${row.error} | – | – | – |`);
      continue;
    }
    const s = summarize(row.runs);
    const peers = rows.filter((r) => r.model === row.model && r.task === row.task &&
      PEERS.includes(r.engine) && !r.error);
    const best = Math.max(0, ...peers.map((r) => summarize(r.runs).median));
    const r = s.median / best;
    const ratio = best > 0 ? `${r >= 10 ? r.toFixed(0) : r >= 0.95 ? r.toFixed(1) : r.toPrecision(2)}×` : '–';
    lines.push(`${head} ${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}] | ` +
      `${gflops(s.median * row.flopsPerImage / 1e9)} | ${ratio} | ${threadRatio(rows, row)} |`);
  }
  return lines.join('\n');
}
