// npm run parity: the course's models, 5 epochs x 3 seeds each on the full Fashion-MNIST, test
// accuracy beside the numbers the course reports in Keras. Runs in child processes (--jobs,
// default: the number of cores), writes JSON lines and a markdown table to bench/results/.
//   node bench/parity.mjs [--models dnn,lab,...] [--seeds 1,2,3] [--epochs 5] [--jobs 2] [--resume]
// Each finished run is appended to the day's .jsonl at once; --resume skips the runs already
// there (a long parity run can be stopped and continued).
import { parseArgs } from 'node:util';
import { execFile } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// What the course notebooks report for Keras (test accuracy), and TF.js on this machine type.
const KERAS = {
  dnn: { accuracy: 0.8809, note: '5 epochs' },
  lab: { accuracy: 0.90, note: '≈, 5 epochs; TF.js: 0.843 / 0.885 / 0.892 / 0.901 / 0.906 after epochs 1-5' },
  lab64: { accuracy: 0.9142, note: '5 epochs' },
  'double-conv-one-pool': { accuracy: 0.9006, note: '5 epochs' },
  'single-conv': { accuracy: 0.9162, note: '20 epochs in the course' },
};

const { values } = parseArgs({ options: {
  models: { type: 'string', default: Object.keys(KERAS).join(',') },
  seeds: { type: 'string', default: '1,2,3' },
  epochs: { type: 'string', default: '5' },
  jobs: { type: 'string', default: String(availableParallelism()) },
  resume: { type: 'boolean', default: false },
  report: { type: 'boolean', default: false },  // only write the table from the .jsonl so far
} });
const date = new Date().toISOString().slice(0, 10);
const jsonl = new URL(`./results/parity-${date}.jsonl`, import.meta.url);
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
const runner = fileURLToPath(new URL('./parity_run.mjs', import.meta.url));
const queue = values.models.split(',').flatMap((model) => values.seeds.split(',').map((seed) => ({ model, seed })));
const results = [];
if (values.resume || values.report) {
  const done = (await readFile(jsonl, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
  results.push(...done.filter((r) => r.epochs === Number(values.epochs)));
  const have = new Set(results.map((r) => `${r.model}/${r.seed}`));
  queue.splice(0, queue.length, ...queue.filter((j) => !have.has(`${j.model}/${j.seed}`)));
} else {
  await writeFile(jsonl, '');
}

async function worker() {
  for (let job = queue.shift(); job; job = queue.shift()) {
    const out = await new Promise((ok, fail) => execFile(process.execPath,
      [runner, '--model', job.model, '--seed', job.seed, '--epochs', values.epochs],
      { maxBuffer: 1 << 20 }, (err, stdout, stderr) => (err ? fail(new Error(stderr || err.message)) : ok(stdout))));
    const r = JSON.parse(out.trim().split('\n').at(-1));
    results.push(r);
    await appendFile(jsonl, `${JSON.stringify(r)}\n`);
    process.stderr.write(`${r.model} seed ${r.seed}: test accuracy ${r.testAccuracy.map((a) => a.toFixed(4)).join(' ')} (${r.seconds.toFixed(0)} s)\n`);
  }
}
if (values.report) queue.length = 0;
await Promise.all(Array.from({ length: Number(values.jobs) }, worker));

const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
// Runs recovered from a progress log have no train accuracy: average the ones that do.
const trainAccuracy = (runs) => {
  const known = runs.map((r) => r.trainAccuracy?.at(-1)).filter((v) => typeof v === 'number');
  return known.length ? `${mean(known).toFixed(4)}${known.length < runs.length ? ` (${known.length} of ${runs.length} runs)` : ''}` : '–';
};
const rows = [];
for (const model of values.models.split(',')) {
  const runs = results.filter((r) => r.model === model);
  if (!runs.length) {
    rows.push(`| ${model} | not run yet | | | ${KERAS[model].accuracy} (${KERAS[model].note}) | | |`);
    continue;
  }
  const final = runs.map((r) => r.testAccuracy.at(-1));
  const perEpoch = runs[0].testAccuracy.map((_, i) => mean(runs.map((r) => r.testAccuracy[i])).toFixed(3)).join(' / ');
  const spread = (Math.max(...final) - Math.min(...final)) / 2;
  const keras = KERAS[model];
  const gap = (mean(final) - keras.accuracy) * 100;
  rows.push(`| ${model} | ${mean(final).toFixed(4)} ± ${spread.toFixed(4)} (n=${runs.length}) | ${perEpoch} | ${trainAccuracy(runs)} | ${keras.accuracy} (${keras.note}) | ${gap >= 0 ? '+' : ''}${gap.toFixed(2)} pp | ${mean(runs.map((r) => r.seconds)).toFixed(0)} s |`);
}
const table = [
  `Fashion-MNIST test accuracy after ${values.epochs} epochs (adam, batch 32, Keras defaults), mean ± half-range over the seeds run (of ${values.seeds}; n = runs per model in the table);`,
  `${cpus()[0].model}, Node ${process.versions.node}, wasm SIMD, one thread per run, ${date}. Command: \`npm run parity\`.`,
  '',
  '| model | convlab test acc. | per epoch (mean) | train acc. | Keras (course) | vs Keras | time/run |',
  '|---|---|---|---|---|---|---|',
  ...rows,
].join('\n');
await writeFile(new URL(`./results/parity-${date}.md`, import.meta.url), `${table}\n`);
console.log(table);
