// npm run bench: convlab (wasm in this Node process, one thread and two; native) beside TensorFlow.js
// ('cpu' and 'wasm' SIMD backends) and, when asked, PyTorch CPU (1 and 2 threads), training and
// predicting the course's models with batch 32 on the real Fashion-MNIST, in one run. Prints JSON
// lines as rows finish, then a markdown table, and writes both to bench/results/<date>.md.
//   node bench/run.mjs [--models lab,lab64,single-conv,dnn] [--seconds 1] [--quick] [--no-threads]
//                      [--peers tfjs|torch|tfjs,torch] [--no-peers]
// The "2 threads" rows run the threaded build (web/wasm/convlab-mt-node.cjs) and the native
// build with its pool on; their "× 1 thread" column divides by the one-thread row above them.
// Timings: >= 30 warm-up calls before timing convlab's wasm (V8 tier-up), then the median of
// >= 3 timed runs of >= `seconds` each. TF.js is ~100x slower on the conv models, so its runs are
// a few batches (>= 1 per run).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadEngine } from '../web/lib/engine.mjs';
import { loadFashionMnist } from '../web/lib/datasets.mjs';
import { PRESETS } from '../web/lib/presets.mjs';
import { benchNative, benchWasm, nativeBinaries } from './convlab.mjs';
import { forwardFlops } from './flops.mjs';
import { jsonLine, markdownTable } from './report.mjs';
import { benchTf, loadTf } from './tfjs.mjs';
import { benchTorch, ensureTorch, torchVersion } from './torch.mjs';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const { values: opts } = parseArgs({ options: {
  models: { type: 'string', default: 'lab,lab64,single-conv,dnn' },
  seconds: { type: 'string', default: '1' },
  'no-peers': { type: 'boolean', default: false },
  peers: { type: 'string', default: 'tfjs' },
  quick: { type: 'boolean', default: false },
  'no-threads': { type: 'boolean', default: false },
} });
const models = opts.models.split(',');
const peers = new Set(opts['no-peers'] ? [] : opts.peers.split(',').filter(Boolean));
for (const p of peers) if (!['tfjs', 'torch'].includes(p)) throw new Error(`bench: unknown peer '${p}' (tfjs, torch)`);
const seconds = Number(opts.seconds);
const runs = opts.quick ? 3 : 5;
const cfg = {
  convlab: { warmup: 30, runs, minSeconds: seconds, minSteps: 3 },
  'tfjs-wasm': { warmup: 3, runs: 3, minSeconds: seconds / 2, minSteps: 1 },
  'tfjs-cpu': { warmup: 1, runs: 3, minSeconds: 0, minSteps: 1 },
};
const TFJS_WASM_CONV =
  'cannot train Conv2D: no Conv2DBackpropFilter kernel in tfjs-backend-wasm (tensorflow/tfjs#8474)';

const engine = await loadEngine({ threads: 1 });
const engineMt = opts['no-threads'] ? null : await loadEngine({ threads: 2 });
const train = await loadFashionMnist(engine, 'train');
const x = new Float32Array(32 * 784);
for (let i = 0; i < x.length; i++) x[i] = train.images[i] / 255;
const dataDir = `${root}/build/native/test-data`;  // decompressed by the native CMake build
const natives = nativeBinaries(root);
if (peers.has('tfjs')) await loadTf();
if (peers.has('torch')) ensureTorch();
const FASHION = '/usr/share/datasets/fashion-mnist';  // Debian's dataset-fashion-mnist

const rows = [];
const emit = (row) => {
  rows.push(row);
  console.log(jsonLine(row));
};
const add = (model, engineName, result, flops) => {
  for (const task of ['train', 'infer']) {
    const r = result[task];
    const flopsPerImage = task === 'train' ? 3 * flops : flops;
    emit(r.error ? { model, task, engine: engineName, error: r.error }
      : { model, task, engine: engineName, runs: r, flopsPerImage });
  }
};

for (const model of models) {
  const preset = PRESETS[model];
  if (!preset) throw new Error(`bench: unknown model '${model}'`);
  const probe = new engine.Trainer(JSON.stringify(preset), 1, [28, 28, 1]);
  const flops = forwardFlops(JSON.parse(probe.describe()));
  probe.delete();
  add(model, 'convlab wasm', await benchWasm(engine, preset, train, x, cfg.convlab), flops);
  if (engineMt) {
    add(model, 'convlab wasm 2 threads', await benchWasm(engineMt, preset, train, x, cfg.convlab), flops);
  }
  for (const n of natives) {
    add(model, n.engine, benchNative(n.path, preset, dataDir, cfg.convlab), flops);
    if (engineMt) add(model, `${n.engine} 2 threads`, benchNative(n.path, preset, dataDir, cfg.convlab, 2), flops);
  }
  if (peers.has('torch')) {
    for (const threads of [1, 2]) {
      const name = threads === 1 ? 'pytorch cpu' : 'pytorch cpu 2 threads';
      add(model, name, benchTorch(preset, FASHION, threads, cfg.convlab), flops);
    }
  }
  if (!peers.has('tfjs')) continue;
  const hasConv = preset.layers.some((l) => typeof l === 'object' && 'Conv2D' in l);
  for (const backend of ['wasm', 'cpu']) {
    const name = `tfjs-${backend}`;
    const result = await benchTf(backend, preset, train, cfg[name]);
    // The wasm backend's failure to train a conv net is a finding, reported as its own row.
    if (backend === 'wasm' && hasConv && result.train.error) {
      if (!/Conv2DBackpropFilter/.test(result.train.error)) throw new Error(result.train.error);
      result.train = { error: TFJS_WASM_CONV };
    }
    add(model, name, result, flops);
  }
}

const order = ['train', 'infer'];
rows.sort((a, b) => models.indexOf(a.model) - models.indexOf(b.model) ||
  order.indexOf(a.task) - order.indexOf(b.task));
const cpu = (() => {
  try {
    return execFileSync('lscpu', { encoding: 'utf8' }).match(/Model name:\s*(.+)/)[1].trim();
  } catch {
    return os.cpus()[0]?.model ?? 'unknown CPU';
  }
})();
const date = new Date().toISOString().slice(0, 10);
const header = `Measured ${date} on ${cpu} (${os.cpus().length} cores, shared), Node ${process.versions.node}; ` +
  'batch 32, adam, real Fashion-MNIST; one thread except the "2 threads" rows ' +
  '(tfjs-wasm has no threads under Node)' +
  (peers.has('torch') ? `; PyTorch ${torchVersion()} CPU through Debian's python3-torch.` : '.');
const table = markdownTable(rows);
console.log(`\n${header}\n\n${table}`);
mkdirSync(`${root}/bench/results`, { recursive: true });
const file = `${root}/bench/results/${date}.md`;
writeFileSync(file, `# convlab bench, ${date}\n\n${header}\n\n${table}\n\n` +
  `JSON lines:\n\n\`\`\`\n${rows.map(jsonLine).join('\n')}\n\`\`\`\n`);
console.log(`\nwrote ${file.slice(root.length + 1)}`);
engineMt?.dispose();
