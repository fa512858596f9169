// The training library shared by the browser Worker and Node (CLI, tests): a Keras-style model
// over the wasm engine. Names follow TF.js layers (camelCase of Keras's), logs keep Keras's keys
// (loss, accuracy, val_loss, val_accuracy). Library code prints nothing.
//
//   const model = await createModel(PRESETS.lab, { seed: 1 });
//   model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
//   const history = await model.fit(train.images, train.labels, { epochs: 5, validationSplit: 0.1 });
//   const { loss, accuracy } = model.evaluate(test.images, test.labels);
import { loadEngine } from './engine.mjs';
import { toCallbackList } from './callbacks.mjs';
import { nextTurn } from './yield.mjs';

// The first call's options (loadEngine's: { threads }) choose the engine for the whole context.
let enginePromise = null;
export function engine(options) {
  enginePromise ??= loadEngine(options);
  return enginePromise;
}

// config: a Keras model config (object or JSON text, to_json() or terse form).
// inputShape: the data's sample shape, used when the config has none (as Keras builds on fit).
export async function createModel(config, { seed = 1, inputShape = [28, 28, 1] } = {}) {
  const e = await engine();
  const text = typeof config === 'string' ? config : JSON.stringify(config);
  return new Model(e, new e.Trainer(text, checkSeed(seed), inputShape), seed);
}

function checkSeed(seed) {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`seed must be an integer in [0, 2^32), got ${seed}`);
  }
  return seed;
}

const toFloat32 = (a) => (a instanceof Float32Array ? a : Float32Array.from(a));

// A training set above this size is not copied into the engine for fit(): its batches are
// gathered in JS instead, as augmented ones are, so CIFAR-10 (123 MB of training bytes) is held
// once, not twice (issue 14: the tab under 700 MB). The losses are the same bit for bit: the
// same permutation from the engine's RNG, the same bytes/255 in float32.
export const MAX_ENGINE_COPY_BYTES = 64 * 1024 * 1024;

// setData's check for the data fit() and evaluate() keep in JS.
function checkTargets(slot, y, n) {
  if (y.length % n !== 0) throw new Error(`data '${slot}': ${y.length} target values for ${n} samples`);
}

// Pixels as the engine's own gather makes them: bytes/255 in float32, floats as they are.
function toUnitFloats(src, dst, offset = 0) {
  const divisor = src instanceof Uint8Array ? 255 : 1;
  for (let k = 0; k < src.length; k++) dst[offset + k] = src[k] / divisor;
}

function positiveInt(name, value) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return value;
}

function optimizerSpec(optimizer, learningRate) {
  if (typeof optimizer === 'string' && learningRate === undefined) return optimizer;
  if (typeof optimizer === 'string') {
    const names = { adam: 'Adam', sgd: 'SGD', rmsprop: 'RMSprop' };
    return JSON.stringify({ class_name: names[optimizer.toLowerCase()] ?? optimizer, config: { learning_rate: learningRate } });
  }
  return JSON.stringify(optimizer);
}

export class Model {
  constructor(e, trainer, seed) {
    this.engine = e;
    this.trainer = trainer;
    this.seed = seed;
    this.stopTraining = false;
    this.compiled = null;
    this.layers = JSON.parse(trainer.describe()).map((l) => ({
      name: l.name, className: l.class_name, outputShape: [null, ...l.output_shape], countParams: l.params,
    }));
    this.inputSize = 0;
    this.inputShape = JSON.parse(trainer.toJSON()).config.layers[0].config.batch_input_shape.slice(1);
    this.inputSize = this.inputShape.reduce((a, b) => a * b, 1);
    this.outputSize = this.layers.at(-1).outputShape.slice(1).reduce((a, b) => a * b, 1);
    const model = this;
    this.optimizer = {
      get learningRate() { return model.trainer.learningRate(); },
      set learningRate(lr) { model.trainer.setLearningRate(lr); },
    };
  }

  // Keras compile. metrics: only 'accuracy' (always computed); learningRate overrides the default.
  compile({ optimizer = 'adam', loss = 'sparse_categorical_crossentropy', metrics = ['accuracy'], learningRate } = {}) {
    for (const m of metrics) {
      if (!['accuracy', 'acc'].includes(m)) throw new Error(`compile: unsupported metric '${m}' (convlab computes 'accuracy')`);
    }
    this.trainer.compile(optimizerSpec(optimizer, learningRate), loss);
    this.compiled = { optimizer, loss, metrics: ['accuracy'] };
    return this;
  }

  summary() { return this.trainer.summary(); }
  toJSON() { return this.trainer.toJSON(); }
  getWeights() { return this.trainer.getWeights(); }
  setWeights(weights) { this.trainer.setWeights(weights); }
  weightsManifest() { return JSON.parse(this.trainer.weightsManifest()); }
  // TF.js weights by name: modelJson is a model.json object/text (or its weightsManifest list),
  // weightData the bytes of its weight files in order. All or nothing: on error the weights stay.
  loadWeights(modelJson, weightData) {
    const text = typeof modelJson === 'string' ? modelJson : JSON.stringify(modelJson);
    const bytes = weightData instanceof Uint8Array ? weightData : new Uint8Array(weightData);
    this.trainer.loadWeights(text, bytes);
  }
  get iterations() { return this.trainer.iterations(); }
  dispose() { this.trainer.delete(); }

  // Throws unless images of `shape` ([rows, cols, channels]) are what the model takes. A flat
  // pixel array cannot tell 32x32x3 CIFAR images from 28x28x1 ones when the totals happen to
  // divide, so loaders call this with the shape they read before any training starts.
  checkSampleShape(shape, what = 'data') {
    const same = shape.length === this.inputShape.length && shape.every((d, i) => d === this.inputShape[i]);
    if (!same) {
      throw new Error(`${what}: the images are ${shape.join('x')} but the model's input is (None, ${this.inputShape.join(', ')}); ` +
        `use a model built for ${shape.join('x')} images (input_shape=(${shape.join(', ')}))`);
    }
    return this;
  }

  // Number of samples in x (Uint8Array pixels 0-255, scaled by 1/255 inside, or Float32Array).
  count(x, what = 'x') {
    if (!(x instanceof Uint8Array || x instanceof Float32Array)) {
      throw new Error(`${what} must be a Uint8Array (pixels) or Float32Array, got ${x?.constructor?.name ?? typeof x}`);
    }
    if (x.length === 0 || x.length % this.inputSize !== 0) {
      throw new Error(`${what}: ${x.length} values is not a whole number of samples of shape (${this.inputShape.join(', ')})`);
    }
    return x.length / this.inputSize;
  }

  // Keras fit. x, y as above; y: labels (sparse) or one-hot rows (categorical). Yields to the
  // event loop between batches (at most every yieldMs) so a Worker can receive messages.
  async fit(x, y, {
    epochs = 1, batchSize = 32, validationSplit = 0, validationData = null, shuffle = true,
    callbacks = [], initialEpoch = 0, augment = null, yieldMs = 15, maxEngineCopyBytes = MAX_ENGINE_COPY_BYTES,
  } = {}) {
    if (!this.compiled) throw new Error('fit: call compile() first');
    positiveInt('epochs', epochs);
    positiveInt('batchSize', batchSize);
    if (!(validationSplit >= 0 && validationSplit < 1)) throw new Error(`validationSplit must be in [0, 1), got ${validationSplit}`);
    let n = this.count(x);
    const yWidth = y.length / n;
    let [xTrain, yTrain] = [x, y];
    let validation = validationData;
    if (validationSplit > 0 && !validationData) {
      // Keras holds out the LAST fraction of the samples, before any shuffling.
      const split = Math.floor(n * (1 - validationSplit));
      if (split < 1 || split === n) throw new Error(`validationSplit ${validationSplit} leaves no training or no validation samples`);
      validation = [x.subarray(split * this.inputSize), y.subarray(split * yWidth)];
      [xTrain, yTrain] = [x.subarray(0, split * this.inputSize), y.subarray(0, split * yWidth)];
      n = split;
    }
    // Keras takes a batch_size above the sample count as one batch of every sample (1/1 steps).
    batchSize = Math.min(batchSize, n);
    const yTrain32 = toFloat32(yTrain);
    const fromJs = augment || xTrain.byteLength > maxEngineCopyBytes;
    if (fromJs) {
      checkTargets('train', yTrain32, n);  // (the width is checked by the first batch)
    } else {
      this.trainer.setData('train', xTrain, yTrain32);
      this.trainer.startTraining(batchSize, shuffle);
    }
    // Validation, like evaluate(), walks its batches from JS: no copy of it in the engine.
    let validate = null;
    if (validation) {
      const [xv, yv] = [validation[0], toFloat32(validation[1])];
      const nv = this.count(xv, 'validationData x');
      checkTargets('validation', yv, nv);
      validate = () => this.#meanOverBatchesInJs(xv, yv, nv, batchSize);
    }
    const batches = Math.ceil(n / batchSize);
    const jsBatches = fromJs ? this.#batchesInJs(xTrain, yTrain32, n, batchSize, shuffle, augment) : null;

    // The engine's copy of a small training set is freed when the run ends, so it never sits
    // beside the next run's: the wasm heap keeps its high-water mark for good.
    try {
      const cbs = toCallbackList(callbacks);
      cbs.setModel(this);
      this.stopTraining = false;
      const history = { epoch: [], history: {}, params: { epochs, steps: batches, samples: n } };
      await cbs.onTrainBegin({});
      let lastYield = performance.now();
      let logs = {};
      for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        await cbs.onEpochBegin(epoch, {});
        let seen = 0, lossSum = 0, accSum = 0;
        for (let batch = 0; batch < batches; batch++) {
          await cbs.onBatchBegin(batch, { batch, size: Math.min(batchSize, n - batch * batchSize) });
          let step;
          try {
            step = jsBatches ? jsBatches.next(batch) : this.trainer.trainStep();
          } catch (e) {
            throw new Error(`epoch ${epoch + 1}, batch ${batch + 1}: ${e.message}`);
          }
          seen += step.size;
          lossSum += step.loss * step.size;
          accSum += step.accuracy * step.size;
          logs = { batch, size: step.size, loss: lossSum / seen, accuracy: accSum / seen };
          await cbs.onBatchEnd(batch, logs);
          if (this.stopTraining) break;
          if (performance.now() - lastYield > yieldMs) {
            await nextTurn();
            lastYield = performance.now();
          }
        }
        logs = { loss: lossSum / seen, accuracy: accSum / seen };
        if (validate) {
          const v = validate();
          logs.val_loss = v.loss;
          logs.val_accuracy = v.accuracy;
        }
        await cbs.onEpochEnd(epoch, logs);
        history.epoch.push(epoch);
        for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
        await nextTurn();
        lastYield = performance.now();
      }
      await cbs.onTrainEnd(logs);
      return history;
    } finally {
      this.trainer.clearData('train');
    }
  }

  // The engine's evaluateData walk, in JS: the same contiguous batches through testOnBatch, the
  // same double sums weighted by batch size, so the same numbers.
  #meanOverBatchesInJs(x, y, n, batchSize) {
    const yWidth = y.length / n;
    const xb = new Float32Array(Math.min(batchSize, n) * this.inputSize);
    let loss = 0, accuracy = 0;
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const src = x.subarray(start * this.inputSize, (start + m) * this.inputSize);
      toUnitFloats(src, xb);
      const b = this.trainer.testOnBatch(xb.subarray(0, src.length), y.subarray(start * yWidth, (start + m) * yWidth));
      loss += b.loss * m;
      accuracy += b.accuracy * m;
    }
    return { loss: loss / n, accuracy: accuracy / n };
  }

  // Batches gathered in JS, then augmented when a generator is given (the engine's cursor
  // cannot transform images): the order still comes from the engine's seeded RNG, and bytes
  // become bytes/255 in float32 as the engine's own gather makes them.
  #batchesInJs(x, y, n, batchSize, shuffle, generator) {
    const [h, w, c] = this.inputShape;
    const yWidth = y.length / n;
    const xb = new Float32Array(batchSize * this.inputSize);
    const yb = new Float32Array(batchSize * yWidth);
    let order = null;
    return {
      next: (batch) => {
        if (batch === 0) order = shuffle ? this.trainer.permutation(n) : Uint32Array.from({ length: n }, (_, i) => i);
        const start = batch * batchSize;
        const m = Math.min(batchSize, n - start);
        for (let i = 0; i < m; i++) {
          const s = order[start + i];
          toUnitFloats(x.subarray(s * this.inputSize, (s + 1) * this.inputSize), xb, i * this.inputSize);
          yb.set(y.subarray(s * yWidth, (s + 1) * yWidth), i * yWidth);
        }
        generator?.augmentBatch(xb, m, h, w, c);
        return this.trainer.trainOnBatch(xb.subarray(0, m * this.inputSize), yb.subarray(0, m * yWidth));
      },
    };
  }

  // Keras evaluate: {loss, accuracy} over all of x in inference mode.
  evaluate(x, y, { batchSize = 32 } = {}) {
    if (!this.compiled) throw new Error('evaluate: call compile() first');
    positiveInt('batchSize', batchSize);
    // Batch by batch from JS, not copied into the engine first (30 MB for CIFAR-10's test set).
    const n = this.count(x);
    const y32 = toFloat32(y);
    checkTargets('evaluate', y32, n);
    return this.#meanOverBatchesInJs(x, y32, n, batchSize);
  }

  // Model outputs (N x classes) in inference mode, batch by batch.
  predict(x, { batchSize = 32 } = {}) {
    return this.layerOutputs(x, [this.layers.length - 1], { batchSize })[0].data;
  }

  // Outputs of the given layers (indices or names) for the given images: the feature maps.
  // Returns [{name, className, shape: [N, ...], data: Float32Array}].
  layerOutputs(images, layers, { batchSize = 32 } = {}) {
    const n = this.count(images, 'images');
    const scale = images instanceof Uint8Array ? 1 / 255 : 1;
    return layers.map((which) => {
      const index = typeof which === 'number' ? which : this.layers.findIndex((l) => l.name === which);
      const layer = this.layers[index];
      if (!layer) throw new Error(`layerOutputs: no layer ${JSON.stringify(which)} (layers: ${this.layers.map((l) => l.name).join(', ')})`);
      const per = layer.outputShape.slice(1).reduce((a, b) => a * b, 1);
      const data = new Float32Array(n * per);
      for (let start = 0; start < n; start += batchSize) {
        const m = Math.min(batchSize, n - start);
        const chunk = images.subarray(start * this.inputSize, (start + m) * this.inputSize);
        const xs = scale === 1 ? chunk : Float32Array.from(chunk, (v) => v * scale);
        data.set(this.trainer.layerOutput(xs, index), start * per);
      }
      return { name: layer.name, className: layer.className, shape: [n, ...layer.outputShape.slice(1)], data };
    });
  }
}
