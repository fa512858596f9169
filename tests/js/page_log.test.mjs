// The log panel's lines, as the controller writes them from the worker's events: the same text
// Keras prints for fit(verbose=1) and evaluate() (the CLI's progbar.mjs, shared).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../../web/page/store.mjs';
import { createController, initialState } from '../../web/page/controller.mjs';
import { DEFAULTS } from '../../web/lib/settings.mjs';
import { logText } from '../../web/ui/log_panel.mjs';

function harness() {
  const pending = [];
  const client = {
    request(type, payload) {
      if (type === 'build') return Promise.resolve({ summary: 's', layers: [{ name: 'dense', className: 'Dense' }], params: 1 });
      return new Promise((resolve) => pending.push({ type, payload, resolve }));
    },
  };
  const store = createStore(initialState({ ...DEFAULTS }));
  const parse = () => ({ config: {}, layerLines: [1], compile: null, fit: null, stop: null });
  const controller = createController({ client, store, parse, timers: { setTimeout: () => 0, clearTimeout() {} } });
  return { controller, store, pending };
}

const settle = async () => { for (let i = 0; i < 5; i++) await new Promise((ok) => setImmediate(ok)); };

test('fit and evaluate print the notebook\'s lines', async () => {
  const h = harness();
  h.controller.onEvent({ type: 'ready', dataset: 'fashion-mnist', trainCount: 60000, testCount: 10000 });
  h.controller.edit('code');
  await h.controller.build();
  h.controller.train();
  await settle();
  const run = h.pending.find((p) => p.type === 'train');
  const runId = run.payload.runId;
  const logs = { loss: 0.459, accuracy: 0.83381 };
  h.controller.onEvent({ type: 'progress', runId, points: [], epoch: 0, epochs: 2, batch: 936, batches: 1875, logs, elapsed: 7, imagesPerSecond: 1, etaSeconds: 7 });
  assert.equal(logText(h.store.get().log), 'Epoch 1/2\n 937/1875 [=============>................] - ETA: 7s - loss: 0.4590 - accuracy: 0.8338');
  h.controller.onEvent({ type: 'epoch', runId, epoch: 0, epochs: 2, batches: 1875, steps: 1875, step: 1875, logs: { ...logs, val_loss: 0.00012, val_accuracy: 0.9 }, seconds: 14.2 });
  h.controller.onEvent({ type: 'progress', runId, points: [], epoch: 1, epochs: 2, batch: 99, batches: 1875, logs, elapsed: 1, imagesPerSecond: 1, etaSeconds: 1 });
  // Stopped in the second epoch at step 100: Keras finalizes the bar there, with time per step.
  h.controller.onEvent({ type: 'epoch', runId, epoch: 1, epochs: 2, batches: 1875, steps: 100, step: 1975, logs, seconds: 0.8 });
  run.resolve({ runId, ending: 'threshold', message: 'Reached 99.5% accuracy so cancelling training!', stoppedAt: null, history: {},
    test: { loss: 0.28901, accuracy: 0.8966, steps: 313, seconds: 0.9 } });
  await settle();
  assert.deepEqual(h.store.get().log.lines, [
    'Epoch 1/2',
    '1875/1875 [==============================] - 14s 8ms/step - loss: 0.4590 - accuracy: 0.8338 - val_loss: 1.2000e-04 - val_accuracy: 0.9000',
    'Epoch 2/2',
    ' 100/1875 [>.............................] - 1s 8ms/step - loss: 0.4590 - accuracy: 0.8338',
    'Reached 99.5% accuracy so cancelling training!',
    '313/313 [==============================] - 1s 3ms/step - loss: 0.2890 - accuracy: 0.8966',
  ]);
  assert.equal(h.store.get().log.live, null);
  assert.equal(h.store.get().rows[0].ending, 'threshold');
});

test("the code's augmentation and schedule go with the run; the scheduler's lines follow 'Epoch N/M'", async () => {
  const h = harness();
  const schedule = { name: 'f', params: ['epoch'], body: [], globals: {}, verbose: 1 };
  const fit = { epochs: 2, batchSize: 64, validationSplit: 0, augment: { rotationRange: 15 }, schedule };
  const controller = createController({ client: { request: (type, payload) => (type === 'build' ? Promise.resolve({ summary: 's', layers: [], params: 1 }) : new Promise((resolve) => h.pending.push({ type, payload, resolve }))) },
    store: h.store, parse: () => ({ config: {}, layerLines: [], compile: null, fit, stop: null }), timers: { setTimeout: () => 0, clearTimeout() {} } });
  controller.onEvent({ type: 'ready', dataset: 'fashion-mnist', trainCount: 600, testCount: 100 });
  controller.edit('code');
  await controller.build();
  assert.deepEqual(h.store.get().augment, { rotationRange: 15 });
  controller.setAugment({ rotationRange: 5, horizontalFlip: true }); // the panel's edit wins for the next run
  controller.train();
  await settle();
  const run = h.pending.find((p) => p.type === 'train');
  assert.deepEqual(run.payload.augment, { rotationRange: 5, horizontalFlip: true });
  assert.equal(run.payload.schedule, schedule);
  assert.equal(run.payload.settings.batchSize, 64);
  const logs = { loss: 0.5, accuracy: 0.8 };
  const note = ['', 'Epoch 00001: LearningRateScheduler setting learning rate to 0.001.'];
  controller.onEvent({ type: 'progress', runId: run.payload.runId, points: [], notes: note, epoch: 0, epochs: 2, batch: 0, batches: 10, logs, elapsed: 1, imagesPerSecond: 1, etaSeconds: 1 });
  controller.onEvent({ type: 'progress', runId: run.payload.runId, points: [], notes: [], epoch: 0, epochs: 2, batch: 1, batches: 10, logs, elapsed: 1, imagesPerSecond: 1, etaSeconds: 1 });
  assert.deepEqual(h.store.get().log.lines, ['Epoch 1/2', ...note]);
});
