// Headless demo (what `npm start` runs until the web page lands): trains the course's lab CNN
// on the full Fashion-MNIST for one epoch (batch 32, adam, sparse_categorical_crossentropy) and
// evaluates it on the 10,000 test images, printing lines like Keras's.
//   node scripts/demo.mjs [--model lab] [--epochs 1] [--seed 1]
import { parseArgs } from 'node:util';
import { loadEngine } from '../web/lib/engine.mjs';
import { loadFashionMnist } from '../web/lib/datasets.mjs';
import { PRESETS } from '../web/lib/presets.mjs';

const { values: opts } = parseArgs({
  options: {
    model: { type: 'string', default: 'lab' },
    epochs: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    'batch-size': { type: 'string', default: '32' },
  },
});
const preset = PRESETS[opts.model];
if (!preset) {
  console.error(`demo: unknown model '${opts.model}' (one of ${Object.keys(PRESETS).join(', ')})`);
  process.exit(2);
}
const epochs = Number(opts.epochs);
const batchSize = Number(opts['batch-size']);

const engine = await loadEngine();
const [train, test] = await Promise.all([loadFashionMnist(engine, 'train'), loadFashionMnist(engine, 'test')]);
const trainer = new engine.Trainer(JSON.stringify(preset), Number(opts.seed), [28, 28, 1]);
trainer.compile('adam', 'sparse_categorical_crossentropy');
console.log(trainer.summary());
trainer.setData('train', train.images, train.labels);
trainer.setData('test', test.images, test.labels);
trainer.startTraining(batchSize, true);

const started = performance.now();
for (let epoch = 0; epoch < epochs; epoch++) {
  console.log(`Epoch ${epoch + 1}/${epochs}`);
  const t0 = performance.now();
  let seen = 0, loss = 0, acc = 0, step;
  do {
    step = trainer.trainStep();
    seen += step.size;
    loss += step.loss * step.size;
    acc += step.accuracy * step.size;
  } while (step.batch + 1 < step.batches);
  const s = (performance.now() - t0) / 1000;
  console.log(`${step.batches}/${step.batches} - ${s.toFixed(0)}s ${(1000 * s / step.batches).toFixed(0)}ms/step` +
    ` - loss: ${(loss / seen).toFixed(4)} - accuracy: ${(acc / seen).toFixed(4)} - ${(seen / s).toFixed(0)} img/s`);
}
const trainSeconds = (performance.now() - started) / 1000;
const result = trainer.evaluateData('test', 32);
console.log(`313/313 - loss: ${result.loss.toFixed(4)} - accuracy: ${result.accuracy.toFixed(4)}`);
console.log(`test accuracy ${result.accuracy.toFixed(4)} after ${epochs} epoch(s); training took ${trainSeconds.toFixed(1)} s`);
trainer.delete();
