// The threaded wasm build under Node: chosen only when asked for, bit-identical to the
// one-thread build on 2, 3, 4 and 8 threads (more than this machine's cores: the promise does not
// depend on them), and never keeping the process alive.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { loadEngine } from '../../web/lib/engine.mjs';
import { loadFashionMnist } from '../../web/lib/datasets.mjs';
import { PRESETS } from '../../web/lib/presets.mjs';
import { trainFew } from '../e2e/pages/train_few.mjs';

const engineUrl = new URL('../../web/lib/engine.mjs', import.meta.url).href;
const one = await loadEngine();
const many = new Map();
for (const n of [2, 3, 4, 8]) many.set(n, await loadEngine({ threads: n }));
const two = many.get(2);
const data = await loadFashionMnist(one, 'test');
after(() => { for (const e of many.values()) e.dispose(); });

// Runs a module in a fresh node; returns its stdout (throws on failure or after 60 s).
function node(script, env = {}) {
  return execFileSync(process.execPath, ['--input-type=module', '-e', script],
    { env: { ...process.env, ...env }, timeout: 60_000, encoding: 'utf8' }).trim();
}

test('Node defaults to the one-thread build; threads: N loads the threaded one with N threads', () => {
  assert.equal(one.threads, 1);
  for (const [n, e] of many) assert.equal(e.threads, n);
});

test('an invalid thread count is an error', async () => {
  await assert.rejects(loadEngine({ threads: 9 }), /loadEngine: threads must be 'auto' or an integer from 1 to 8, got 9/);
});

test('2, 3, 4 and 8 threads train the lab model to the same losses and weights, bit for bit', () => {
  const images = data.images.subarray(0, 320 * 784), labels = data.labels.subarray(0, 320);
  const run = (engine) => {
    const t = new engine.Trainer(JSON.stringify(PRESETS.lab), 3, undefined);
    t.compile('adam', 'sparse_categorical_crossentropy');
    t.setData('train', images, labels);
    t.startTraining(32, true);
    const losses = [];
    for (let i = 0; i < 6; i++) losses.push(t.trainStep().loss);
    const weights = t.getWeights();
    const out = t.layerOutput(images.subarray(0, 64 * 784), -1);
    t.delete();
    return { losses, weights, out };
  };
  const a = run(one);
  for (const [n, e] of many) {
    const b = run(e);
    assert.deepEqual(b.losses, a.losses, `${n} threads`);
    assert.deepEqual(b.weights, a.weights, `${n} threads`);
    assert.deepEqual(b.out, a.out, `${n} threads`);
  }
  assert.deepEqual(trainFew(two, PRESETS.lab, images, labels), trainFew(one, PRESETS.lab, images, labels));
});

test('CONVLAB_THREADS=2 picks the threaded build, and node exits without dispose()', () => {
  const script = `import { loadEngine } from ${JSON.stringify(engineUrl)};
    const e = await loadEngine();
    const t = new e.Trainer('{"input_shape":[28,28,1],"layers":[{"Conv2D":{"filters":32,"kernel_size":3}},"Flatten",{"Dense":{"units":10,"activation":"softmax"}}]}', 1, undefined);
    t.compile('adam', 'sparse_categorical_crossentropy');
    const loss = t.trainOnBatch(new Float32Array(32 * 784).fill(0.5), new Float32Array(32)).loss;
    console.log(e.threads, Number.isFinite(loss));`;
  assert.equal(node(script, { CONVLAB_THREADS: '2' }), '2 true');
  assert.equal(node(script, { CONVLAB_THREADS: '3' }), '3 true');
  assert.equal(node(script, { CONVLAB_THREADS: '' }), '1 true');
});
