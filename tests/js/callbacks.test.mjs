// Callbacks driven by hand through epoch sequences on a fake model; every expected epoch and
// learning rate below was worked out by hand from Keras's rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Callback, toCallbackList, StopAtThreshold, EarlyStopping, LearningRateScheduler, ReduceLROnPlateau, pythonFloat,
} from '../../web/lib/callbacks.mjs';

// Weights tag the epoch that produced them: after epoch e they are [e, 10e].
function fakeModel(learningRate = 0.01) {
  let weights = new Float32Array([-1, -1]);
  return {
    stopTraining: false,
    optimizer: { learningRate },
    setWeightsCalls: 0,
    getWeights() { return weights.slice(); },
    setWeights(w) { this.setWeightsCalls++; weights = Float32Array.from(w); },
    trainEpoch(epoch) { weights = new Float32Array([epoch, 10 * epoch]); },
  };
}

// The fit loop's epoch-level order (Keras): onTrainBegin, then per epoch onEpochBegin, train,
// onEpochEnd, stop if asked; onTrainEnd. epochLogs[e] is the logs object of epoch e.
async function fit(callbacks, epochLogs, model = fakeModel()) {
  const list = toCallbackList(callbacks);
  list.setModel(model);
  model.stopTraining = false;
  await list.onTrainBegin({});
  const logs = [];
  let epochsRun = 0;
  for (let epoch = 0; epoch < epochLogs.length && !model.stopTraining; epoch++) {
    await list.onEpochBegin(epoch, {});
    model.trainEpoch(epoch);
    const l = { ...epochLogs[epoch] };
    await list.onEpochEnd(epoch, l);
    logs.push(l);
    epochsRun++;
  }
  await list.onTrainEnd(logs.at(-1) ?? {});
  return { model, logs, epochsRun };
}

const series = (key, values) => values.map((v) => ({ [key]: v }));

// --- StopAtThreshold -------------------------------------------------------------------------

test('StopAtThreshold stops after the first epoch whose accuracy is above 0.995', async () => {
  const cb = new StopAtThreshold();
  const { model, epochsRun } = await fit([cb], series('accuracy', [0.98, 0.993, 0.9951, 0.999]));
  assert.equal(epochsRun, 3);
  assert.equal(cb.stoppedEpoch, 2);
  assert.equal(model.stopTraining, true);
  assert.equal(cb.message, 'Reached 99.5% accuracy so cancelling training!');
});

test('StopAtThreshold compares strictly, as the course does', async () => {
  const cb = new StopAtThreshold({ threshold: 0.99 });
  const { epochsRun } = await fit([cb], series('accuracy', [0.5, 0.99, 0.9901, 0.3]));
  assert.equal(epochsRun, 3);
  assert.equal(cb.stoppedEpoch, 2);
  assert.equal(cb.message, 'Reached 99% accuracy so cancelling training!');
});

test('StopAtThreshold does nothing when the threshold is never passed', async () => {
  const cb = new StopAtThreshold();
  const { model, epochsRun } = await fit([cb], series('accuracy', [0.9, 0.995, 0.99]));
  assert.equal(epochsRun, 3);
  assert.equal(model.stopTraining, false);
  assert.equal(cb.stoppedEpoch, null);
  assert.equal(cb.message, null);
});

test('StopAtThreshold on a loss in min mode, and on val_accuracy', async () => {
  const low = new StopAtThreshold({ monitor: 'loss', threshold: 0.1, mode: 'min' });
  const run = await fit([low], series('loss', [0.5, 0.1, 0.09, 0.01]));
  assert.equal(run.epochsRun, 3);
  assert.equal(low.stoppedEpoch, 2);
  assert.equal(low.message, 'Reached loss below 0.1 so cancelling training!');

  const val = new StopAtThreshold({ monitor: 'val_accuracy', threshold: 0.6 });
  await fit([val], [{ accuracy: 0.9, val_accuracy: 0.5 }, { accuracy: 0.5, val_accuracy: 0.7 }]);
  assert.equal(val.stoppedEpoch, 1);
  assert.equal(val.message, 'Reached 60% val_accuracy so cancelling training!');
});

test('StopAtThreshold names a missing monitor and the keys that exist', async () => {
  const cb = new StopAtThreshold({ monitor: 'val_accuracy' });
  await assert.rejects(fit([cb], [{ loss: 0.3, accuracy: 0.9 }]),
    { message: "StopAtThreshold: monitor 'val_accuracy' is not in the epoch logs; available keys: loss, accuracy" });
});

// --- EarlyStopping ---------------------------------------------------------------------------

test('EarlyStopping: patience counts epochs without improvement (loss, min)', async () => {
  // e0 best 1.0, e1 best 0.8, e2 wait 1, e3 wait 2 >= patience -> stop after epoch 3.
  const cb = new EarlyStopping({ monitor: 'loss', patience: 2 });
  const { epochsRun, model } = await fit([cb], series('loss', [1.0, 0.8, 0.85, 0.9, 0.7]));
  assert.equal(epochsRun, 4);
  assert.equal(cb.stoppedEpoch, 3);
  assert.equal(cb.best, 0.8);
  assert.equal(cb.bestEpoch, 1);
  assert.equal(model.stopTraining, true);
  assert.equal(model.setWeightsCalls, 0);
});

test('EarlyStopping: patience 0 stops at the first non-improving epoch, but never at epoch 0', async () => {
  const cb = new EarlyStopping({ monitor: 'loss' });
  assert.equal((await fit([cb], series('loss', [1.0, 1.0, 0.5]))).epochsRun, 2);
  assert.equal(cb.stoppedEpoch, 1);
  // A NaN first epoch is no improvement, yet Keras only stops from epoch 1 on.
  const run = await fit([cb], series('loss', [NaN, 1.0, 0.9, 0.95]));
  assert.equal(run.epochsRun, 4);
  assert.equal(cb.stoppedEpoch, 3);
});

test('EarlyStopping: minDelta demands a large enough change, whatever its sign', async () => {
  // e0 best 1.0; e1 0.95+0.1 < 1.0? no (wait 1); e2 0.85+0.1 < 1.0 yes (best 0.85, wait 0);
  // e3 0.8+0.1 < 0.85? no (wait 1 < 2). Training ends naturally.
  for (const minDelta of [0.1, -0.1]) {
    const cb = new EarlyStopping({ monitor: 'loss', minDelta, patience: 2 });
    const { epochsRun } = await fit([cb], series('loss', [1.0, 0.95, 0.85, 0.8]));
    assert.equal(epochsRun, 4);
    assert.equal(cb.stoppedEpoch, 0);
    assert.equal(cb.best, 0.85);
    assert.equal(cb.bestEpoch, 2);
    assert.equal(cb.wait, 1);
  }
  // Without minDelta, 0.95 and 0.8 are improvements.
  const plain = new EarlyStopping({ monitor: 'loss', patience: 2 });
  await fit([plain], series('loss', [1.0, 0.95, 0.85, 0.8]));
  assert.equal(plain.best, 0.8);
  assert.equal(plain.wait, 0);
});

test('EarlyStopping: mode auto maximises *acc* metrics; an explicit mode overrides it', async () => {
  const accs = series('val_accuracy', [0.80, 0.85, 0.84, 0.83]);
  const auto = new EarlyStopping({ monitor: 'val_accuracy', patience: 2 });
  assert.equal((await fit([auto], accs)).epochsRun, 4);
  assert.equal(auto.stoppedEpoch, 3);
  assert.equal(auto.best, 0.85);
  // In min mode 0.85 is worse than 0.80: wait 1 at e1, 2 at e2 -> stop.
  const min = new EarlyStopping({ monitor: 'val_accuracy', patience: 2, mode: 'min' });
  assert.equal((await fit([min], accs)).epochsRun, 3);
  assert.equal(min.stoppedEpoch, 2);
  assert.equal(min.best, 0.80);
  // Any other name is minimised in auto mode (tf.keras 2.x).
  assert.equal(new EarlyStopping({ monitor: 'val_auc' }).maximize, false);
  assert.equal(new EarlyStopping({ monitor: 'acc' }).maximize, true);
});

test('EarlyStopping: patience restarts only on beating the baseline too', async () => {
  // e0 best 0.8 (under baseline 0.9: wait stays 1); e1 best 0.85 (wait 2); e2 no improvement,
  // wait 3 >= 2 -> stop. Without a baseline the same run goes on to 0.95.
  const accs = series('val_accuracy', [0.8, 0.85, 0.85, 0.95]);
  const withBaseline = new EarlyStopping({ monitor: 'val_accuracy', patience: 2, baseline: 0.9 });
  assert.equal((await fit([withBaseline], accs)).epochsRun, 3);
  assert.equal(withBaseline.stoppedEpoch, 2);
  const without = new EarlyStopping({ monitor: 'val_accuracy', patience: 2 });
  assert.equal((await fit([without], accs)).epochsRun, 4);
  assert.equal(without.stoppedEpoch, 0);
  // Beating the baseline early resets patience as usual.
  const beaten = new EarlyStopping({ monitor: 'val_accuracy', patience: 2, baseline: 0.9 });
  assert.equal((await fit([beaten], series('val_accuracy', [0.95, 0.94, 0.96, 0.9, 0.9]))).epochsRun, 5);
});

test('EarlyStopping: restoreBestWeights restores the best epoch when it stops early', async () => {
  const cb = new EarlyStopping({ patience: 2, restoreBestWeights: true });
  const { model, epochsRun } = await fit([cb], series('val_loss', [0.5, 0.4, 0.45, 0.47, 0.3]));
  assert.equal(epochsRun, 4);
  assert.equal(cb.stoppedEpoch, 3);
  assert.equal(cb.bestEpoch, 1);
  assert.equal(model.setWeightsCalls, 1);
  assert.deepEqual(model.getWeights(), new Float32Array([1, 10]));
});

test('EarlyStopping: restoreBestWeights keeps the last weights when training ends naturally', async () => {
  const cb = new EarlyStopping({ patience: 2, restoreBestWeights: true });
  const { model } = await fit([cb], series('val_loss', [0.5, 0.4, 0.45]));
  assert.equal(cb.stoppedEpoch, 0);
  assert.equal(model.setWeightsCalls, 0);
  assert.deepEqual(model.getWeights(), new Float32Array([2, 20]));
});

test('EarlyStopping: with no improvement after the first epoch, that epoch is restored', async () => {
  const cb = new EarlyStopping({ patience: 2, restoreBestWeights: true });
  const { model } = await fit([cb], series('val_loss', [0.5, 0.6, 0.7, 0.1]));
  assert.equal(cb.stoppedEpoch, 2);
  assert.deepEqual(model.getWeights(), new Float32Array([0, 0]));
});

test('EarlyStopping: startFromEpoch ignores the warm-up epochs', async () => {
  const losses = series('loss', [1, 2, 3, 4, 5]);
  const warm = new EarlyStopping({ monitor: 'loss', startFromEpoch: 2 });
  assert.equal((await fit([warm], losses)).epochsRun, 4);
  assert.equal(warm.stoppedEpoch, 3);
  assert.equal(warm.best, 3);
  const cold = new EarlyStopping({ monitor: 'loss' });
  assert.equal((await fit([cold], losses)).epochsRun, 2);
});

test('EarlyStopping: a missing monitor is a warning, not an error, and nothing stops', async () => {
  const cb = new EarlyStopping();
  const { epochsRun } = await fit([cb], series('loss', [1, 2, 3]));
  assert.equal(epochsRun, 3);
  assert.equal(cb.warning,
    "EarlyStopping: monitor 'val_loss' is not in the epoch logs, so early stopping is skipped; available keys: loss");
});

test('EarlyStopping: onTrainBegin resets the state so an instance can be reused', async () => {
  const cb = new EarlyStopping({ monitor: 'loss', patience: 1, restoreBestWeights: true });
  const first = await fit([cb], series('loss', [1, 2, 3]));
  assert.equal(first.epochsRun, 2);
  const second = await fit([cb], series('loss', [5, 4, 3, 3]));
  assert.equal(second.epochsRun, 4);
  assert.equal(cb.stoppedEpoch, 3);
  assert.equal(cb.best, 3);
  assert.deepEqual(second.model.getWeights(), new Float32Array([2, 20]));
});

// --- LearningRateScheduler -------------------------------------------------------------------

test('LearningRateScheduler sets the rate before each epoch and logs it after', async () => {
  const seen = [];
  const cb = new LearningRateScheduler((epoch, lr) => {
    seen.push([epoch, lr]);
    return epoch < 2 ? lr : lr * 0.5;
  });
  const { model, logs } = await fit([cb], series('loss', [1, 1, 1, 1]), fakeModel(0.01));
  assert.deepEqual(seen, [[0, 0.01], [1, 0.01], [2, 0.01], [3, 0.005]]);
  assert.deepEqual(logs.map((l) => l.learning_rate), [0.01, 0.01, 0.005, 0.0025]);
  assert.equal(model.optimizer.learningRate, 0.0025);
});

test('LearningRateScheduler accepts an async schedule and rejects bad rates with the epoch', async () => {
  const asyncCb = new LearningRateScheduler(async (epoch) => 0.1 / (epoch + 1));
  const { logs } = await fit([asyncCb], series('loss', [1, 1]));
  assert.deepEqual(logs.map((l) => l.learning_rate), [0.1, 0.05]);

  const nan = new LearningRateScheduler((epoch, lr) => (epoch === 3 ? NaN : lr));
  await assert.rejects(fit([nan], series('loss', [1, 1, 1, 1, 1])),
    { message: 'LearningRateScheduler: schedule returned NaN for epoch 3 (it must return a finite number > 0)' });
  for (const bad of ['0.1', undefined, 0, -1, Infinity]) {
    const cb = new LearningRateScheduler(() => bad);
    await assert.rejects(fit([cb], series('loss', [1])), { message: /^LearningRateScheduler: schedule returned .* for epoch 0/ });
  }
  assert.throws(() => new LearningRateScheduler(0.1),
    { message: 'LearningRateScheduler: schedule must be a function (epoch, lr) => newLr, got 0.1' });
});

test("LearningRateScheduler verbose=1 leaves tf.keras 2.x's line in .message, the rate as Python prints it", async () => {
  const messages = [];
  const cb = new LearningRateScheduler((epoch) => [0.001, 1e-5, 1][epoch], 1);
  const spy = { onEpochBegin: () => messages.push(cb.message) };
  await fit([cb, spy], series('loss', [1, 1, 1]));
  assert.deepEqual(messages, [
    '\nEpoch 00001: LearningRateScheduler setting learning rate to 0.001.',
    '\nEpoch 00002: LearningRateScheduler setting learning rate to 1e-05.',
    '\nEpoch 00003: LearningRateScheduler setting learning rate to 1.0.',
  ]);
  const quiet = new LearningRateScheduler(() => 0.1);
  await fit([quiet], series('loss', [1]));
  assert.equal(quiet.message, null);
  assert.deepEqual([0.5, 100, 1.5e-7, 2.5e16, 0.0001, 0.00012].map(pythonFloat), ['0.5', '100.0', '1.5e-07', '2.5e+16', '0.0001', '0.00012']);
});

// --- ReduceLROnPlateau -----------------------------------------------------------------------

const plateau = series('val_loss', [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]);

test('ReduceLROnPlateau halves the rate after each plateau down to minLr (no cooldown)', async () => {
  // e2 wait 1, e3 wait 2 -> 0.005; e4 wait 1, e5 -> 0.0025; e6 wait 1, e7 -> max(0.00125, 0.002);
  // e8 wait 1, e9 wait 2 but 0.002 is not above minLr: unchanged. Logs show the rate before.
  const cb = new ReduceLROnPlateau({ factor: 0.5, patience: 2, minLr: 0.002 });
  const { model, logs } = await fit([cb], plateau, fakeModel(0.01));
  assert.deepEqual(logs.map((l) => l.learning_rate), [0.01, 0.01, 0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025, 0.002, 0.002]);
  assert.equal(model.optimizer.learningRate, 0.002);
  assert.equal(cb.best, 0.9);
  assert.equal(cb.wait, 2);
});

test('ReduceLROnPlateau cooldown skips counting for cooldown epochs after a reduction', async () => {
  // e3 -> 0.005 (cooldown 2); e4 cooldown 1; e5 cooldown 0 then wait 1; e6 wait 2 -> 0.0025;
  // e7, e8 likewise; e9 -> max(0.00125, 0.002) = 0.002.
  const cb = new ReduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 2, minLr: 0.002 });
  const { model, logs } = await fit([cb], plateau, fakeModel(0.01));
  assert.deepEqual(logs.map((l) => l.learning_rate), [0.01, 0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.0025, 0.0025, 0.0025]);
  assert.equal(model.optimizer.learningRate, 0.002);
  assert.equal(cb.cooldownCounter, 2);
});

test('ReduceLROnPlateau: changes under minDelta are no improvement; accuracy is maximised', async () => {
  // e1 0.99995 is not below 1.0 - 1e-4: wait 1 = patience -> 0.1 * 0.1; e2 improves; e3 does not.
  const cb = new ReduceLROnPlateau({ monitor: 'loss', patience: 1 });
  const { model } = await fit([cb], series('loss', [1.0, 0.99995, 0.5, 0.49995]), fakeModel(0.1));
  assert.ok(Math.abs(model.optimizer.learningRate - 0.001) < 1e-15, String(model.optimizer.learningRate));
  assert.equal(cb.best, 0.5);

  const acc = new ReduceLROnPlateau({ monitor: 'val_accuracy', patience: 1, factor: 0.5 });
  const run = await fit([acc], series('val_accuracy', [0.5, 0.6, 0.59, 0.7]), fakeModel(0.01));
  assert.deepEqual(run.logs.map((l) => l.learning_rate), [0.01, 0.01, 0.01, 0.005]);
  assert.equal(run.model.optimizer.learningRate, 0.005);
});

test('ReduceLROnPlateau logs the rate and warns when the monitor is missing', async () => {
  const cb = new ReduceLROnPlateau({ patience: 0 });
  const { model, logs } = await fit([cb], series('loss', [1, 2]), fakeModel(0.01));
  assert.equal(model.optimizer.learningRate, 0.01);
  assert.deepEqual(logs.map((l) => l.learning_rate), [0.01, 0.01]);
  assert.match(cb.warning, /^ReduceLROnPlateau: monitor 'val_loss' is not in the epoch logs.*available keys: loss, learning_rate$/);
});

// --- toCallbackList --------------------------------------------------------------------------

test('toCallbackList calls hooks in order, awaits async ones and sets .model on plain objects', async () => {
  const calls = [];
  class Recorder extends Callback {
    async onEpochEnd(epoch, logs) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      logs.seen = 'recorder';
      calls.push(`recorder ${epoch}`);
    }
  }
  const plain = {
    onTrainBegin: () => calls.push('plain begin'),
    onEpochEnd(epoch, logs) { calls.push(`plain ${epoch} ${logs.seen}`); },
  };
  const recorder = new Recorder();
  const list = toCallbackList([recorder, plain, {}]);
  const model = fakeModel();
  list.setModel(model);
  assert.equal(recorder.model, model);
  assert.equal(plain.model, model);
  await list.onTrainBegin({});
  await list.onEpochEnd(0, {});
  await list.onBatchEnd(0, {});
  assert.deepEqual(calls, ['plain begin', 'recorder 0', 'plain 0 recorder']);
  for (const hook of ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd']) {
    const pending = list[hook](1, {});
    assert.ok(pending instanceof Promise, hook);
    await pending;
  }
  await toCallbackList().onEpochEnd(0, {});
});

test('toCallbackList rejects what is not a list of callback objects', () => {
  assert.throws(() => toCallbackList(new EarlyStopping()), { message: /^callbacks must be an array of callbacks, got an object \(EarlyStopping\); wrap a single callback as \[callback\]$/ });
  assert.throws(() => toCallbackList([EarlyStopping]),
    { message: 'callbacks[0] is a function (EarlyStopping), not a callback object; did you forget new EarlyStopping(...)?' });
  assert.throws(() => toCallbackList([{}, 3]), { message: 'callbacks[1] must be a callback object, got 3' });
  assert.throws(() => toCallbackList([{ on_epoch_end() {} }]),
    { message: 'callbacks[0] has a method on_epoch_end; hooks here are camelCase: onEpochEnd' });
});

// --- option validation -----------------------------------------------------------------------

test('constructor options are validated with clear messages', () => {
  const cases = [
    [() => new EarlyStopping({ patience: -1 }), 'EarlyStopping: patience must be an integer >= 0, got -1'],
    [() => new EarlyStopping({ patience: 1.5 }), 'EarlyStopping: patience must be an integer >= 0, got 1.5'],
    [() => new EarlyStopping({ patiense: 3 }), "EarlyStopping: unknown option 'patiense' (did you mean 'patience'?)"],
    [() => new EarlyStopping({ min_delta: 0.1 }), "EarlyStopping: unknown option 'min_delta' (did you mean 'minDelta'?)"],
    [() => new EarlyStopping({ restore_best_weights: true }), "EarlyStopping: unknown option 'restore_best_weights' (did you mean 'restoreBestWeights'?)"],
    [() => new EarlyStopping({ verbose: 1 }), "EarlyStopping: unknown option 'verbose' (options: monitor, minDelta, patience, mode, baseline, restoreBestWeights, startFromEpoch)"],
    [() => new EarlyStopping({ mode: 'maximum' }), "EarlyStopping: mode must be 'auto', 'min' or 'max', got 'maximum'"],
    [() => new EarlyStopping({ baseline: '0.9' }), "EarlyStopping: baseline must be a finite number, got '0.9'"],
    [() => new EarlyStopping({ minDelta: NaN }), 'EarlyStopping: minDelta must be a finite number, got NaN'],
    [() => new EarlyStopping({ restoreBestWeights: 1 }), 'EarlyStopping: restoreBestWeights must be true or false, got 1'],
    [() => new EarlyStopping({ monitor: '' }), "EarlyStopping: monitor must be a log key such as 'val_loss' or 'accuracy', got ''"],
    [() => new EarlyStopping('val_loss'), "EarlyStopping: options must be an object such as { monitor: ... }, got 'val_loss'"],
    [() => new StopAtThreshold({ threshold: NaN }), 'StopAtThreshold: threshold must be a finite number, got NaN'],
    [() => new StopAtThreshold({ mode: 'auto' }), "StopAtThreshold: mode must be 'max' or 'min', got 'auto'"],
    [() => new StopAtThreshold({ treshold: 0.9 }), "StopAtThreshold: unknown option 'treshold' (did you mean 'threshold'?)"],
    [() => new ReduceLROnPlateau({ factor: 1 }), 'ReduceLROnPlateau: factor must be a number with 0 < factor < 1 (the new learning rate is lr * factor), got 1'],
    [() => new ReduceLROnPlateau({ factor: 0 }), /factor must be a number with 0 < factor < 1/],
    [() => new ReduceLROnPlateau({ minLr: -1 }), 'ReduceLROnPlateau: minLr must be a finite number >= 0, got -1'],
    [() => new ReduceLROnPlateau({ min_lr: 0.1 }), "ReduceLROnPlateau: unknown option 'min_lr' (did you mean 'minLr'?)"],
    [() => new ReduceLROnPlateau({ cooldown: -2 }), 'ReduceLROnPlateau: cooldown must be an integer >= 0, got -2'],
    [() => new ReduceLROnPlateau({ minDelta: -1e-4 }), 'ReduceLROnPlateau: minDelta must be a finite number >= 0, got -0.0001'],
  ];
  for (const [make, message] of cases) {
    assert.throws(make, typeof message === 'string' ? { message } : { message });
  }
  // Options given as undefined take their defaults, as omitted Keras arguments do.
  const cb = new EarlyStopping({ patience: undefined, monitor: 'loss' });
  assert.equal(cb.patience, 0);
  assert.equal(new ReduceLROnPlateau().patience, 10);
});
