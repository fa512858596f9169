// Soak: 50 train/stop/reset cycles through the Worker's command handler in one Node process,
// each a few batches of the lab model on real Fashion-MNIST. Neither the wasm heap nor the JS
// heap may keep growing: both are measured after a warm-up and must stay within a fixed bound.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, engine } from '../../web/lib/convlab.mjs';
import { loadFashionMnist } from '../../web/lib/datasets.mjs';
import { PRESETS } from '../../web/lib/presets.mjs';
import { createHandler } from '../../web/worker/handler.mjs';
import v8 from 'node:v8';
import vm from 'node:vm';

// A full collection before each JS-heap reading, so garbage is not mistaken for a leak.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const CYCLES = 50;
let slices;
before(async () => {
  const e = await engine();
  const [train, test] = await Promise.all([loadFashionMnist(e, 'train'), loadFashionMnist(e, 'test')]);
  const cut = (d, n) => ({ ...d, count: n, images: d.images.slice(0, n * 784), labels: d.labels.slice(0, n) });
  slices = { train: cut(train, 320), test: cut(test, 64) };
});

test(`${CYCLES} train/stop/reset cycles keep the wasm and JS heaps bounded`, async () => {
  const waiters = [];
  const events = [];
  const post = (msg) => {
    if (msg.type !== 'progress') events.push(msg);
    for (const w of [...waiters]) if (w.match(msg)) { waiters.splice(waiters.indexOf(w), 1); w.ok(msg); }
  };
  const handle = createHandler({ post, loadData: async () => slices, createModel });
  const next = (type, pred = () => true) => new Promise((ok) => waiters.push({ match: (m) => m.type === type && pred(m), ok }));
  let nextId = 1;
  const call = async (type, payload = {}) => {
    const id = nextId++;
    const reply = next('reply', (m) => m.id === id);
    await handle({ type, id, ...payload });
    return reply;
  };
  const memory = async () => (await call('memory')).result.wasmHeap;
  await call('build', { config: PRESETS.lab, seed: 1 });

  let wasmAfterWarmup = 0, jsAfterWarmup = 0, wasmMax = 0, jsMax = 0;
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    // Train until a few batches have run, stop mid-epoch, then reset (a fresh model).
    let batches = 0;
    const running = new Promise((ok) => waiters.push({ match: (m) => m.type === 'progress' && (batches += m.points.length) >= 3, ok }));
    const training = call('train', { runId: cycle + 1, fresh: false, settings: { epochs: 1, batchSize: 32, samples: 320 } });
    await running;
    await call('stop');
    assert.equal((await training).result.ending, 'stopped');
    await call('reset');
    const wasm = await memory();
    gc();
    const js = process.memoryUsage().heapUsed;
    if (cycle === 4) [wasmAfterWarmup, jsAfterWarmup] = [wasm, js];
    if (cycle > 4) [wasmMax, jsMax] = [Math.max(wasmMax, wasm), Math.max(jsMax, js)];
  }
  assert.deepEqual(events.filter((m) => m.type === 'reply' && m.error), []);
  assert.equal(events.filter((m) => m.type === 'reply' && m.result?.summary).length, CYCLES + 1);
  // The wasm heap only grows (memory.grow), so any per-cycle leak of the model's ~1 MB of
  // weights and ~10 MB of batch buffers would show within a few cycles.
  assert.ok(wasmMax <= wasmAfterWarmup + 16 * 2 ** 20, `wasm heap grew from ${wasmAfterWarmup} to ${wasmMax} bytes`);
  assert.ok(jsMax <= jsAfterWarmup + 32 * 2 ** 20, `JS heap grew from ${jsAfterWarmup} to ${jsMax} bytes`);
});
