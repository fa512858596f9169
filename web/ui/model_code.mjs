// Model configs as the notebook's Keras Python (what the editor shows for a preset), and the
// Keras layer names a config will get (to point an engine error at the right line).

import { LAYER_CATALOG } from '../lib/layer_catalog.mjs';

// Keras's snake_case base names, aliases included: Conv2D and Convolution2D -> conv2d.
const BASE_NAMES = Object.fromEntries(LAYER_CATALOG.flatMap((e) => [e.className, ...e.aliases].map((n) => [n, e.baseName])));

const entries = (config) => (config.layers ?? []).map((l) => (typeof l === 'string' ? [l, {}] : Object.entries(l)[0]));

// The names Keras (and the engine) give: conv2d, conv2d_1, ... unless a layer is named.
export function layerNames(config) {
  const counters = {};
  const taken = new Set(entries(config).map(([, a]) => a.name).filter(Boolean));
  return entries(config).map(([cls, args]) => {
    if (args.name) return args.name;
    const base = BASE_NAMES[cls] ?? cls.toLowerCase();
    let name;
    do {
      const n = counters[base] = (counters[base] ?? -1) + 1;
      name = n === 0 ? base : `${base}_${n}`;
    } while (taken.has(name));
    taken.add(name);
    return name;
  });
}

const py = (v) => {
  if (Array.isArray(v)) return `(${v.map(py).join(', ')}${v.length === 1 ? ',' : ''})`;
  if (typeof v === 'string') return `'${v}'`;
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null) return 'None';
  return String(v);
};

// The leading arguments the course writes without their names: Conv2D(32, (3, 3), ...).
const POSITIONAL = Object.fromEntries(LAYER_CATALOG.map((e) => [e.className, e.positional.slice(0, e.codePositional)]));

function layerCall(cls, args, inputShape) {
  const parts = [];
  const rest = { ...args };
  for (const key of POSITIONAL[cls] ?? []) {
    if (key in rest) {
      const v = rest[key];
      parts.push(key === 'kernel_size' && typeof v === 'number' ? py([v, v]) : py(v));
      delete rest[key];
    }
  }
  for (const [k, v] of Object.entries(rest)) parts.push(`${k}=${py(v)}`);
  if (inputShape) parts.push(`input_shape=${py(inputShape)}`);
  return `tf.keras.layers.${cls}(${parts.join(', ')})`;
}

// The course's style: tf.keras.models.Sequential([...]) with input_shape on the first layer.
export function configToPython(config) {
  const lines = entries(config).map(([cls, args], i) => `    ${layerCall(cls, args, i === 0 ? config.input_shape : null)},`);
  return `model = tf.keras.models.Sequential([\n${lines.join('\n')}\n])\n`;
}
