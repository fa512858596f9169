// The messages between the page and the training Worker, named once here and imported by both
// (the page through page/client.mjs, the worker through handler.mjs).
//
// Every command is a request {type, id, ...payload} and gets exactly one reply
//   {type: 'reply', id, result}  or  {type: 'reply', id, error: {code, params}}
// Errors are codes with parameters (the layer, field or file at fault), rendered by the page's
// message catalog: nothing parses English.
//
// Page -> Worker (commands; result in brackets)
//   build   {config, seed}               build a model (Keras JSON or terse config); a failure
//                                        leaves the current model in place          [model]
//   train   {runId, fresh, settings, stop?, augment?, schedule?}  fit on the training data, then evaluate on the test
//                                        set. fresh: start from newly initialised weights (the
//                                        seed of settings), else continue from the current ones.
//                                        stop: {monitor, threshold, mode, message} (a pasted
//                                        callback). augment: ImageDataGenerator options
//                                        (augment.mjs); schedule: a LearningRateScheduler's
//                                        function (keras_schedule.mjs). Replies when the run
//                                        has ended                                   [runResult]
//   pause | resume | step | stop         step = one batch while paused; stop = after this batch
//   reset                                back to freshly initialised weights (same seed) [model]
//   import  {modelJson, weightData, seed} a saved model (TF.js layers format); a failure leaves
//                                        the current model                           [model]
//   exportModel                          the current model      [{modelJson, weightData}]
//   featureMaps {images, layers}         layer outputs of test images [{images, layers, maps}]
//   allFilters  {image, layer}           every channel of one layer     [{image, layer, data}]
//   kernels     {layer}                  a Conv2D layer's kernel              [{layer, data}]
//   stepThrough {layer, image | pixels}  one layer's input and output for one image, its Keras
//                                        config, kernel and bias [{image, layer: {index, name,
//                                        className, config}, input, output: {shape, data},
//                                        kernel: {shape, data} | null, bias}]
//   predictPixels {pixels, layers}       the page's own image (Float32Array, the model's input
//                                        shape, transferred)   [{probabilities, layers, maps}]
//   evaluate                             test loss, accuracy, predictions     [evaluation]
//   memory                               the engine's wasm heap size        [{wasmHeap}]
//   ping        {seq}                    heartbeat (heartbeat.mjs), answered between batches
//
// Worker -> Page (events, not replies)
//   ready    {dataset, trainCount, testCount, testLabels, testImages, imageShape, classes}
//            + {threads, isolated, reason} when the engine says (web/lib/threads.mjs)
//   state    {runId, state: 'training' | 'paused' | 'stopping'}
//   progress {runId, points: [{step, loss, accuracy}], notes, epoch, epochs, batch, batches, logs,
//             elapsed, imagesPerSecond, etaSeconds}   elapsed and ETA exclude paused time;
//             notes: log lines printed at the epoch's start (the scheduler's, when verbose)
//   epoch    {runId, epoch, epochs, batches, logs, seconds}
//   pong     {seq}
//   failed   {error}                      the data could not be loaded (the page says so)
//
// model       {summary, layers: [{name, className, outputShape, countParams}], params, seed, config}
// runResult   {runId, ending: 'finished' | 'stopped' | 'threshold', stoppedAt: {epoch, batch} | null,
//              message, history, seconds, engineSeconds, test: {loss, accuracy, seconds, steps}}
//              seconds: the epochs' work (pauses excluded); engineSeconds: of it, inside train steps
// evaluation  {loss, accuracy, probabilities: Float32Array, classes, seconds, steps}
import { SETTINGS, readSettings } from '../lib/settings.mjs';

export const COMMANDS = Object.freeze(['build', 'train', 'pause', 'resume', 'step', 'stop', 'reset', 'featureMaps',
  'allFilters', 'kernels', 'stepThrough', 'predictPixels', 'evaluate', 'import', 'exportModel', 'memory', 'ping']);
export const EVENTS = Object.freeze(['ready', 'state', 'progress', 'epoch', 'pong', 'failed', 'reply']);

// Checks a train command's settings (settings.mjs), filling defaults; throws a SettingError.
export function trainSettings(given = {}) {
  return readSettings((s) => given[s.name]);
}

export const SETTING_NAMES = SETTINGS.map((s) => s.name);

// An error as it travels: {code, params}. Coded errors keep theirs; an engine error that names
// the layer at fault (LayerError in C++, with .layer and .layerIndex) becomes 'engine.layer';
// anything else is 'engine.error' with the engine's own sentence as detail.
export function errorPayload(e) {
  if (e?.code && typeof e.code === 'string' && e.code.includes('.')) return { code: e.code, params: e.params ?? {} };
  const detail = String(e?.message ?? e);
  if (e?.layer !== undefined) return { code: 'engine.layer', params: { layer: e.layer, index: e.layerIndex, detail } };
  return { code: 'engine.error', params: { detail } };
}

// An Error made from a payload, for the promise that a reply rejects.
export class RemoteError extends Error {
  constructor({ code, params = {} }) {
    super(`${code}: ${JSON.stringify(params)}`);
    this.code = code;
    this.params = params;
  }
}

export class CodedError extends Error {
  constructor(code, params = {}) {
    super(`${code}: ${JSON.stringify(params)}`);
    this.code = code;
    this.params = params;
  }
}

// The page's side of requests: ids, pending promises, settling by reply. post(msg, transfer).
export function createRequester(post) {
  let next = 1;
  const pending = new Map();
  return {
    request(type, payload = {}, transfer = []) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, type });
        post({ type, id, ...payload }, transfer);
      });
    },
    // Takes a reply; false for any other message.
    settle(msg) {
      if (msg?.type !== 'reply') return false;
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (p) msg.error ? p.reject(new RemoteError(msg.error)) : p.resolve(msg.result);
      return true;
    },
    // The worker died: every request in flight fails with this error.
    failAll(error) {
      for (const p of pending.values()) p.reject(new RemoteError(error));
      pending.clear();
    },
    get inFlight() { return pending.size; },
  };
}
