// Keras callbacks (keras.callbacks) for Model.fit: the course's accuracy threshold, EarlyStopping,
// LearningRateScheduler and ReduceLROnPlateau with Keras's exact rules, so a notebook's numbers
// (stopped epoch, restored weights, learning-rate sequence) come out the same here.
//
// The model a callback sees: model.stopTraining (settable), model.getWeights() -> Float32Array
// copy, model.setWeights(Float32Array), model.optimizer.learningRate (get/set). Library code
// prints nothing: what Keras would print with verbose=1 is left in .message / .warning.

// ---------------------------------------------------------------------------------------------
// Option checking, shared with augment.mjs: a misspelt option must fail loudly, because silently
// ignoring `patiense: 3` trains with patience 0 and looks like a bug in the callback.

function editDistance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

// The closest known name, or null. Keras's snake_case spelling (min_delta) maps to ours exactly.
export function didYouMean(name, known) {
  const squash = (s) => s.toLowerCase().replace(/_/g, '');
  const exact = known.find((k) => squash(k) === squash(name));
  if (exact) return exact;
  let best = null;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(squash(name), squash(k));
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

export function describeValue(v) {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'function') return `a function${v.name ? ` (${v.name})` : ''}`;
  if (Array.isArray(v)) return `[${v.map(describeValue).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `an object (${v.constructor?.name ?? 'Object'})`;
  return String(v);
}

// Merges options over defaults; unknown keys throw with a suggestion. An option given as
// undefined takes its default, as an omitted Keras keyword argument would.
export function checkOptions(owner, options, defaults) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${owner}: options must be an object such as { ${Object.keys(defaults)[0]}: ... }, got ${describeValue(options)}`);
  }
  const known = Object.keys(defaults);
  const merged = { ...defaults };
  for (const [key, value] of Object.entries(options)) {
    if (!known.includes(key)) {
      const guess = didYouMean(key, known);
      throw new Error(`${owner}: unknown option '${key}'${guess ? ` (did you mean '${guess}'?)` : ` (options: ${known.join(', ')})`}`);
    }
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

export function checkInteger(owner, name, v, min = 0) {
  if (!Number.isInteger(v) || v < min) throw new Error(`${owner}: ${name} must be an integer >= ${min}, got ${describeValue(v)}`);
}

export function checkNumber(owner, name, v, { min = -Infinity } = {}) {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new Error(`${owner}: ${name} must be a finite number${min > -Infinity ? ` >= ${min}` : ''}, got ${describeValue(v)}`);
  }
}

export function checkBoolean(owner, name, v) {
  if (typeof v !== 'boolean') throw new Error(`${owner}: ${name} must be true or false, got ${describeValue(v)}`);
}

function checkMonitor(owner, v) {
  if (typeof v !== 'string' || v === '') {
    throw new Error(`${owner}: monitor must be a log key such as 'val_loss' or 'accuracy', got ${describeValue(v)}`);
  }
}

function checkMode(owner, v, modes = ['auto', 'min', 'max']) {
  if (!modes.includes(v)) {
    const list = modes.map((m) => `'${m}'`);
    throw new Error(`${owner}: mode must be ${list.slice(0, -1).join(', ')} or ${list.at(-1)}, got ${describeValue(v)}`);
  }
}

// The direction Keras infers in mode 'auto' (tf.keras 2.x): metrics named *acc* (and the old
// fmeasure) are maximised, everything else (losses) minimised.
function isMaxMode(mode, monitor) {
  if (mode === 'auto') return monitor.includes('acc') || monitor.startsWith('fmeasure');
  return mode === 'max';
}

function availableKeys(logs) {
  const keys = Object.keys(logs ?? {});
  return keys.length ? keys.join(', ') : '(none)';
}

function monitorValue(logs, monitor) {
  const v = logs?.[monitor];
  return typeof v === 'number' ? v : undefined;
}

function learningRateOf(owner, model) {
  const lr = model?.optimizer?.learningRate;
  if (typeof lr !== 'number') throw new Error(`${owner}: the model has no optimizer.learningRate (compile the model first)`);
  return lr;
}

// ---------------------------------------------------------------------------------------------

export class Callback {
  setModel(model) { this.model = model; }
  setParams(params) { this.params = params; }
  onTrainBegin(logs) {}
  onTrainEnd(logs) {}
  onEpochBegin(epoch, logs) {}
  onEpochEnd(epoch, logs) {}
  onBatchBegin(batch, logs) {}
  onBatchEnd(batch, logs) {}
}

const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'];
const KERAS_HOOKS = {
  on_train_begin: 'onTrainBegin', on_train_end: 'onTrainEnd', on_epoch_begin: 'onEpochBegin',
  on_epoch_end: 'onEpochEnd', on_batch_begin: 'onBatchBegin', on_batch_end: 'onBatchEnd',
  on_train_batch_begin: 'onBatchBegin', on_train_batch_end: 'onBatchEnd',
};

// One object that fans each hook out to every callback in order, awaiting each (a hook may be
// async). Accepts Callback instances and plain objects with some of the hooks, as TF.js does.
export function toCallbackList(callbacks = []) {
  if (callbacks === null) callbacks = [];
  if (!Array.isArray(callbacks)) {
    throw new Error(`callbacks must be an array of callbacks, got ${describeValue(callbacks)}; wrap a single callback as [callback]`);
  }
  callbacks.forEach((cb, i) => {
    if (typeof cb === 'function') {
      throw new Error(`callbacks[${i}] is ${describeValue(cb)}, not a callback object; did you forget new${cb.name ? ` ${cb.name}(...)` : ''}?`);
    }
    if (cb === null || typeof cb !== 'object') throw new Error(`callbacks[${i}] must be a callback object, got ${describeValue(cb)}`);
    // A Python-style hook would silently never run.
    for (const [snake, camel] of Object.entries(KERAS_HOOKS)) {
      if (typeof cb[snake] === 'function' && typeof cb[camel] !== 'function') {
        throw new Error(`callbacks[${i}] has a method ${snake}; hooks here are camelCase: ${camel}`);
      }
    }
  });
  const list = [...callbacks];
  const fanOut = (hook) => async (...args) => {
    for (const cb of list) {
      if (typeof cb[hook] === 'function') await cb[hook](...args);
    }
  };
  const out = {
    callbacks: list,
    setModel(model) {
      for (const cb of list) {
        if (typeof cb.setModel === 'function') cb.setModel(model);
        else cb.model = model;
      }
    },
    setParams(params) {
      for (const cb of list) {
        if (typeof cb.setParams === 'function') cb.setParams(params);
        else cb.params = params;
      }
    },
  };
  for (const hook of HOOKS) out[hook] = fanOut(hook);
  return out;
}

// ---------------------------------------------------------------------------------------------

// A float as Python's str() writes it: the shortest digits that round-trip (as JS), but '1.0'
// for whole numbers and an exponent below 1e-4 or from 1e16 on ('1e-05', '1.5e+16').
export function pythonFloat(x) {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const [mantissa, exp] = x.toExponential().split('e');
  const e = Number(exp);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  const fixed = x.toFixed(Math.max(0, mantissa.replace(/^-?\d\.?/, '').length - e));
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

// 0.995 -> '99.5', 0.99 -> '99': the percentage as a person writes it, without float noise
// (0.995 * 100 is 99.49999999999999).
function percent(x) {
  return String(Number((x * 100).toPrecision(12)));
}

// The course's callback: stop once the monitored log value passes a threshold, checked at the end
// of every epoch (`if logs.get('accuracy') > 0.995: self.model.stop_training = True`).
export class StopAtThreshold extends Callback {
  constructor(options) {
    super();
    const o = checkOptions('StopAtThreshold', options, { monitor: 'accuracy', threshold: 0.995, mode: 'max' });
    checkMonitor('StopAtThreshold', o.monitor);
    checkNumber('StopAtThreshold', 'threshold', o.threshold);
    checkMode('StopAtThreshold', o.mode, ['max', 'min']);
    Object.assign(this, o);
    this.stoppedEpoch = null;
    this.message = null;
  }

  onTrainBegin() {
    this.stoppedEpoch = null;
    this.message = null;
  }

  onEpochEnd(epoch, logs) {
    const current = monitorValue(logs, this.monitor);
    if (current === undefined) {
      throw new Error(`StopAtThreshold: monitor '${this.monitor}' is not in the epoch logs; available keys: ${availableKeys(logs)}`);
    }
    // Strict comparisons, as the course's `>`: reaching the threshold exactly does not stop.
    const reached = this.mode === 'max' ? current > this.threshold : current < this.threshold;
    if (!reached) return;
    this.model.stopTraining = true;
    this.stoppedEpoch = epoch;
    const isAcc = this.monitor.includes('acc');
    const value = isAcc ? `${percent(this.threshold)}%` : String(this.threshold);
    this.message = this.mode === 'max' && isAcc
      ? `Reached ${value} ${this.monitor} so cancelling training!`
      : `Reached ${this.monitor} ${this.mode === 'max' ? 'above' : 'below'} ${value} so cancelling training!`;
  }
}

// keras.callbacks.EarlyStopping as in tf.keras 2.x: the weights of the best epoch are restored
// when (and only when) it stops training early.
export class EarlyStopping extends Callback {
  constructor(options) {
    super();
    const o = checkOptions('EarlyStopping', options, {
      monitor: 'val_loss', minDelta: 0, patience: 0, mode: 'auto', baseline: null,
      restoreBestWeights: false, startFromEpoch: 0,
    });
    checkMonitor('EarlyStopping', o.monitor);
    checkNumber('EarlyStopping', 'minDelta', o.minDelta);
    checkInteger('EarlyStopping', 'patience', o.patience);
    checkMode('EarlyStopping', o.mode);
    if (o.baseline !== null) checkNumber('EarlyStopping', 'baseline', o.baseline);
    checkBoolean('EarlyStopping', 'restoreBestWeights', o.restoreBestWeights);
    checkInteger('EarlyStopping', 'startFromEpoch', o.startFromEpoch);
    Object.assign(this, o);
    this.maximize = isMaxMode(o.mode, o.monitor);
    // Keras keeps min_delta signed by direction: improvement is monitor_op(current - minDelta, ref).
    this.minDelta = this.maximize ? Math.abs(o.minDelta) : -Math.abs(o.minDelta);
    this.warning = null;
    this.onTrainBegin();
  }

  onTrainBegin() {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.maximize ? -Infinity : Infinity;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  isImprovement(value, reference) {
    return this.maximize ? value - this.minDelta > reference : value - this.minDelta < reference;
  }

  onEpochEnd(epoch, logs) {
    const current = monitorValue(logs, this.monitor);
    if (current === undefined) {
      this.warning = `EarlyStopping: monitor '${this.monitor}' is not in the epoch logs, so early stopping is skipped; available keys: ${availableKeys(logs)}`;
      return;
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) {
      // If no epoch ever improves, the first monitored epoch counts as the best.
      this.bestWeights = this.model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model.getWeights();
      // Patience restarts only when the value beats both the previous best and the baseline.
      if (this.baseline === null || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
      if (this.restoreBestWeights && this.bestWeights !== null) this.model.setWeights(this.bestWeights);
    }
  }
}

// keras.callbacks.LearningRateScheduler: schedule(epoch, lr) -> new lr, applied before each epoch.
// verbose 1: .message holds the line tf.keras 2.x prints then (the caller prints it).
export class LearningRateScheduler extends Callback {
  constructor(schedule, verbose = 0) {
    super();
    if (typeof schedule !== 'function') {
      throw new Error(`LearningRateScheduler: schedule must be a function (epoch, lr) => newLr, got ${describeValue(schedule)}`);
    }
    this.schedule = schedule;
    this.verbose = verbose;
    this.message = null;
  }

  async onEpochBegin(epoch) {
    const lr = await this.schedule(epoch, learningRateOf('LearningRateScheduler', this.model));
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) {
      throw new Error(`LearningRateScheduler: schedule returned ${describeValue(lr)} for epoch ${epoch} (it must return a finite number > 0)`);
    }
    this.model.optimizer.learningRate = lr;
    if (this.verbose > 0) this.message = `\nEpoch ${String(epoch + 1).padStart(5, '0')}: LearningRateScheduler setting learning rate to ${pythonFloat(lr)}.`;
  }

  onEpochEnd(epoch, logs) {
    if (logs) logs.learning_rate = learningRateOf('LearningRateScheduler', this.model);
  }
}

// keras.callbacks.ReduceLROnPlateau: multiply the learning rate by factor after patience epochs
// without improvement, then wait cooldown epochs before counting again.
export class ReduceLROnPlateau extends Callback {
  constructor(options) {
    super();
    const o = checkOptions('ReduceLROnPlateau', options, {
      monitor: 'val_loss', factor: 0.1, patience: 10, mode: 'auto', minDelta: 1e-4, cooldown: 0, minLr: 0,
    });
    checkMonitor('ReduceLROnPlateau', o.monitor);
    if (typeof o.factor !== 'number' || !(o.factor > 0 && o.factor < 1)) {
      throw new Error(`ReduceLROnPlateau: factor must be a number with 0 < factor < 1 (the new learning rate is lr * factor), got ${describeValue(o.factor)}`);
    }
    checkInteger('ReduceLROnPlateau', 'patience', o.patience);
    checkMode('ReduceLROnPlateau', o.mode);
    checkNumber('ReduceLROnPlateau', 'minDelta', o.minDelta, { min: 0 });
    checkInteger('ReduceLROnPlateau', 'cooldown', o.cooldown);
    checkNumber('ReduceLROnPlateau', 'minLr', o.minLr, { min: 0 });
    Object.assign(this, o);
    this.maximize = isMaxMode(o.mode, o.monitor);
    this.warning = null;
    this.reset();
  }

  reset() {
    this.best = this.maximize ? -Infinity : Infinity;
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  onTrainBegin() { this.reset(); }

  inCooldown() { return this.cooldownCounter > 0; }

  isImprovement(current) {
    return this.maximize ? current > this.best + this.minDelta : current < this.best - this.minDelta;
  }

  onEpochEnd(epoch, logs) {
    // As Keras: the log shows the rate the epoch trained with, before any reduction below.
    const lr = learningRateOf('ReduceLROnPlateau', this.model);
    if (logs) logs.learning_rate = lr;
    const current = monitorValue(logs, this.monitor);
    if (current === undefined) {
      this.warning = `ReduceLROnPlateau: monitor '${this.monitor}' is not in the epoch logs, so the learning rate is left alone; available keys: ${availableKeys(logs)}`;
      return;
    }
    if (this.inCooldown()) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.isImprovement(current)) {
      this.best = current;
      this.wait = 0;
    } else if (!this.inCooldown()) {
      this.wait += 1;
      if (this.wait >= this.patience) {
        // Keras compares in float32 (the optimizer's variable), so a rate already at minLr
        // after rounding is not "reduced" again, which would restart the cooldown forever.
        if (Math.fround(lr) > Math.fround(this.minLr)) {
          this.model.optimizer.learningRate = Math.max(lr * this.factor, this.minLr);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}
