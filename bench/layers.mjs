// npm run bench:layers: where a training step's time goes, layer by layer, on one thread and two
// (native build, build/native/layer_profile: best of 3 runs of 300 steps each, batch 32, adam).
//   node bench/layers.mjs [--models lab,lab64] [--steps 300]
// Prints a markdown table per model: forward and backward ms of each layer, the optimizer, the
// whole step, and the 2-thread speed-up of each.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PRESETS } from '../web/lib/presets.mjs';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const binary = `${root}/build/native/layer_profile`;
const { values: opts } = parseArgs({ options: {
  models: { type: 'string', default: 'lab,lab64' },
  steps: { type: 'string', default: '300' },
} });
if (!existsSync(binary)) throw new Error(`${binary} is missing: npm run bench:layers builds it`);

const run = (preset, threads) => execFileSync(binary,
  [JSON.stringify(preset), String(threads), opts.steps, '1'], { encoding: 'utf8' })
  .trim().split('\n').map((line) => JSON.parse(line));
// 1- and 2-thread runs alternate, best of 3 each, so a busy spell on the shared host cannot
// land on one side only.
function profiles(preset) {
  const best = { 1: null, 2: null };
  for (let round = 0; round < 3; round++) {
    for (const threads of [1, 2]) {
      const rows = run(preset, threads);
      best[threads] = best[threads] === null ? rows : best[threads].map((row, i) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, k.endsWith('_ms') ? Math.min(v, rows[i][k]) : v])));
    }
  }
  return [best[1], best[2]];
}
const ms = (v) => v.toFixed(3);
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;

for (const model of opts.models.split(',')) {
  const preset = PRESETS[model];
  if (!preset) throw new Error(`unknown model '${model}' (presets: ${Object.keys(PRESETS).join(', ')})`);
  const [one, two] = profiles(preset);
  console.log(`\n${model}: ms per step, 1 thread → 2 threads\n`);
  console.log('| layer | forward | backward | × forward | × backward |\n|---|---:|---:|---:|---:|');
  for (let i = 0; i < one.length - 1; i++) {
    const [a, b] = [one[i], two[i]];
    console.log(`| ${a.layer} | ${ms(a.forward_ms)} → ${ms(b.forward_ms)} | ${ms(a.backward_ms)} → ${ms(b.backward_ms)} | ` +
      `${ratio(a.forward_ms, b.forward_ms)} | ${ratio(a.backward_ms, b.backward_ms)} |`);
  }
  const [a, b] = [one.at(-1), two.at(-1)];
  console.log(`| optimizer | ${ms(a.optimizer_ms)} → ${ms(b.optimizer_ms)} | | ${ratio(a.optimizer_ms, b.optimizer_ms)} | |`);
  console.log(`| **step** | ${ms(a.total_ms)} → ${ms(b.total_ms)} | | **${ratio(a.total_ms, b.total_ms)}** | |`);
}
