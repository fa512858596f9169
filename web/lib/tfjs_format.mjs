// Models in TensorFlow.js's layers format: model.json (Keras topology + weights manifest) and
// one weights.bin of little-endian float32 values, the files tf.loadLayersModel reads and
// tensorflowjs_converter turns into a Keras model. Import goes the other way and also takes
// what TF.js's own model.save() writes and Keras's model.to_json().
import { LAYER_CATALOG } from './layer_catalog.mjs';

const VERSION = '0.1.0';

// What TF.js's layers cannot reproduce (tfjs-layers 4.x): it would load these and predict
// something else, or fail on load, so the export refuses them by name instead.
const TFJS_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'gelu'];
function tfjsGap({ class_name: cls, config: c }) {
  if (c.activation && !TFJS_ACTIVATIONS.includes(c.activation)) return `activation '${c.activation}'`;
  if (cls === 'ELU' && c.alpha !== 1) return `ELU alpha=${c.alpha} (TF.js supports only 1)`;
  if (cls === 'ReLU' && (c.negative_slope !== 0 || c.threshold !== 0)) return 'ReLU negative_slope or threshold (TF.js has max_value only)';
  return null;
}

export function toTfjsArtifacts(model, { trainingConfig = null } = {}) {
  const topology = JSON.parse(model.toJSON());
  for (const layer of topology.config.layers) {
    const gap = tfjsGap(layer);
    if (gap) throw new Error(`TF.js export: layer '${layer.config.name}' (${layer.class_name}) uses ${gap}, which TensorFlow.js cannot load as such`);
  }
  const manifest = model.weightsManifest();
  const modelJson = {
    format: 'layers-model',
    generatedBy: `convlab ${VERSION}`,
    convertedBy: null,
    modelTopology: topology,
    weightsManifest: [{ paths: ['weights.bin'], weights: manifest.map(({ name, shape }) => ({ name, shape, dtype: 'float32' })) }],
  };
  if (trainingConfig) modelJson.trainingConfig = trainingConfig;
  const weights = model.getWeights();
  return { modelJson, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) };
}

// The layer types the engine builds (its catalog, layer_catalog.mjs), checked here first so that
// an unsupported model is refused with its layer's name rather than its position.
export const SUPPORTED_LAYERS = ['InputLayer', ...LAYER_CATALOG.flatMap((e) => [e.className, ...e.aliases])];

const INITIALIZER_KEYS = ['kernel_initializer', 'bias_initializer', 'beta_initializer', 'gamma_initializer',
  'moving_mean_initializer', 'moving_variance_initializer'];

// The Keras model config inside any of: a TF.js model.json, {modelTopology: {model_config}}
// (Keras H5 attributes), or Keras's model.to_json() itself.
export function kerasTopology(json, file = 'model.json') {
  if (!json || typeof json !== 'object') throw new Error(`${file}: not a JSON object`);
  const topology = json.modelTopology?.model_config ?? json.modelTopology ?? (json.class_name ? json : null);
  if (!topology || typeof topology !== 'object') throw new Error(`${file}: no modelTopology (nor a Keras model.to_json() object)`);
  return topology;
}

// A copy of a Keras Sequential config the engine accepts: unsupported layers refused by name;
// with weights to load, initializers dropped (the weights replace whatever they would draw, and
// TF.js writes VarianceScaling where Keras writes GlorotUniform).
export function normalizeTopology(topology, { withWeights = false, file = 'model.json' } = {}) {
  const copy = structuredClone(topology);
  if (copy.class_name && copy.class_name !== 'Sequential') {
    throw new Error(`${file}: only Sequential models are supported by convlab, got ${copy.class_name}`);
  }
  const layers = Array.isArray(copy.config) ? copy.config : copy.config?.layers;
  if (!Array.isArray(layers)) throw new Error(`${file}: no layer list (config.layers)`);
  for (const layer of layers) {
    const className = layer?.class_name;
    const name = layer?.config?.name ?? className;
    if (!SUPPORTED_LAYERS.includes(className)) {
      throw new Error(`layer '${name}' (${className}) is not supported by convlab (supported: ${SUPPORTED_LAYERS.slice(1).join(', ')})`);
    }
    if (!layer.config) continue;
    for (const key of INITIALIZER_KEYS) {
      if (!(key in layer.config)) continue;
      if (withWeights || isGlorotUniform(layer.config[key])) delete layer.config[key];
    }
  }
  return copy;
}

// VarianceScaling(1, fan_avg, uniform) is Glorot uniform under another name (TF.js writes it so).
function isGlorotUniform(init) {
  const c = init?.config;
  return init?.class_name === 'VarianceScaling' && c?.scale === 1 && c?.mode === 'fan_avg' && c?.distribution === 'uniform';
}

// Weight specs as one flat list with byte offsets into the concatenated weight data (TF.js
// concatenates the shards of all groups in manifest order).
function weightEntries(specs, byteLength, file, weightsFile) {
  let offset = 0;
  const entries = specs.map((w) => {
    if (w.dtype && w.dtype !== 'float32') throw new Error(`${file}: weight ${w.name} has dtype ${w.dtype} (only float32 is supported)`);
    if (w.quantization) throw new Error(`${file}: weight ${w.name} is quantized (not supported)`);
    const size = w.shape.reduce((a, b) => a * b, 1);
    const entry = { name: w.name, shape: w.shape, size, offset };
    offset += size * 4;
    return entry;
  });
  if (byteLength !== offset) {
    throw new Error(`${weightsFile}: ${byteLength} bytes but ${file} describes ${offset / 4} float32 values (${offset} bytes)`);
  }
  return entries;
}

const plainName = (name) => name.replace(/:\d+$/, '');

// The source weights in the order of `manifest` (the convlab model's weightsManifest()),
// matched by name ("conv2d/kernel", also with ":0" or a scope before it). Only when no name
// matches at all (another naming scheme) are they matched by order: the i-th convlab "kernel"
// takes the i-th source "kernel". Shapes must agree; every source weight must be used.
export function mapWeights(manifest, specs, weightData, { file = 'model.json', weightsFile = 'weights.bin' } = {}) {
  const entries = weightEntries(specs, weightData.byteLength, file, weightsFile);
  const byName = (name) => entries.find((c) => plainName(c.name) === name) ?? entries.find((c) => plainName(c.name).endsWith(`/${name}`));
  const names = manifest.map((w) => plainName(w.name));
  const param = (name) => name.split('/').pop();
  const byOrder = !names.some(byName);
  const out = new Float32Array(manifest.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0));
  const bytes = new Uint8Array(weightData);
  const unused = new Set(entries);
  let offset = 0;
  manifest.forEach((w, i) => {
    const name = names[i];
    let e;
    if (byOrder) {
      const rank = names.slice(0, i).filter((n) => param(n) === param(name)).length;
      e = entries.filter((c) => param(plainName(c.name)) === param(name))[rank];
    } else {
      e = byName(name);
    }
    if (!e || !unused.has(e)) throw new Error(`${file}: no weight for ${name} (the file has ${entries.map((x) => x.name).join(', ')})`);
    if (e.shape.join() !== w.shape.join()) {
      throw new Error(`${file}: weight ${e.name} has shape [${e.shape}] but convlab's ${name} has shape [${w.shape}]`);
    }
    unused.delete(e);
    // Copied through bytes: the source offset need not be 4-byte aligned within a shared buffer.
    out.set(new Float32Array(bytes.slice(e.offset, e.offset + e.size * 4).buffer), offset);
    offset += e.size;
  });
  if (unused.size) throw new Error(`${file}: weights no convlab layer takes: ${[...unused].map((e) => e.name).join(', ')}`);
  return out;
}

// Checks a model.json object and its weights, returning {topology, specs, weightData}: the
// engine-ready Keras config and the manifest entries for mapWeights. Errors name the file.
export function fromTfjsArtifacts(modelJson, weightData, { file = 'model.json', weightsFile = 'weights.bin' } = {}) {
  const topology = normalizeTopology(kerasTopology(modelJson, file), { withWeights: true, file });
  const groups = modelJson.weightsManifest;
  if (!Array.isArray(groups)) throw new Error(`${file}: no weightsManifest`);
  const specs = groups.flatMap((g) => g.weights ?? []);
  weightEntries(specs, weightData.byteLength, file, weightsFile);
  return { topology, specs, weightData };
}

// A convlab model from TF.js artifacts: createModel (from convlab.mjs, passed in so this module
// stays free of the engine) builds the topology, then the weights are mapped onto it by name.
export async function modelFromTfjs(createModel, modelJson, weightData, { seed = 1, file, weightsFile } = {}) {
  const { topology, specs } = fromTfjsArtifacts(modelJson, weightData, { file, weightsFile });
  const model = await createModel(topology, { seed });
  try {
    model.setWeights(mapWeights(model.weightsManifest(), specs, weightData, { file, weightsFile }));
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
