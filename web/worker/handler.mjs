// The Worker's logic, apart from the Worker itself so Node can test it with the real engine:
// one model, one run at a time, and exactly one reply for every command (protocol.mjs). A
// failed command replies {error: {code, params}} and leaves the model and data as they were.
import { StopAtThreshold, LearningRateScheduler } from '../lib/callbacks.mjs';
import { ImageDataGenerator } from '../lib/augment.mjs';
import { scheduleFunction } from '../lib/keras_schedule_eval.mjs';
import { trainSettings, errorPayload, CodedError } from './protocol.mjs';
import { toTfjsArtifacts, modelFromTfjs } from '../lib/tfjs_format.mjs';
import { toCategorical } from '../lib/datasets.mjs';

// At most ~4 progress events a second (points are batched in them): each one redraws the
// progress line, the log and the curves on the page, whose CPU the engine needs.
const PROGRESS_MS = 250;
// The loop gives the Worker's event loop a turn (Stop, Pause, the maps' requests, the heartbeat)
// after this much training: every turn costs a wake-up, which on a busy machine is most of the
// Worker's overhead (measured 15 ms vs 50 ms: 0.10-0.21 s vs 0.06-0.11 s per 20,000 images),
// and 50 ms keeps Stop well inside its 200 ms.
const YIELD_MS = 50;
const EVALUATE_BATCH = 32;  // Keras's evaluate() default: the log line counts these steps
const SPARSE = 'sparse_categorical_crossentropy';
const CATEGORICAL = 'categorical_crossentropy';
const LOSSES = [SPARSE, CATEGORICAL, 'binary_crossentropy'];
// The targets a loss trains on: one-hot rows for categorical_crossentropy (made here from the
// class indices, as the notebook's to_categorical does); the indices themselves for the sparse
// loss and for binary_crossentropy, whose one sigmoid unit learns labels 0 and 1.
const targetsFor = (loss, labels, units) => (loss === CATEGORICAL ? toCategorical(labels, units) : labels);

export function createHandler({ post, loadData, createModel }) {
  let data = null;
  let model = null, config = null, seed = 1, compiled = null;
  let run = null;  // {runId, state: 'training' | 'paused' | 'stopping'} while a fit runs
  let gate = null;  // resolves a paused training loop
  let stepsAllowed = 0;

  let dataReady = (async () => {
    data = await loadData();
    post({ type: 'ready', ...describeData(data), ...data.threadInfo });  // threadInfo: {threads, isolated, reason}
  })();
  dataReady.catch((e) => post({ type: 'failed', error: errorPayload(e) }));

  const setRunState = (state) => {
    run.state = state;
    post({ type: 'state', runId: run.runId, state });
  };

  // What the page needs to know of a dataset (the 'ready' event and the dataset reply).
  function describeData(d) {
    const { test } = d;
    return {
      dataset: d.name ?? 'fashion-mnist', title: d.title ?? null, trainCount: d.train.count, testCount: test.count,
      testLabels: test.labels, testImages: test.images, imageShape: [test.rows, test.cols, test.channels ?? 1],
      classes: d.classes ?? null, oneHot: Boolean(d.oneHot), skipped: d.skipped ?? [],
    };
  }

  // Another dataset (a built-in name or the page's files): read and checked in full before it
  // replaces the current one, so a bad file leaves the data as it was.
  async function dataset({ source }) {
    requireIdle();
    await dataReady.catch(() => {});
    const next = loadData(source, { imageShape: model?.inputShape });
    dataReady = next.then((d) => { data = d; }, () => {});
    try {
      return describeData(await next);
    } catch (e) {
      // The reader's sentence names the file; it travels as the detail of one code.
      throw new CodedError('dataset.failed', { file: e.params?.file ?? '', detail: String(e.message ?? e) });
    }
  }

  function requireModel() {
    if (!model) throw new CodedError('worker.noModel');
  }

  function requireIdle() {
    if (run) throw new CodedError('worker.busy');
  }

  function release() {
    const open = gate;
    gate = null;
    open?.();
  }

  function describe() {
    return {
      summary: model.summary(), layers: model.layers, seed, config, inputShape: model.inputShape, outputUnits: model.outputSize,
      params: model.layers.reduce((s, l) => s + l.countParams, 0),
    };
  }

  function install(fresh, next, nextSeed) {
    model?.dispose();
    model = fresh;
    config = next;
    seed = nextSeed;
    compiled = null;
    return describe();
  }

  async function build({ config: next, seed: nextSeed = seed }) {
    requireIdle();
    const fresh = await createModel(next, { seed: nextSeed });  // throws: the old model stays
    return install(fresh, next, nextSeed);
  }

  function compile(s, loss = SPARSE) {
    const key = `${s.optimizer}/${s.learningRate}/${loss}`;
    if (compiled === key) return;  // keep the optimizer's state between runs, as a second fit() does
    model.compile({ optimizer: s.optimizer, learningRate: s.learningRate, loss });
    compiled = key;
  }

  function stopCallback(s, stop) {
    if (stop) {
      const cb = new StopAtThreshold({ monitor: stop.monitor, threshold: stop.threshold, mode: stop.mode });
      cb.customMessage = stop.message ?? null;
      return cb;
    }
    return s.threshold ? new StopAtThreshold({ threshold: s.threshold }) : null;
  }

  function evaluateTest() {
    const started = performance.now();
    const labels = targetsFor(model.compiled?.loss ?? SPARSE, data.test.labels, model.outputSize);
    const r = model.evaluate(data.test.images, labels, { batchSize: EVALUATE_BATCH });
    return { ...r, seconds: (performance.now() - started) / 1000, steps: Math.ceil(data.test.count / EVALUATE_BATCH) };
  }

  // loss: the pasted compile()'s (targetsFor says what it trains on). augment: the code's
  // ImageDataGenerator options (augment.mjs; seeded by flow(seed=...) or the run's seed);
  // schedule: its LearningRateScheduler function (keras_schedule.mjs's plain data).
  async function train({ runId, fresh = true, settings = {}, stop = null, loss = SPARSE, augment = null, schedule = null }) {
    requireModel();
    requireIdle();
    const s = trainSettings(settings);
    if (!LOSSES.includes(loss)) throw new CodedError('worker.loss', { loss: String(loss) });
    await dataReady;
    // Train starts over as re-running the notebook's model cell does; Continue keeps weights
    // and the optimizer's state.
    if (fresh) install(await createModel(config, { seed: s.seed }), config, s.seed);
    compile(s, loss);
    const t = s.samples ? firstSamples(data.train, s.samples) : data.train;
    const n = Math.floor(t.count * (1 - s.validationSplit));
    const batches = Math.ceil(n / s.batchSize);
    const stopper = stopCallback(s, stop);
    const generator = augment ? new ImageDataGenerator({ seed: s.seed, ...augment }) : null;
    const scheduler = schedule ? new LearningRateScheduler(scheduleFunction(schedule), schedule.verbose) : null;
    let notes = [];  // lines printed at an epoch's start (the scheduler's), sent with its first progress
    let points = [], lastPost = 0, prevSum = 0, prevAccSum = 0, prevSeen = 0, epoch = 0, batch = -1;
    // Run time without pauses: the ETA and the log's seconds are about work, not waiting.
    let epochWork = 0, totalWork = 0, workSince = 0, waiting = false;
    // Time inside the engine's train steps (batch begin to end): the rest of the run's time is
    // the page's own overhead (callbacks, messages, requests served between batches).
    let stepStart = 0, engineWork = 0;
    const work = () => epochWork + (waiting ? 0 : performance.now() - workSince);

    const flush = (b, logs) => {
      const elapsed = work() / 1000;
      const done = epoch * batches + b + 1;
      const rate = prevSeen / Math.max(elapsed, 1e-6);
      post({
        type: 'progress', runId, points, notes, epoch, epochs: s.epochs, batch: b, batches, logs, elapsed,
        imagesPerSecond: rate, etaSeconds: ((s.epochs * batches - done) * s.batchSize) / Math.max(rate, 1e-6),
      });
      points = [];
      notes = [];
      lastPost = performance.now();
    };

    const pauseHere = async () => {
      epochWork += performance.now() - workSince;
      waiting = true;
      while (run.state === 'paused') await new Promise((ok) => { gate = ok; });
      waiting = false;
      workSince = performance.now();
    };

    const callbacks = [{
      onEpochBegin(e) {
        epoch = e;
        batch = -1;
        epochWork = 0;
        workSince = performance.now();
        prevSum = prevAccSum = prevSeen = 0;
      },
      onBatchBegin() {
        stepStart = performance.now();
      },
      async onBatchEnd(b, logs) {
        engineWork += performance.now() - stepStart;
        batch = b;
        // The batch's own loss, recovered from Keras's running mean, for the per-batch curve.
        const seen = prevSeen + logs.size;
        points.push({
          step: epoch * batches + b + 1,
          loss: (logs.loss * seen - prevSum) / logs.size,
          accuracy: (logs.accuracy * seen - prevAccSum) / logs.size,
        });
        prevSum = logs.loss * seen;
        prevAccSum = logs.accuracy * seen;
        prevSeen = seen;
        if (stepsAllowed > 0 && --stepsAllowed === 0 && run.state === 'training') setRunState('paused');
        if (run.state === 'paused' || performance.now() - lastPost > PROGRESS_MS || b + 1 === batches) flush(b, logs);
        if (run.state === 'paused') await pauseHere();
      },
      onEpochEnd(e, logs) {
        const seconds = work() / 1000;
        totalWork += seconds;
        // A run stopped mid-epoch ends its epoch where it stopped: steps says how far it got.
        post({ type: 'epoch', runId, epoch: e, epochs: s.epochs, batches, steps: batch + 1, step: e * batches + batch + 1, logs, seconds });
      },
    }];
    if (stopper) callbacks.push(stopper);
    // Keras's ProgbarLogger prints "Epoch 1/5" first, then the scheduler its line.
    if (scheduler) callbacks.unshift(scheduler, { onEpochBegin() { if (scheduler.message) notes.push(...scheduler.message.split('\n')); } });

    run = { runId, state: 'training' };
    post({ type: 'state', runId, state: 'training' });
    let history, stopped = false;
    try {
      const labels = targetsFor(loss, t.labels, model.outputSize);
      history = await model.fit(t.images, labels, {
        epochs: s.epochs, batchSize: s.batchSize, validationSplit: s.validationSplit, callbacks, yieldMs: YIELD_MS, augment: generator,
      });
    } finally {
      stopped = Boolean(run.stopped);
      run = null;
      stepsAllowed = 0;
      if (stopped) model.stopTraining = false;
    }
    const reachedThreshold = stopper?.stoppedEpoch !== null && stopper?.stoppedEpoch !== undefined;
    const stoppedByUser = stopped && !reachedThreshold;
    const test = evaluateTest();
    return {
      runId, history: history.history, epochs: history.epoch.length, batches, seconds: totalWork, engineSeconds: engineWork / 1000, test,
      ending: reachedThreshold ? 'threshold' : stoppedByUser ? 'stopped' : 'finished',
      stoppedAt: stoppedByUser ? { epoch, batch: batch + 1 } : null,
      message: reachedThreshold ? (stopper.customMessage ?? stopper.message) : null,
    };
  }

  function stop() {
    if (!run) return false;
    model.stopTraining = true;
    run.stopped = true;
    stepsAllowed = 0;
    setRunState('stopping');
    release();
    return true;
  }

  async function reset() {
    if (!config) throw new CodedError('worker.noModel');
    requireIdle();
    return build({ config, seed });
  }

  function firstSamples(d, n) {
    const count = Math.min(n, d.count);
    const size = d.images.length / d.count;
    return { ...d, count, images: d.images.subarray(0, count * size), labels: d.labels.subarray(0, count) };
  }

  function testImages(indices) {
    const { test } = data;
    const size = test.images.length / test.count;
    const out = new Uint8Array(indices.length * size);
    indices.forEach((index, i) => {
      if (!Number.isInteger(index) || index < 0 || index >= test.count) {
        throw new CodedError('maps.imageIndex', { max: test.count - 1, value: String(index) });
      }
      out.set(test.images.subarray(index * size, (index + 1) * size), i * size);
    });
    return out;
  }

  function checkPixels(pixels) {
    const size = model.inputShape.reduce((a, b) => a * b, 1);
    if (!(pixels instanceof Float32Array) || pixels.length !== size) {
      throw new CodedError('ownImage.badPixels', { expected: size, shape: model.inputShape.join('×'), got: String(pixels?.length ?? typeof pixels) });
    }
  }

  // A layer's weight by its TF.js name ('conv2d/kernel'): {shape, data} (a copy), or null.
  function weight(layerName, which) {
    let offset = 0;
    for (const w of model.weightsManifest()) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      if (w.name === `${layerName}/${which}`) return { shape: w.shape, data: model.getWeights().slice(offset, offset + size) };
      offset += size;
    }
    return null;
  }

  // Handlers return [result, transfer] or a result.
  const commands = {
    build,
    dataset,
    async import({ modelJson, weightData, seed: nextSeed = seed }) {
      requireIdle();
      const fresh = await modelFromTfjs(createModel, modelJson, weightData, { seed: nextSeed });
      return install(fresh, JSON.parse(fresh.toJSON()), nextSeed);
    },
    exportModel() {
      requireModel();
      const { modelJson, weightData } = toTfjsArtifacts(model);
      return [{ modelJson, weightData }, [weightData]];
    },
    train,
    stop,
    reset,
    pause() {
      if (run?.state !== 'training') return false;
      setRunState('paused');
      return true;
    },
    resume() {
      if (run?.state !== 'paused') return false;
      stepsAllowed = 0;
      setRunState('training');
      release();
      return true;
    },
    step() {
      if (run?.state !== 'paused') throw new CodedError('worker.notPaused');
      stepsAllowed = 1;
      run.state = 'training';  // silently: the loop pauses again (and says so) after one batch
      release();
      return true;
    },
    async featureMaps({ images = [0, 23, 28], layers = [0, 1, 2, 3] }) {
      requireModel();
      await dataReady;
      const outputs = model.layerOutputs(testImages(images), layers.filter((l) => l < model.layers.length));
      const maps = images.map((_, i) => outputs.map((o) => {
        const per = o.data.length / images.length;
        return o.data.slice(i * per, (i + 1) * per);
      }));
      const result = { images, layers: outputs.map((o) => ({ name: o.name, className: o.className, shape: o.shape.slice(1) })), maps };
      return [result, maps.flat().map((m) => m.buffer)];
    },
    async allFilters({ image = 0, layer = 0 }) {
      requireModel();
      await dataReady;
      const [o] = model.layerOutputs(testImages([image]), [layer]);
      return [{ image, layer: { name: o.name, shape: o.shape.slice(1) }, data: o.data }, [o.data.buffer]];
    },
    // The student's own image (preprocessed on the page): the engine's probabilities and the
    // outputs of the given layers, from the current weights (also between batches of a run).
    predictPixels({ pixels, layers = [0, 1, 2, 3] }) {
      requireModel();
      checkPixels(pixels);
      const wanted = [...layers.filter((l) => l < model.layers.length - 1), model.layers.length - 1];
      const outputs = model.layerOutputs(pixels, wanted);
      const probabilities = outputs.pop().data;
      const maps = outputs.map((o) => o.data);
      const result = { probabilities, layers: outputs.map((o) => ({ name: o.name, className: o.className, shape: o.shape.slice(1) })), maps };
      return [result, [probabilities.buffer, ...maps.map((m) => m.buffer)]];
    },
    kernels({ layer = 0 }) {
      requireModel();
      const name = model.layers[layer]?.name;
      const kernel = weight(name, 'kernel');
      if (!kernel || kernel.shape.length !== 4) throw new CodedError('maps.noKernel', { layer: name ?? String(layer) });
      return [{ layer: { name, shape: kernel.shape }, data: kernel.data }, [kernel.data.buffer]];
    },
    // One layer's input and output for one image (a test image, or the page's own pixels),
    // with its Keras config and, for Conv2D, its kernel and bias: what the step-through shows.
    async stepThrough({ layer, image = 0, pixels = null }) {
      requireModel();
      const info = model.layers[layer];
      if (!info) throw new CodedError('step.noLayer', { layer: String(layer) });
      let x = pixels;
      if (x) checkPixels(x);
      else {
        await dataReady;
        x = Float32Array.from(testImages([image]), (v) => v / 255);
      }
      const [input, output] = layer === 0
        ? [{ shape: model.inputShape, data: x }, model.layerOutputs(x, [0])[0]]
        : model.layerOutputs(x, [layer - 1, layer]);
      const { config } = JSON.parse(model.toJSON()).config.layers.find((l) => l.config?.name === info.name);
      const kernel = weight(info.name, 'kernel'), bias = weight(info.name, 'bias');
      const result = {
        image: pixels ? null : image, layer: { index: layer, name: info.name, className: info.className, config },
        input: { shape: input.shape.slice(-3), data: input.data }, output: { shape: output.shape.slice(1), data: output.data },
        kernel, bias: bias?.data ?? null,
      };
      return [result, [input.data.buffer, output.data.buffer, kernel?.data.buffer, bias?.data.buffer].filter((b, i, all) => b && all.indexOf(b) === i)];
    },
    // The engine's wasm heap in bytes: the soak tests watch it across train/stop/reset cycles.
    memory() {
      requireModel();
      return { wasmHeap: model.engine.heapSize() };
    },
    // The page's heartbeat (heartbeat.mjs): answered whenever the event loop is free, which
    // during training is between batches. An event, not a reply.
    ping({ seq }) {
      post({ type: 'pong', seq });
      return undefined;
    },
    async evaluate() {
      requireModel();
      requireIdle();
      await dataReady;
      if (!compiled) compile(trainSettings({}));
      const r = evaluateTest();
      const probabilities = model.predict(data.test.images, { batchSize: 256 });
      return [{ ...r, probabilities, classes: model.outputSize }, [probabilities.buffer]];
    },
  };

  return async function handle(msg) {
    const command = commands[msg?.type];
    const id = msg?.id;
    try {
      if (!command) throw new CodedError('worker.unknownCommand', { type: String(msg?.type) });
      const out = await command(msg);
      if (msg.type === 'ping') return;
      const [result, transfer] = Array.isArray(out) ? out : [out, []];
      post({ type: 'reply', id, result }, transfer);
    } catch (e) {
      post({ type: 'reply', id, error: errorPayload(e) });
    }
  };
}
