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

// The part of a layer's call an engine error is about, as {from, to} in the code: the argument
// its message names ("kernel 30x30 does not fit..." is kernel_size; "strides must be positive"
// is strides), else the whole call. span: parseCode(...).layerSpans[index].
export function errorArgument(span, detail = '') {
  if (!span) return {};
  const text = String(detail).toLowerCase();
  for (const [name, range] of Object.entries(span.args ?? {})) {
    const stem = name.replace(/_size$/, '');
    if (new RegExp(`\\b(?:${name}|${stem})\\b`).test(text)) return range;
  }
  return { from: span.from, to: span.to };
}
