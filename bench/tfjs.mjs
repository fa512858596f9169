// Peer rows: TensorFlow.js with its 'cpu' backend and its 'wasm' backend (SIMD; single-threaded
// under Node), training the same Keras model (tf.layers defaults are Keras's: glorot_uniform,
// zero bias, adam 0.001 / 0.9 / 0.999 / 1e-7) on the same images, batch 32.
import { createRequire } from 'node:module';
import { measure } from './stats.mjs';

const BATCH = 32;
let tf;

export async function loadTf() {
  if (tf) return tf;
  tf = await import('@tensorflow/tfjs');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  // The .wasm files ship in the package: point the backend at them, so nothing is fetched.
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(entry.slice(0, entry.lastIndexOf('/') + 1));
  return tf;
}

// The terse preset ({input_shape, layers: ['Flatten', {Conv2D: {...}}, ...]}) as tf.layers.
function buildModel(preset) {
  const model = tf.sequential();
  preset.layers.forEach((spec, i) => {
    const [name, args] = typeof spec === 'string' ? [spec, {}] : Object.entries(spec)[0];
    const first = i === 0 ? { inputShape: preset.input_shape } : {};
    if (name === 'Conv2D') {
      model.add(tf.layers.conv2d({ filters: args.filters, kernelSize: args.kernel_size,
        activation: args.activation, padding: args.padding ?? 'valid', ...first }));
    } else if (name === 'MaxPooling2D') {
      model.add(tf.layers.maxPooling2d({ poolSize: 2, ...first }));
    } else if (name === 'Flatten') {
      model.add(tf.layers.flatten(first));
    } else if (name === 'Dense') {
      model.add(tf.layers.dense({ units: args.units, activation: args.activation, ...first }));
    } else {
      throw new Error(`bench: no tf.layers mapping for ${name}`);
    }
  });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

// Batches made once, outside the timing (convlab gathers its own batches inside its step).
function makeBatches(train, count) {
  return tf.tidy(() => Array.from({ length: count }, (_, b) => {
    const x = new Float32Array(BATCH * 784);
    for (let i = 0; i < x.length; i++) x[i] = train.images[b * BATCH * 784 + i] / 255;
    return { x: tf.keep(tf.tensor4d(x, [BATCH, 28, 28, 1])),
      y: tf.keep(tf.tensor1d(train.labels.slice(b * BATCH, (b + 1) * BATCH))) };
  }));
}

// Returns {train: runs | {error}, infer: runs}.
export async function benchTf(backend, preset, train, cfg) {
  await tf.setBackend(backend);
  await tf.ready();
  const model = buildModel(preset);
  const batches = makeBatches(train, 8);
  let i = 0;
  const next = () => batches[i++ % batches.length];
  const result = {};
  try {
    result.train = await measure(async () => {
      const { x, y } = next();
      await model.trainOnBatch(x, y);
    }, BATCH, cfg);
  } catch (e) {
    result.train = { error: e.message };
  }
  result.infer = await measure(() => tf.tidy(() => model.predict(next().x).dataSync()), BATCH, cfg);
  model.dispose();
  for (const b of batches) tf.dispose([b.x, b.y]);
  return result;
}
