// One parity run: trains a preset on the full Fashion-MNIST with Keras's defaults (adam,
// batch 32, shuffle) and prints one JSON line with the test accuracy after every epoch.
//   node bench/parity_run.mjs --model lab --seed 1 --epochs 5
import { parseArgs } from 'node:util';
import { createModel, engine } from '../web/lib/convlab.mjs';
import { loadFashionMnist } from '../web/lib/datasets.mjs';
import { PRESETS } from '../web/lib/presets.mjs';

const { values } = parseArgs({ options: { model: { type: 'string' }, seed: { type: 'string', default: '1' }, epochs: { type: 'string', default: '5' } } });
const e = await engine();
const [train, test] = await Promise.all([loadFashionMnist(e, 'train'), loadFashionMnist(e, 'test')]);
const model = await createModel(PRESETS[values.model], { seed: Number(values.seed) });
model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
const testAccuracy = [];
const started = performance.now();
const history = await model.fit(train.images, train.labels, {
  epochs: Number(values.epochs),
  batchSize: 32,
  callbacks: [{ onEpochEnd: () => testAccuracy.push(model.evaluate(test.images, test.labels).accuracy) }],
});
console.log(JSON.stringify({
  model: values.model, seed: Number(values.seed), epochs: Number(values.epochs),
  trainAccuracy: history.history.accuracy, trainLoss: history.history.loss, testAccuracy,
  seconds: (performance.now() - started) / 1000,
}));
