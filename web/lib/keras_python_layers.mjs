// The Keras half of keras_python.mjs: which classes and arguments exist (Keras's own signatures,
// positional order included), and how parsed Python values become the terse config's JSON.
// The split of work with the engine: errors a Python interpreter or Keras would raise while
// *calling* (unknown class or argument, too many positional arguments, a value that is not a
// literal) are raised here with the line; whether a well-formed value is one convlab supports
// (padding='full', kernel_initializer='he_normal', bias_regularizer=...) is left to the engine,
// whose messages name the layer (map it back to a line through layerLines).
import { LAYER_CATALOG } from './layer_catalog.mjs';

// Thrown for every problem in the Python; `line`/`column` are 1-based (null when there is none).
export class KerasSyntaxError extends Error {
  constructor(text, line = null, column = null) {
    super(line ? `line ${line}: ${text}` : text);
    this.name = 'KerasSyntaxError';
    this.line = line;
    this.column = column;
    this.reason = text; // the message without its "line N: " prefix
  }
}

// `at` is a token, AST node or call argument: anything with line/col.
export function fail(at, text) {
  throw new KerasSyntaxError(text, at?.line ?? null, at?.col ?? null);
}

export const short = (text, max = 40) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function editDistance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] !== b[j - 1]));
    row = next;
  }
  return row[b.length];
}

// " — did you mean 'x'?" for a case-insensitive match or a close spelling, else ''.
function suggest(word, candidates) {
  const lower = word.toLowerCase();
  let best = candidates.find((c) => c.toLowerCase() === lower);
  let bestDistance = lower.length <= 3 ? 2 : 3; // suggest only close names
  for (const c of best ? [] : candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best ? ` — did you mean '${best}'?` : '';
}

// ---- Signatures. The layers and their positional order (tf.keras 2.x's, the course's) come
// from the engine's catalog (src/model/layer_catalog.cpp), written out as layer_catalog.mjs. ----
// Every layer takes these keywords (the engine accepts name/trainable/dtype; input shapes are
// hoisted into the config's input_shape).
const COMMON = ['name', 'input_shape', 'batch_input_shape', 'trainable', 'dtype'];
const LAYERS = Object.fromEntries(LAYER_CATALOG.map((e) => [e.className,
  { positional: e.positional, keywords: [...e.keywords, ...COMMON], required: e.required }]));
// Keras aliases; the config gets the class name Keras's to_json() would write.
const ALIASES = Object.fromEntries(LAYER_CATALOG.flatMap((e) => e.aliases.map((alias) => [alias, e.className])));
// Input layers give the model its input shape instead of adding a layer.
const INPUTS = {
  InputLayer: { positional: ['input_shape', 'batch_size', 'dtype', 'input_tensor', 'sparse', 'name', 'ragged'],
    keywords: ['shape', 'batch_shape', 'batch_input_shape'] },
  Input: { positional: ['shape', 'batch_size', 'name', 'dtype', 'sparse', 'tensor', 'ragged'], keywords: ['batch_shape'] },
};
const SHAPE_ARGS = { input_shape: 0, shape: 0, batch_input_shape: 1, batch_shape: 1 }; // leading batch dims
const LAYER_NAMES = [...Object.keys(LAYERS), ...Object.keys(ALIASES), ...Object.keys(INPUTS)];
// Real Keras layers, so that the message says "not supported" rather than "unknown".
const OTHER_KERAS_LAYERS = ['AveragePooling2D', 'AvgPool2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D',
  'Conv1D', 'Conv3D', 'Conv2DTranspose', 'SeparableConv2D', 'DepthwiseConv2D', 'MaxPooling1D', 'ZeroPadding2D',
  'UpSampling2D', 'Cropping2D', 'Reshape', 'Permute', 'RepeatVector', 'Lambda', 'LeakyReLU', 'ReLU', 'PReLU', 'ELU',
  'Softmax', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'LayerNormalization', 'Rescaling', 'Resizing',
  'RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'Embedding', 'LSTM', 'GRU', 'SimpleRNN',
  'Bidirectional', 'TimeDistributed', 'Concatenate', 'Add', 'Multiply'].filter((name) => !LAYERS[name] && !ALIASES[name]);

const SEQUENTIAL = { positional: ['layers', 'name'], keywords: ['trainable'] };
const COMPILE = { positional: ['optimizer', 'loss', 'metrics', 'loss_weights', 'weighted_metrics', 'run_eagerly',
  'steps_per_execution', 'jit_compile', 'pss_evaluation_shards'],
keywords: ['sample_weight_mode', 'target_tensors', 'distribute', 'auto_scale_loss'] };
export const FIT = { positional: ['x', 'y', 'batch_size', 'epochs', 'verbose', 'callbacks', 'validation_split',
  'validation_data', 'shuffle', 'class_weight', 'sample_weight', 'initial_epoch', 'steps_per_epoch', 'validation_steps',
  'validation_batch_size', 'validation_freq', 'max_queue_size', 'workers', 'use_multiprocessing'] };
const OPTIMIZERS = {
  Adam: ['learning_rate', 'beta_1', 'beta_2', 'epsilon', 'amsgrad'],
  SGD: ['learning_rate', 'momentum', 'nesterov'],
  RMSprop: ['learning_rate', 'rho', 'momentum', 'epsilon', 'centered'],
};
const OPTIMIZER_KEYWORDS = ['name', 'decay', 'clipnorm', 'clipvalue', 'global_clipnorm', 'weight_decay', 'use_ema',
  'ema_momentum', 'ema_overwrite_frequency', 'jit_compile', 'lr'];
const OTHER_OPTIMIZERS = ['Adagrad', 'Adadelta', 'Adamax', 'Nadam', 'Ftrl', 'AdamW', 'Lion', 'Adafactor'];
const LOSSES = { SparseCategoricalCrossentropy: 'sparse_categorical_crossentropy', CategoricalCrossentropy: 'categorical_crossentropy',
  BinaryCrossentropy: 'binary_crossentropy' };
// Regularizer functions and classes: their arguments and Keras's default factors.
const REGULARIZERS = {
  l1: { positional: ['l1'], alias: { l: 'l1' }, defaults: { l1: 0.01 } },
  l2: { positional: ['l2'], alias: { l: 'l2' }, defaults: { l2: 0.01 } },
  l1_l2: { positional: ['l1', 'l2'], defaults: { l1: 0.01, l2: 0.01 } }, // tf.keras 2.x's l1_l2()
  L1: { positional: ['l1'], alias: { l: 'l1' }, defaults: { l1: 0.01 } },
  L2: { positional: ['l2'], alias: { l: 'l2' }, defaults: { l2: 0.01 } },
  L1L2: { positional: ['l1', 'l2'], defaults: { l1: 0, l2: 0 } },
};
const ACTIVATIONS = ['relu', 'sigmoid', 'softmax', 'tanh', 'linear', 'elu', 'selu', 'softplus', 'softsign', 'swish',
  'silu', 'gelu', 'exponential', 'hard_sigmoid', 'relu6', 'leaky_relu', 'mish', 'log_softmax'];
const NUMERIC = new Set(['filters', 'units', 'kernel_size', 'pool_size', 'strides', 'rate', 'momentum', 'epsilon', 'axis',
  'groups', 'dilation_rate', 'seed', 'epochs', 'batch_size', 'validation_split', 'learning_rate', 'beta_1', 'beta_2',
  'rho', 'l1', 'l2']);

// ---- Module paths: where Keras puts each kind of name, after import aliases are expanded. ----
const keras = (m) => [m, `keras.${m}`, `tf.keras.${m}`];
const MODULES = {
  layers: ['', ...keras('layers')],
  models: ['', 'keras', 'tf.keras', ...keras('models')],
  activations: ['', ...keras('activations'), 'tf.nn', 'tf', 'tf.math'],
  regularizers: ['', ...keras('regularizers')],
  initializers: ['', ...keras('initializers')],
  constraints: ['', ...keras('constraints')],
  optimizers: ['', ...keras('optimizers'), ...keras('optimizers.legacy'), 'tf.optimizers'],
  losses: ['', ...keras('losses'), 'tf.losses'],
};
const REWRITES = [['tensorflow', 'tf'], ['tf.python.keras', 'tf.keras'], ['tf.compat.v1.keras', 'tf.keras']];

// ['L', 'Dense'] with `import tensorflow.keras.layers as L` → ['tensorflow', 'keras', 'layers', 'Dense'].
function expand(parts, ctx) {
  const full = ctx.aliases.get(parts[0]);
  return full ? [...full.split('.'), ...parts.slice(1)] : parts;
}

function modulePath(parts) {
  let path = parts.slice(0, -1).join('.');
  for (const [from, to] of REWRITES) if (path === from || path.startsWith(`${from}.`)) path = to + path.slice(from.length);
  return path;
}

// Fails unless the dotted name's module is one where Keras defines names of this family.
function checkModule(node, parts, family) {
  const path = modulePath(parts);
  if (MODULES[family].includes(path)) return;
  const hint = suggest(path, MODULES[family].filter(Boolean)).replace(/'\?$/, `.${parts.at(-1)}'?`);
  fail(node, `unknown name '${parts.join('.')}'${hint}`);
}

// "MaxPooling2D(2,2)" for the call tf.keras.layers.MaxPooling2D(2,2): how errors quote a value.
export function describe(node) {
  if (node.kind !== 'call' || node.callee.kind !== 'name') return short(node.text);
  const name = node.callee.parts.at(-1);
  const text = name + node.text.slice(node.callee.text.length);
  return text.length > 40 ? `${name}(...)` : text;
}

// Python's argument binding: a Map from parameter name to the call argument, in source order.
export function bindArgs(call, { positional = [], keywords = [], alias = {} }, who) {
  const known = [...positional, ...keywords, ...Object.keys(alias)];
  const given = call.args.filter((a) => !a.name && !a.star).length;
  const bound = new Map();
  let index = 0;
  for (const arg of call.args) {
    if (arg.star) fail(arg, `unsupported Python: ${arg.star} (write the arguments out)`);
    if (!arg.name && index >= positional.length) {
      const s = positional.length === 1 ? '' : 's';
      fail(call, `${who} takes at most ${positional.length} positional argument${s}, got ${given}`);
    }
    if (arg.name && !known.includes(arg.name)) fail(arg, `${who}: unknown argument '${arg.name}'${suggest(arg.name, known)}`);
    const name = arg.name ? alias[arg.name] ?? arg.name : positional[index++];
    if (bound.has(name)) fail(arg, `${who}: argument '${name}' given twice`);
    bound.set(name, arg);
  }
  return bound;
}

function hint(arg) {
  if (NUMERIC.has(arg)) return 'write the number itself';
  if (arg in SHAPE_ARGS) return 'write the shape itself, e.g. (28, 28, 1)';
  return 'write the value itself';
}
// How "unsupported Python: ..." names a value that is not a literal.
const construct = (node) => (node.kind === 'name' ? `variable '${node.text}'` : `${node.what ?? 'value'} '${short(node.text)}'`);

// A parsed Python value → JSON. `arg` (the parameter's name) decides what names and calls mean:
// activation=tf.nn.relu is 'relu', kernel_regularizer=l2(0.01) is {l2: 0.01}.
export function toJson(node, ctx, arg) {
  const kind = arg === 'activation' ? 'activation' : /_(regularizer|initializer|constraint)$/.exec(arg)?.[1];
  switch (node.kind) {
    case 'num': case 'const': return node.value;
    case 'str':
      if (node.fstring) fail(node, `unsupported Python: an f-string (${hint(arg)})`);
      if (kind === 'regularizer' && node.value in REGULARIZERS) return { ...REGULARIZERS[node.value].defaults };
      return node.value;
    case 'tuple': case 'list': return node.items.map((item) => toJson(item, ctx, arg));
    case 'name': {
      const parts = expand(node.parts, ctx);
      const last = parts.at(-1);
      if (kind === 'activation' && ACTIVATIONS.includes(last)) {
        checkModule(node, parts, 'activations');
        return last;
      }
      if (kind === 'activation' && parts.length > 1 && MODULES.activations.includes(modulePath(parts))) {
        const prefix = node.parts.slice(0, -1).join('.');
        fail(node, `unknown activation '${node.text}'${suggest(last, ACTIVATIONS).replace(/'(\w+)'\?$/, `'${prefix}.$1'?`)}`);
      }
      if (arg === 'dtype' && /^(tf|np|numpy)$/.test(modulePath(parts))) return last; // dtype=tf.float32
      return fail(node, `unsupported Python: variable '${node.text}' (${hint(arg)})`);
    }
    case 'call': {
      const parts = node.callee.kind === 'name' ? expand(node.callee.parts, ctx) : null;
      const cls = parts?.at(-1);
      if (kind === 'regularizer' && parts) {
        checkModule(node.callee, parts, 'regularizers');
        const sig = REGULARIZERS[cls] ?? fail(node.callee, `unknown regularizer '${cls}'${suggest(cls, Object.keys(REGULARIZERS))}`);
        const out = { ...sig.defaults };
        for (const [name, a] of bindArgs(node, sig, cls)) out[name] = toJson(a.value, ctx, name);
        return out;
      }
      if (kind && kind !== 'activation' && parts) { // initializers and constraints: Keras's serialized form
        checkModule(node.callee, parts, `${kind}s`);
        const config = {};
        for (const a of node.args) config[a.name ?? fail(a, `${cls}: give its arguments by keyword`)] = toJson(a.value, ctx, a.name);
        return { class_name: cls, config };
      }
      return fail(node, `unsupported Python: a call to ${describe(node)} (${hint(arg)})`);
    }
    default: return fail(node, `unsupported Python: ${construct(node)} (${hint(arg)})`);
  }
}

// Sequential(layers=None, name=None) → {name, layers: the element nodes}.
export function convertSequential(call, ctx) {
  checkModule(call.callee, expand(call.callee.parts, ctx), 'models');
  const b = bindArgs(call, SEQUENTIAL, 'Sequential');
  const value = (name) => (b.has(name) ? toJson(b.get(name).value, ctx, name) : undefined);
  if (value('trainable') === false) fail(b.get('trainable'), 'Sequential: trainable=False is not supported');
  const list = b.get('layers')?.value;
  if (list && list.kind !== 'list' && list.kind !== 'tuple' && !(list.kind === 'const' && list.value === null)) {
    const literal = ['num', 'str', 'const', 'call'].includes(list.kind);
    fail(list, literal ? `Sequential: expected a list of layers, got ${describe(list)}`
      : `unsupported Python: ${construct(list)} (write the layers out one by one: Sequential([...]))`);
  }
  return { name: value('name') ?? undefined, layers: list?.items ?? [] };
}

// ---- The model: what Sequential([...]) and model.add(...) lines build. ----
export function newModel(at, sequential) {
  return { line: at.line, col: at.col, sequential, name: undefined, inputShape: undefined, layers: [], layerLines: [], layerSpans: [], compile: null, fit: null };
}

export function addLayer(model, node, ctx) {
  const layer = convertLayer(node, ctx);
  if (layer.isInput && model.layers.length) fail(node, `${layer.className} must come before the model's other layers`);
  // The input shape comes from an Input, else from the first layer's input_shape (Keras ignores
  // it on the others), and goes to the config's top level as in presets.mjs.
  if (!model.layers.length) model.inputShape ??= layer.inputShape;
  if (layer.isInput) return;
  model.layers.push(Object.keys(layer.args).length ? { [layer.className]: layer.args } : layer.className);
  model.layerLines.push(node.line);
  model.layerSpans.push(layer.span);
}

export function modelResult(model) {
  if (!model || !(model.sequential || model.layers.length)) {
    throw new KerasSyntaxError('no model found: expected tf.keras.models.Sequential([...]) or model.add(...) lines');
  }
  if (!model.layers.length) fail(model, 'the model has no layers: give Sequential a list of layers or call model.add(...)');
  const config = {};
  if (model.name !== undefined) config.name = model.name;
  if (model.inputShape) config.input_shape = model.inputShape;
  config.layers = model.layers;
  return { config, layerLines: model.layerLines, layerSpans: model.layerSpans, compile: model.compile, fit: model.fit };
}

// One element of Sequential([...]) or the argument of model.add(...) → {className, args,
// inputShape?, isInput}. input_shape and friends are taken out of args: addLayer hoists them.
function convertLayer(node, ctx) {
  if (node.kind === 'name') {
    const last = node.parts.at(-1);
    if (/^[A-Z]/.test(last)) fail(node, `expected '(' after ${last}`);
    fail(node, `unsupported Python: variable '${node.text}' (write the layer itself, e.g. Dense(10))`);
  }
  if (node.kind === 'unsupported') fail(node, `unsupported Python: ${node.what} (write the layers out one by one)`);
  if (node.kind !== 'call' || node.callee.kind !== 'name') fail(node, `expected a layer such as Dense(10), got ${describe(node)}`);
  const parts = expand(node.callee.parts, ctx);
  const written = parts.at(-1);
  const cls = ALIASES[written] ?? written;
  if (!LAYERS[cls] && !INPUTS[cls]) {
    if (OTHER_KERAS_LAYERS.includes(cls)) fail(node.callee, `${cls} is not supported by convlab (it has ${Object.keys(LAYERS).join(', ')}, InputLayer)`);
    fail(node.callee, `unknown layer '${written}'${suggest(written, LAYER_NAMES)}`);
  }
  const topLevel = cls === 'Input' && MODULES.models.includes(modulePath(parts)); // keras.Input as well as keras.layers.Input
  checkModule(node.callee, parts, topLevel ? 'models' : 'layers');
  const input = INPUTS[cls];
  const bound = bindArgs(node, input ?? LAYERS[cls], cls);
  for (const name of LAYERS[cls]?.required ?? []) if (!bound.has(name)) fail(node.callee, `${cls}: missing required argument '${name}'`);
  const args = {};
  let inputShape;
  for (const [name, arg] of bound) {
    const value = toJson(arg.value, ctx, name);
    if (name in SHAPE_ARGS) inputShape = checkShape(value, arg, cls, name, SHAPE_ARGS[name]);
    else if (!input) args[name] = value; // an Input's batch_size, name, dtype do not change the model
  }
  if (input && !inputShape) fail(node.callee, `${cls}: missing argument 'shape', e.g. shape=(28, 28, 1)`);
  return { className: cls, args, inputShape, isInput: Boolean(input), span: sourceSpan(node, bound) };
}

// Where the layer's call and each of its arguments' values are in the code ({from, to} offsets),
// so an engine error about a layer can be underlined at the argument it names.
function sourceSpan(call, bound) {
  const range = (node) => ({ from: node.start, to: node.start + node.text.length });
  return { ...range(call), args: Object.fromEntries([...bound].map(([name, arg]) => [name, range(arg.value)])) };
}

// An input shape without its batch dimensions (`batchDims` of them lead, as in batch_input_shape).
function checkShape(value, arg, who, name, batchDims) {
  const comma = typeof value === 'number' ? ` (a one-element tuple needs a comma: (${value},))` : '';
  const dims = Array.isArray(value) ? value.slice(batchDims) : [];
  if (!dims.length || !dims.every((d) => Number.isInteger(d) && d > 0)) {
    const example = batchDims ? '(None, 28, 28, 1)' : '(28, 28, 1)';
    fail(arg, `${who}: ${name} must be a tuple of positive sizes such as ${example}, got ${short(arg.value.text)}${comma}`);
  }
  return dims;
}

// model.compile(...) → {optimizer, loss, metrics, learningRate?}.
export function convertCompile(call, ctx) {
  const b = bindArgs(call, COMPILE, 'compile');
  const opt = b.has('optimizer') ? optimizer(b.get('optimizer').value, ctx) : { optimizer: 'rmsprop' }; // Keras's default
  if (!b.has('loss')) fail(call, "compile: missing argument 'loss', e.g. loss='sparse_categorical_crossentropy'");
  const out = { optimizer: opt.optimizer, loss: loss(b.get('loss').value, ctx), metrics: metrics(b.get('metrics')?.value) };
  if (opt.learningRate !== undefined) out.learningRate = opt.learningRate;
  return out;
}

// 'adam' → {optimizer: 'adam'}; Adam(learning_rate=0.01) → {optimizer: 'adam', learningRate: 0.01};
// anything beyond the learning rate → {optimizer: {class_name, config}} (Model.compile takes both).
function optimizer(node, ctx) {
  const names = Object.keys(OPTIMIZERS);
  const other = (name, choices) => fail(node, OTHER_OPTIMIZERS.some((o) => o.toLowerCase() === name.toLowerCase())
    ? `compile: optimizer '${name}' is not supported by convlab (it has adam, sgd, rmsprop)`
    : `compile: unknown optimizer '${name}'${suggest(name, choices)}`);
  if (node.kind === 'str') {
    const cls = names.find((n) => n.toLowerCase() === node.value.toLowerCase());
    return cls ? { optimizer: cls.toLowerCase() } : other(node.value, ['adam', 'sgd', 'rmsprop']);
  }
  if (node.kind === 'name' && names.includes(node.parts.at(-1))) fail(node, `expected '(' after ${node.parts.at(-1)}`);
  if (node.kind !== 'call' || node.callee.kind !== 'name') {
    fail(node, `unsupported Python: ${construct(node)} (write the optimizer itself, e.g. tf.keras.optimizers.Adam(learning_rate=0.001))`);
  }
  const parts = expand(node.callee.parts, ctx);
  const cls = parts.at(-1);
  if (!OPTIMIZERS[cls]) other(cls, names);
  checkModule(node.callee, parts, 'optimizers');
  const config = {};
  const sig = { positional: OPTIMIZERS[cls], keywords: OPTIMIZER_KEYWORDS, alias: { lr: 'learning_rate' } };
  for (const [name, a] of bindArgs(node, sig, cls)) config[name] = toJson(a.value, ctx, name);
  const keys = Object.keys(config);
  if (keys.every((k) => k === 'learning_rate')) return { optimizer: cls.toLowerCase(), learningRate: config.learning_rate ?? undefined };
  return { optimizer: { class_name: cls, config } };
}

function loss(node, ctx) {
  const check = (at, name) => {
    const snake = LOSSES[name] ?? name;
    if (Object.values(LOSSES).includes(snake)) return snake;
    return fail(at, `compile: unsupported loss '${name}' (convlab has ${Object.values(LOSSES).join(', ')})${suggest(name, Object.values(LOSSES))}`);
  };
  if (node.kind === 'str') return check(node, node.value);
  const callee = node.kind === 'call' ? node.callee : node;
  if (callee.kind !== 'name') fail(node, `unsupported Python: ${describe(node)} (write the loss's name, e.g. 'sparse_categorical_crossentropy')`);
  const parts = expand(callee.parts, ctx);
  checkModule(callee, parts, 'losses');
  const name = check(callee, parts.at(-1));
  if (node.kind === 'call') {
    const logits = bindArgs(node, { positional: ['from_logits'], keywords: ['name', 'reduction'] }, parts.at(-1)).get('from_logits');
    if (logits && toJson(logits.value, ctx, 'from_logits') !== false) {
      fail(logits, "compile: from_logits=True is not supported: convlab's losses take probabilities, so end the model with activation='softmax'");
    }
  }
  return name;
}

function metrics(node) {
  if (!node || (node.kind === 'const' && node.value === null)) return [];
  return (node.kind === 'list' || node.kind === 'tuple' ? node.items : [node]).map((m) => {
    if (m.kind === 'str' && ['accuracy', 'acc'].includes(m.value)) return m.value;
    return fail(m, `compile: unsupported metric ${m.kind === 'str' ? `'${m.value}'` : describe(m)} (convlab computes 'accuracy')`);
  });
}

// model.fit(...) → {epochs, batchSize, validationSplit} with Keras's defaults; x, y, callbacks,
// verbose and the rest are bound (so misspelt names are caught) but not read.
export function convertFit(call, ctx) {
  const b = bindArgs(call, FIT, 'fit');
  const read = (name, fallback, ok, what) => {
    const a = b.get(name);
    const v = a ? toJson(a.value, ctx, name) : fallback;
    return v === null || ok(v) ? v ?? fallback : fail(a, `fit: ${name} must be ${what}, got ${short(a.value.text)}`);
  };
  const count = (v) => Number.isInteger(v) && v > 0;
  return {
    epochs: read('epochs', 1, count, 'a positive integer'),
    batchSize: read('batch_size', 32, count, 'a positive integer'), // None means 32
    validationSplit: read('validation_split', 0, (v) => typeof v === 'number' && v >= 0 && v < 1, 'a number in [0, 1)'),
  };
}
