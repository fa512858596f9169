// Peak memory of full Fashion-MNIST training in Node (the bound: 400 MB RSS): loads all
// 70,000 images, trains the lab model for 300 batches on the full training set (every buffer
// reaches its steady size in the first batch), evaluates the test set, and prints the peak RSS
// and the wasm heap size.   node bench/memory.mjs [--model lab]
import { parseArgs } from 'node:util';
import { createModel, engine } from '../web/lib/convlab.mjs';
import { loadFashionMnist } from '../web/lib/datasets.mjs';
import { PRESETS } from '../web/lib/presets.mjs';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'lab' } } });
const e = await engine();
const [train, test] = await Promise.all([loadFashionMnist(e, 'train'), loadFashionMnist(e, 'test')]);
const model = await createModel(PRESETS[values.model]);
model.compile({});
await model.fit(train.images, train.labels, {
  epochs: 1, validationSplit: 0.1,
  callbacks: [{ onBatchEnd(batch) { if (batch === 299) this.model.stopTraining = true; } }],
});
model.evaluate(test.images, test.labels);
const mb = (b) => (b / 2 ** 20).toFixed(0);
console.log(JSON.stringify({
  model: values.model, peakRssMB: Number(mb(process.resourceUsage().maxRSS * 1024)),
  wasmHeapMB: Number(mb(e.heapSize())), jsHeapMB: Number(mb(process.memoryUsage().heapUsed)),
}));
