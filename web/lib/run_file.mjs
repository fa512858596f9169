// A saved run as one file a teacher can download, mail and upload again: JSON, because it
// needs no zip library and stays readable, with the TF.js layers model.json inside and the
// weights (weights.bin's bytes) as base64:
//
//   {"format": "convlab-run", "version": 1, "name": "...", "savedAt": "2026-11-25T13:43:00Z",
//    "model": {...TF.js model.json: modelTopology + weightsManifest...},
//    "weights": "<base64 of little-endian float32 weights.bin>",
//    "code": "<the editor's Keras code>", "settings": {...training form...},
//    "history": [{"step", "loss", "accuracy", "val_loss", "val_accuracy"}, ...]}
//
// The model and weights alone are a TF.js model: write `model` to model.json and the decoded
// `weights` to weights.bin.
import { fromTfjsArtifacts } from './tfjs_format.mjs';

export const RUN_FORMAT = 'convlab-run';
export const RUN_VERSION = 1;

const CHUNK = 0x8000;  // String.fromCharCode's argument list has a length limit

export function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

export function fromBase64(text) {
  let binary;
  try {
    binary = atob(text);
  } catch {
    throw new Error('weights: not valid base64');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

// run: {name, modelJson, weightData: ArrayBuffer, code, settings, history, savedAt?}
export function encodeRun(run) {
  return JSON.stringify({
    format: RUN_FORMAT, version: RUN_VERSION, name: run.name ?? 'convlab run', savedAt: run.savedAt ?? new Date().toISOString(),
    model: run.modelJson, weights: toBase64(run.weightData), code: run.code ?? null, settings: run.settings ?? {},
    history: run.history ?? [],
  });
}

// The inverse of encodeRun, checked: every problem is one sentence naming the file.
export function decodeRun(text, file = 'the file') {
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not a convlab run (not JSON)`);
  }
  if (json?.format !== RUN_FORMAT) throw new Error(`${file} is not a convlab run (no "format": "${RUN_FORMAT}")`);
  if (json.version !== RUN_VERSION) throw new Error(`${file}: run format version ${json.version} is not supported (this page reads ${RUN_VERSION})`);
  if (typeof json.weights !== 'string') throw new Error(`${file}: no weights`);
  let weightData;
  try {
    weightData = fromBase64(json.weights);
    fromTfjsArtifacts(json.model, weightData, { file: `${file} (model)`, weightsFile: `${file} (weights)` });
  } catch (e) {
    throw new Error(e.message.startsWith(file) ? e.message : `${file}: ${e.message}`);
  }
  return {
    name: String(json.name ?? file), savedAt: json.savedAt ?? null, modelJson: json.model, weightData,
    code: typeof json.code === 'string' ? json.code : null, settings: json.settings ?? {},
    history: Array.isArray(json.history) ? json.history : [],
  };
}
