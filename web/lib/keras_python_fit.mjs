// fit()'s training extras in the notebook's Python: augmentation through an ImageDataGenerator
// and a LearningRateScheduler,
//
//   datagen = ImageDataGenerator(rotation_range=15, width_shift_range=0.1, horizontal_flip=True)
//   model.fit(datagen.flow(x_train, y_train, batch_size=64), epochs=25,
//             callbacks=[LearningRateScheduler(lr_schedule)])
//
// → fit.augment (augment.mjs's ImageDataGenerator options, Keras names mapped) and fit.schedule
// (keras_schedule.mjs's plain-data function). The batch size comes from flow(), as Keras takes it.
// model.fit_generator(...) (Keras 2.0–2.3) is read the same way.
import { fail, short, bindArgs, toJson, convertFit, FIT } from './keras_python_layers.mjs';
import { readSchedule } from './keras_schedule.mjs';
import { ImageDataGenerator } from './augment.mjs';

// tf.keras.preprocessing.image.ImageDataGenerator's signature, in order; the value is the
// augment.mjs option it maps to, or the value it must keep (what convlab cannot do).
const GENERATOR = [
  ['featurewise_center', false], ['samplewise_center', false], ['featurewise_std_normalization', false],
  ['samplewise_std_normalization', false], ['zca_whitening', false], ['zca_epsilon', 'any'],
  ['rotation_range', 'rotationRange'], ['width_shift_range', 'widthShiftRange'], ['height_shift_range', 'heightShiftRange'],
  ['brightness_range', null], ['shear_range', 0], ['zoom_range', 'zoomRange'], ['channel_shift_range', 0],
  ['fill_mode', 'fillMode'], ['cval', 'cval'], ['horizontal_flip', 'horizontalFlip'], ['vertical_flip', 'verticalFlip'],
  ['rescale', null], ['preprocessing_function', null], ['data_format', 'any'], ['validation_split', 0],
  ['interpolation_order', 1], ['dtype', 'any'],
];
const OPTION = Object.fromEntries(GENERATOR);
const FLOW = { positional: ['x', 'y', 'batch_size', 'shuffle', 'sample_weight', 'seed', 'save_to_dir', 'save_prefix', 'save_format', 'ignore_class_split', 'subset'] };
const SCHEDULER = { positional: ['schedule', 'verbose'] };
const FIT_GENERATOR = ['x', 'steps_per_epoch', 'epochs', 'verbose', 'callbacks', 'validation_data', 'validation_steps',
  'validation_freq', 'class_weight', 'max_queue_size', 'workers', 'use_multiprocessing', 'shuffle', 'initial_epoch'];
const isCallTo = (node, cls) => node?.kind === 'call' && node.callee.kind === 'name' && node.callee.parts.at(-1) === cls;
// A variable bound by `name = X(...)` above (ctx.values), or the node itself.
const resolve = (node, ctx) => (node.kind === 'name' && node.parts.length === 1 && ctx.values.get(node.parts[0])) || node;

// model.fit(...) or model.fit_generator(...) → convertFit's {epochs, batchSize, validationSplit}
// plus augment and schedule when the code has them.
export function convertTraining(call, ctx, method = 'fit') {
  if (method === 'fit_generator') { // its own positional order; 'generator' is fit's x
    let i = 0;
    const args = call.args.map((a) => (a.name || a.star ? { ...a, name: a.name === 'generator' ? 'x' : a.name } : { ...a, name: FIT_GENERATOR[i++] ?? fail(a, `fit_generator takes at most ${FIT_GENERATOR.length} positional arguments`) }));
    call = { ...call, args };
  }
  const fit = convertFit(call, ctx);
  const b = bindArgs(call, FIT, 'fit');
  const x = b.get('x') && resolve(b.get('x').value, ctx);
  if (x && x.kind === 'call' && x.callee.kind === 'name' && x.callee.parts.length === 2 && x.callee.parts[1] === 'flow') {
    if (b.has('batch_size')) fail(b.get('batch_size'), `${method}: batch_size cannot be given with ${x.callee.text}(...): Keras takes the batch size from flow(batch_size=...)`);
    const flow = readFlow(x, ctx);
    fit.batchSize = flow.batchSize;
    fit.augment = flow.augment;
  }
  const callbacks = b.get('callbacks')?.value;
  for (const item of callbacks?.kind === 'list' || callbacks?.kind === 'tuple' ? callbacks.items : []) {
    const cb = resolve(item, ctx);
    if (isCallTo(cb, 'LearningRateScheduler')) fit.schedule = readScheduler(cb, ctx);
  }
  return fit;
}

function readFlow(call, ctx) {
  const [name] = call.callee.parts;
  const generator = ctx.values.get(name);
  if (!isCallTo(generator, 'ImageDataGenerator')) {
    fail(call, `${name}.flow(...): '${name}' must be an ImageDataGenerator(...) assigned above (${name} = ImageDataGenerator(...))`);
  }
  const b = bindArgs(call, FLOW, 'flow');
  const value = (arg, fallback) => (b.has(arg) ? toJson(b.get(arg).value, ctx, arg) ?? fallback : fallback);
  const batchSize = value('batch_size', 32);
  if (!Number.isInteger(batchSize) || batchSize < 1) fail(b.get('batch_size'), `flow: batch_size must be a positive integer, got ${short(b.get('batch_size').value.text)}`);
  if (value('subset', null) !== null) fail(b.get('subset'), "flow: subset is not supported (convlab's validation split comes from fit's validation_split)");
  const augment = readGenerator(generator, ctx);
  const seed = value('seed', null);
  if (seed !== null) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) fail(b.get('seed'), `flow: seed must be an integer in [0, 4294967295], got ${short(b.get('seed').value.text)}`);
    augment.seed = seed;
  }
  return { batchSize, augment };
}

// ImageDataGenerator(...) → {rotationRange, widthShiftRange, heightShiftRange, zoomRange,
// horizontalFlip, verticalFlip, fillMode, cval}, only the options given (augment.mjs has the
// defaults, and checks the values: its message is turned into one naming this line).
export function readGenerator(call, ctx) {
  const b = bindArgs(call, { positional: GENERATOR.map(([k]) => k) }, 'ImageDataGenerator');
  const options = {};
  for (const [arg, a] of b) {
    const v = toJson(a.value, ctx, arg);
    const target = OPTION[arg];
    if (arg === 'rescale' && (v === null || Math.abs(v - 1 / 255) < 1e-9)) continue; // convlab scales pixels by 1/255 already
    if (typeof target === 'string' && target !== 'any') options[target] = v;
    else if (target !== 'any' && v !== target && !(target === 0 && v === false)) {
      fail(a, `ImageDataGenerator: ${arg}=${short(a.value.text)} is not supported (convlab augments with rotation_range, width_shift_range, height_shift_range, zoom_range, horizontal_flip, vertical_flip, fill_mode and cval)`);
    }
  }
  try {
    new ImageDataGenerator(options); // eslint-disable-line no-new -- only its checks
  } catch (e) {
    const keras = e.message.replace(/\b[a-z]+[A-Z]\w*/g, (name) => GENERATOR.find(([, t]) => t === name)?.[0] ?? name);
    fail(call, keras);
  }
  return options;
}

function readScheduler(call, ctx) {
  const b = bindArgs(call, SCHEDULER, 'LearningRateScheduler');
  if (!b.has('schedule')) fail(call, 'LearningRateScheduler: missing the schedule, e.g. LearningRateScheduler(lr_schedule)');
  const schedule = readSchedule(b.get('schedule').value, ctx);
  const verbose = b.has('verbose') ? toJson(b.get('verbose').value, ctx, 'verbose') : 0;
  if (!Number.isInteger(verbose) && typeof verbose !== 'boolean') fail(b.get('verbose'), `LearningRateScheduler: verbose must be 0 or 1, got ${short(b.get('verbose').value.text)}`);
  return { ...schedule, verbose: Number(verbose) };
}
