// The messages between the page and the training Worker, named once here and imported by both.
// Every message is {type, ...payload}.
//
// Page -> Worker (commands)
//   build   {config, seed}               build a model (Keras JSON or terse config object); a
//                                        failure leaves the current model in place
//   train   {epochs, batchSize, optimizer, learningRate, validationSplit, threshold, samples}
//                                        samples: train on the first N images only (quick runs)
//   pause | resume | step | stop         step = one batch while paused; stop = after this batch
//   reset                                back to the freshly initialised model (same seed)
//   import  {modelJson, weightData, seed} a saved model (TF.js layers format) in place of the
//                                        current one; a failure leaves the current model
//   exportModel {id}                     the current model as TF.js layers artifacts
//   featureMaps {id, images, layers, filter}   layer outputs of test images (indices)
//   allFilters  {id, image, layer}       every channel of one layer for one test image
//   kernels     {id, layer}              a Conv2D layer's kernel
//   evaluate                             test-set loss, accuracy and predictions
//   memory      {id}                     the engine's wasm heap size (soak tests)
//   ping        {seq}                    are you there? Sent while training or paused
//                                        (heartbeat.mjs); answered between batches
//
// Worker -> Page (events)
//   ready    {trainCount, testCount, testLabels: Float32Array, testImages: Uint8Array, imageShape}
//            + {threads, isolated, reason} when the engine says (web/lib/threads.mjs)
//   model    {summary, layers: [{name, className, outputShape, countParams}], params, seed, config}
//   state    {state: 'idle' | 'training' | 'paused'}
//   progress {points: [{step, loss, accuracy}], epoch, epochs, batch, batches, imagesPerSecond, etaSeconds, logs}
//   epoch    {epoch, logs, seconds}
//   done     {history, stopReason, seconds, test: {loss, accuracy}}
//   featureMaps {id, filter, images, layers: [{name, className, shape}], maps: [[Float32Array]]}
//   allFilters  {id, image, layer: {name, shape}, data}
//   kernels     {id, layer: {name, shape}, data}
//   evaluation  {loss, accuracy, probabilities: Float32Array, classes}
//   exported {id, modelJson, weightData: ArrayBuffer}
//   error    {message, during}            during: the command that failed
//   memory   {id, wasmHeap}               bytes
//   pong     {seq}                        the answer to ping {seq}

export const COMMANDS = ['build', 'train', 'pause', 'resume', 'step', 'stop', 'reset', 'featureMaps', 'allFilters', 'kernels', 'evaluate', 'import', 'exportModel', 'memory', 'ping'];
export const EVENTS = ['ready', 'model', 'state', 'progress', 'epoch', 'done', 'featureMaps', 'allFilters', 'kernels', 'evaluation', 'exported', 'error', 'memory', 'pong'];

export const TRAIN_DEFAULTS = Object.freeze({
  epochs: 5, batchSize: 32, optimizer: 'adam', learningRate: 0.001, validationSplit: 0, threshold: null,
  samples: null,
});

// Checks a train command's settings, filling defaults; throws an Error naming the field.
export function trainSettings(msg = {}) {
  const s = { ...TRAIN_DEFAULTS };
  for (const key of Object.keys(TRAIN_DEFAULTS)) if (msg[key] !== undefined && msg[key] !== '') s[key] = msg[key];
  const int = (k, min, max) => {
    if (!Number.isInteger(s[k]) || s[k] < min || s[k] > max) throw new Error(`${k} must be an integer from ${min} to ${max}, got ${s[k]}`);
  };
  int('epochs', 1, 1000);
  int('batchSize', 1, 4096);
  if (!['adam', 'sgd', 'rmsprop'].includes(s.optimizer)) throw new Error(`optimizer must be adam, sgd or rmsprop, got ${s.optimizer}`);
  if (!(typeof s.learningRate === 'number' && s.learningRate > 0 && s.learningRate < 10)) {
    throw new Error(`learning rate must be a number > 0 (and < 10), got ${s.learningRate}`);
  }
  if (!(typeof s.validationSplit === 'number' && s.validationSplit >= 0 && s.validationSplit < 1)) {
    throw new Error(`validation split must be in [0, 1), got ${s.validationSplit}`);
  }
  if (s.threshold !== null && !(typeof s.threshold === 'number' && s.threshold > 0 && s.threshold <= 1)) {
    throw new Error(`stop-at-accuracy threshold must be in (0, 1], got ${s.threshold}`);
  }
  if (s.samples !== null) int('samples', 1, 10_000_000);
  return s;
}
