// convlab rows: the wasm engine in this process (one JS->wasm call per batch, as the demo does)
// and the native bench executable, both on the same Fashion-MNIST training set.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { measure } from './stats.mjs';

const BATCH = 32;

export function makeTrainer(engine, preset, train) {
  const t = new engine.Trainer(JSON.stringify(preset), 1, [28, 28, 1]);
  t.compile('adam', 'sparse_categorical_crossentropy');
  t.setData('train', train.images, train.labels);
  t.startTraining(BATCH, true);
  return t;
}

// V8 runs a wasm function in Liftoff until it has been called often enough to tier it up to
// TurboFan (TOOLCHAIN.md), so both tasks warm up with >= 30 calls before timing.
export async function benchWasm(engine, preset, train, x, cfg) {
  const t = makeTrainer(engine, preset, train);
  try {
    const trainRuns = await measure(() => t.trainStep(), BATCH, cfg);
    const inferRuns = await measure(() => t.layerOutput(x, -1), BATCH, cfg);
    return { train: trainRuns, infer: inferRuns };
  } finally {
    t.delete();
  }
}

// Native rows come from build/native/native_bench (and native_bench_march when built).
export function nativeBinaries(root) {
  return [['convlab native', 'native_bench'], ['convlab native -march=native', 'native_bench_march']]
    .map(([engine, file]) => ({ engine, path: `${root}/build/native/${file}` }))
    .filter((b) => existsSync(b.path));
}

export function benchNative(binary, preset, dataDir, cfg, threads = 1) {
  const out = execFileSync(binary, [JSON.stringify(preset), dataDir, String(cfg.minSeconds),
    String(cfg.runs), String(cfg.warmup), String(threads)], { encoding: 'utf8' });
  const result = {};
  for (const line of out.trim().split('\n')) {
    const { task, runs } = JSON.parse(line);
    result[task] = runs;
  }
  return result;
}
