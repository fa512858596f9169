// The Worker's logic, apart from the Worker itself so Node can test it with the real engine:
// one model, one state machine (idle -> training <-> paused -> idle), and a reply for every
// command. A failed command posts {type: 'error'} and leaves the model and data as they were.
import { StopAtThreshold } from '../lib/callbacks.mjs';
import { trainSettings } from './protocol.mjs';
import { toTfjsArtifacts, modelFromTfjs } from '../lib/tfjs_format.mjs';

const PROGRESS_MS = 100;  // at most ~10 progress events a second; points are batched in them

export function createHandler({ post, loadData, createModel }) {
  let data = null;
  let model = null, config = null, seed = 1, compiled = null;
  let state = 'idle';
  let gate = null;  // resolves a paused training loop
  let stepsAllowed = 0;
  let training = null;  // the running fit's promise

  const setState = (s) => {
    state = s;
    post({ type: 'state', state });
  };

  const dataReady = (async () => {
    data = await loadData();
    const { test } = data;
    post({
      type: 'ready', trainCount: data.train.count, testCount: test.count,
      testLabels: test.labels, testImages: test.images, imageShape: [test.rows, test.cols, 1],
      ...data.threadInfo,  // {threads, isolated, reason} (web/lib/threads.mjs), for the status line
    });
  })();
  dataReady.catch(() => {});  // reported by the loader; commands that need data re-throw it

  function requireModel() {
    if (!model) throw new Error('no model yet: build one first');
  }

  function release() {
    const open = gate;
    gate = null;
    open?.();
  }

  async function build({ config: next, seed: nextSeed = seed }) {
    if (state !== 'idle') throw new Error('stop training before changing the model');
    const fresh = await createModel(next, { seed: nextSeed });  // throws: the old model stays
    install(fresh, next, nextSeed);
  }

  // A saved model (TF.js layers artifacts) in place of the current one; a bad file leaves the
  // current model as it was.
  async function importModel({ modelJson, weightData, seed: nextSeed = seed }) {
    if (state !== 'idle') throw new Error('stop training before changing the model');
    const fresh = await modelFromTfjs(createModel, modelJson, weightData, { seed: nextSeed });
    install(fresh, JSON.parse(fresh.toJSON()), nextSeed);
  }

  function install(fresh, next, nextSeed) {
    model?.dispose();
    model = fresh;
    config = next;
    seed = nextSeed;
    compiled = null;
    post({
      type: 'model', summary: model.summary(), layers: model.layers, seed, config,
      params: model.layers.reduce((s, l) => s + l.countParams, 0),
    });
  }

  function compile(s) {
    const key = `${s.optimizer}/${s.learningRate}`;
    if (compiled === key) return;  // keep the optimizer's state between runs, as a second fit() does
    model.compile({ optimizer: s.optimizer, learningRate: s.learningRate, loss: 'sparse_categorical_crossentropy' });
    compiled = key;
  }

  async function train(msg) {
    requireModel();
    if (state !== 'idle') throw new Error('already training');
    const s = trainSettings(msg);
    await dataReady;
    compile(s);
    const t = s.samples ? firstSamples(data.train, s.samples) : data.train;
    const n = Math.floor(t.count * (1 - s.validationSplit));
    const batches = Math.ceil(n / s.batchSize);
    const stopper = s.threshold ? new StopAtThreshold({ threshold: s.threshold }) : null;
    let points = [], lastPost = 0, epochStart = 0, prevSum = 0, prevAccSum = 0, prevSeen = 0, currentEpoch = 0;
    const started = performance.now();

    const flush = (batch, logs) => {
      const elapsed = (performance.now() - epochStart) / 1000;
      const done = currentEpoch * batches + batch + 1;
      const rate = (prevSeen || 1) / Math.max(elapsed, 1e-6);
      post({
        type: 'progress', points, epoch: currentEpoch, epochs: s.epochs, batch, batches, logs,
        imagesPerSecond: rate, etaSeconds: ((s.epochs * batches - done) * s.batchSize) / rate,
      });
      points = [];
      lastPost = performance.now();
    };

    const callbacks = [{
      onEpochBegin(epoch) {
        currentEpoch = epoch;
        epochStart = performance.now();
        prevSum = prevAccSum = prevSeen = 0;
      },
      async onBatchEnd(batch, logs) {
        // The batch's own loss, recovered from Keras's running mean, for the per-batch curve.
        const seen = prevSeen + logs.size;
        points.push({
          step: currentEpoch * batches + batch + 1,
          loss: (logs.loss * seen - prevSum) / logs.size,
          accuracy: (logs.accuracy * seen - prevAccSum) / logs.size,
        });
        prevSum = logs.loss * seen;
        prevAccSum = logs.accuracy * seen;
        prevSeen = seen;
        if (stepsAllowed > 0 && --stepsAllowed === 0) setState('paused');
        if (state === 'paused' || performance.now() - lastPost > PROGRESS_MS || batch + 1 === batches) flush(batch, logs);
        while (state === 'paused') await new Promise((ok) => { gate = ok; });
      },
      onEpochEnd(epoch, logs) {
        post({ type: 'epoch', epoch, logs, seconds: (performance.now() - epochStart) / 1000 });
      },
    }];
    if (stopper) callbacks.push(stopper);

    setState('training');
    let history;
    training = model.fit(t.images, t.labels, {
      epochs: s.epochs, batchSize: s.batchSize, validationSplit: s.validationSplit, callbacks,
    });
    try {
      history = await training;
    } finally {
      training = null;
      setState('idle');
    }
    const test = model.evaluate(data.test.images, data.test.labels);
    post({
      type: 'done', history: history.history, seconds: (performance.now() - started) / 1000, test,
      stopReason: stopper?.message ?? (model.stopTraining ? 'stopped' : null),
    });
  }

  function stop() {
    if (!model || state === 'idle') return;
    model.stopTraining = true;
    stepsAllowed = 0;
    if (state === 'paused') setState('training');
    release();
  }

  async function reset() {
    if (!config) throw new Error('no model yet: build one first');
    stop();
    await training?.catch(() => {});
    await build({ config, seed });
  }

  function firstSamples(d, n) {
    const count = Math.min(n, d.count);
    const size = d.images.length / d.count;
    return { ...d, count, images: d.images.subarray(0, count * size), labels: d.labels.subarray(0, count) };
  }

  function testImages(indices) {
    const { test } = data;
    const size = test.rows * test.cols;
    const out = new Uint8Array(indices.length * size);
    indices.forEach((index, i) => {
      if (!Number.isInteger(index) || index < 0 || index >= test.count) throw new Error(`test image index must be 0..${test.count - 1}, got ${index}`);
      out.set(test.images.subarray(index * size, (index + 1) * size), i * size);
    });
    return out;
  }

  const commands = {
    build,
    import: importModel,
    exportModel({ id }) {
      requireModel();
      const { modelJson, weightData } = toTfjsArtifacts(model);
      post({ type: 'exported', id, modelJson, weightData }, [weightData]);
    },
    train,
    stop,
    reset,
    pause() {
      if (state === 'training') setState('paused');
    },
    resume() {
      if (state !== 'paused') return;
      stepsAllowed = 0;
      setState('training');
      release();
    },
    step() {
      if (state !== 'paused') throw new Error('step works while paused');
      stepsAllowed = 1;
      state = 'training';  // silently: the loop pauses again (and says so) after one batch
      release();
    },
    async featureMaps({ id, images = [0, 23, 28], layers = [0, 1, 2, 3], filter = 1 }) {
      requireModel();
      await dataReady;
      const outputs = model.layerOutputs(testImages(images), layers.filter((l) => l < model.layers.length));
      const maps = images.map((_, i) => outputs.map((o) => {
        const per = o.data.length / images.length;
        return o.data.slice(i * per, (i + 1) * per);
      }));
      post({
        type: 'featureMaps', id, filter, images,
        layers: outputs.map((o) => ({ name: o.name, className: o.className, shape: o.shape.slice(1) })), maps,
      }, maps.flat().map((m) => m.buffer));
    },
    async allFilters({ id, image = 0, layer = 0 }) {
      requireModel();
      await dataReady;
      const [o] = model.layerOutputs(testImages([image]), [layer]);
      post({ type: 'allFilters', id, image, layer: { name: o.name, shape: o.shape.slice(1) }, data: o.data }, [o.data.buffer]);
    },
    kernels({ id, layer = 0 }) {
      requireModel();
      const name = model.layers[layer]?.name;
      const manifest = model.weightsManifest();
      let offset = 0;
      for (const w of manifest) {
        const size = w.shape.reduce((a, b) => a * b, 1);
        if (w.name === `${name}/kernel` && w.shape.length === 4) {
          const data = model.getWeights().slice(offset, offset + size);
          post({ type: 'kernels', id, layer: { name, shape: w.shape }, data }, [data.buffer]);
          return;
        }
        offset += size;
      }
      throw new Error(`layer ${layer} (${name}) has no convolution kernel`);
    },
    // The engine's wasm heap in bytes: the soak tests watch it across train/stop/reset cycles.
    memory({ id }) {
      requireModel();
      post({ type: 'memory', id, wasmHeap: model.engine.heapSize() });
    },
    // The page's heartbeat (heartbeat.mjs): answered whenever the event loop is free, which
    // during training is between batches.
    ping({ seq }) {
      post({ type: 'pong', seq });
    },
    async evaluate() {
      requireModel();
      await dataReady;
      if (!compiled) compile(trainSettings({}));
      const { test } = data;
      const r = model.evaluate(test.images, test.labels);
      const probabilities = model.predict(test.images, { batchSize: 256 });
      post({ type: 'evaluation', loss: r.loss, accuracy: r.accuracy, probabilities, classes: model.outputSize }, [probabilities.buffer]);
    },
  };

  return async function handle(msg) {
    const command = commands[msg?.type];
    try {
      if (!command) throw new Error(`unknown command ${JSON.stringify(msg?.type)}`);
      await command(msg);
    } catch (e) {
      post({ type: 'error', message: e.message, during: msg?.type });
    }
  };
}
