// Models in TensorFlow.js's layers format: model.json (Keras topology + weights manifest) and
// one weights.bin of little-endian float32 values, the files tf.loadLayersModel reads and
// tensorflowjs_converter turns into a Keras model.
const VERSION = '0.1.0';

export function toTfjsArtifacts(model, { trainingConfig = null } = {}) {
  const manifest = model.weightsManifest();
  const modelJson = {
    format: 'layers-model',
    generatedBy: `convlab ${VERSION}`,
    convertedBy: null,
    modelTopology: JSON.parse(model.toJSON()),
    weightsManifest: [{ paths: ['weights.bin'], weights: manifest.map(({ name, shape }) => ({ name, shape, dtype: 'float32' })) }],
  };
  if (trainingConfig) modelJson.trainingConfig = trainingConfig;
  const weights = model.getWeights();
  return { modelJson, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) };
}

// Checks a model.json object and its weights, returning {topology, weights: Float32Array}.
// Errors name the file and the field.
export function fromTfjsArtifacts(modelJson, weightData, { file = 'model.json', weightsFile = 'weights.bin' } = {}) {
  if (!modelJson || typeof modelJson !== 'object') throw new Error(`${file}: not a JSON object`);
  const topology = modelJson.modelTopology?.model_config ?? modelJson.modelTopology;
  if (!topology || typeof topology !== 'object') throw new Error(`${file}: no modelTopology`);
  const groups = modelJson.weightsManifest;
  if (!Array.isArray(groups)) throw new Error(`${file}: no weightsManifest`);
  let expected = 0;
  for (const group of groups) {
    for (const w of group.weights ?? []) {
      if (w.dtype && w.dtype !== 'float32') throw new Error(`${file}: weight ${w.name} has dtype ${w.dtype} (only float32 is supported)`);
      if (w.quantization) throw new Error(`${file}: weight ${w.name} is quantized (not supported)`);
      expected += w.shape.reduce((a, b) => a * b, 1);
    }
  }
  if (weightData.byteLength !== expected * 4) {
    throw new Error(`${weightsFile}: ${weightData.byteLength} bytes but ${file} describes ${expected} float32 values (${expected * 4} bytes)`);
  }
  return { topology, weights: new Float32Array(weightData.slice(0)) };
}
