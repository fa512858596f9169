// Loads the engine on the page and in a module Worker, trains a few batches of real
// Fashion-MNIST in each, and publishes the losses for the e2e test to read.
import { loadEngine } from '/lib/engine.mjs';
import { loadFashionMnist } from '/lib/datasets.mjs';
import { PRESETS } from '/lib/presets.mjs';
import { trainFew } from './train_few.mjs';

async function onPage() {
  const engine = await loadEngine();
  const test = await loadFashionMnist(engine, 'test', '/data/fashion-mnist');
  return trainFew(engine, PRESETS.lab, test.images.subarray(0, 320 * 784), test.labels.subarray(0, 320));
}

function inWorker() {
  const worker = new Worker(new URL('./smoke_worker.mjs', import.meta.url), { type: 'module' });
  return new Promise((ok, fail) => {
    worker.onmessage = (e) => (e.data.error ? fail(new Error(e.data.error)) : ok(e.data.losses));
    worker.onerror = (e) => fail(new Error(e.message));
  });
}

if (typeof document !== 'undefined') {
  Promise.all([onPage(), inWorker()]).then(
    ([page, worker]) => { window.smokeResult = { page, worker }; },
    (e) => { window.smokeResult = { error: String(e) }; });
}
