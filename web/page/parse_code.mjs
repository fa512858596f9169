// The editor's text → what the controller builds: Keras Python (the notebook's cell, with its
// compile(), fit() and stop callback) or Keras JSON. Throws an error with .line and .reason.
import { parseKerasPython, isKerasPython } from '../lib/keras_python.mjs';
import { parseStopCallback } from '../lib/keras_callback.mjs';

export function parseCode(code) {
  if (isKerasPython(code)) return { ...parseKerasPython(code), stop: parseStopCallback(code) };
  try {
    return { config: JSON.parse(code), layerLines: null, compile: null, fit: null, stop: null };
  } catch (e) {
    throw Object.assign(new Error(e.message), { reason: e.message, line: null });
  }
}
