// fit's extras read from the notebook's Python: ImageDataGenerator options and the
// LearningRateScheduler's function, evaluated without Python. Expected rates are worked out by
// hand from the schedules (the comments), written as the same arithmetic on doubles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKerasPython, KerasSyntaxError } from '../../web/lib/keras_python.mjs';
import { scheduleFunction, scheduleRates } from '../../web/lib/keras_schedule.mjs';
import { py, assertError } from './keras_python_fixtures.mjs';

const MODEL = 'import math\nimport numpy as np\nimport tensorflow as tf\nmodel = Sequential([Dense(10)])\n';
const FIT = (callback, x = 'x_train, y_train') => `model.fit(${x}, epochs=25, callbacks=[LearningRateScheduler(${callback})])`;
const fitOf = (code) => parseKerasPython(MODEL + code).fit;
const scheduleOf = (code, callback) => fitOf(`${code}\n${FIT(callback)}`).schedule;

const SEED004 = py`datagen = ImageDataGenerator(rotation_range=15, width_shift_range=0.1, height_shift_range=0.1, horizontal_flip=True, zoom_range=0.1)
datagen.fit(x_train)
def lr_schedule(epoch):
    lrate = 0.001
    if epoch > 75:
        lrate = 0.0005
    elif epoch > 100:
        lrate = 0.0003
    return lrate
model.fit(datagen.flow(x_train, y_train_one_hot, batch_size=64), epochs=25, validation_data=(x_test, y_test), callbacks=[LearningRateScheduler(lr_schedule)])`;

test("seed 004: the generator's options, flow's batch size and the if/elif schedule", () => {
  const fit = fitOf(SEED004);
  assert.deepEqual(fit.augment, { rotationRange: 15, widthShiftRange: 0.1, heightShiftRange: 0.1, horizontalFlip: true, zoomRange: 0.1 });
  assert.equal(fit.batchSize, 64);
  assert.equal(fit.epochs, 25);
  assert.equal(fit.schedule.name, 'lr_schedule');
  assert.equal(fit.schedule.verbose, 0);
  const f = scheduleFunction(fit.schedule);
  // epoch > 75 wins before the elif is tried, so 0.0003 never comes.
  assert.deepEqual([0, 75, 76, 100, 101, 150].map((e) => f(e, 0.123)), [0.001, 0.001, 0.0005, 0.0005, 0.0005, 0.0005]);
  // The plain data survives structured cloning / JSON (it goes to the worker).
  assert.equal(scheduleFunction(JSON.parse(JSON.stringify(fit.schedule)))(80, 0), 0.0005);
});

test("Keras's own examples: a lambda, scheduler(epoch, lr) with tf.math.exp, and chained rates", () => {
  const decay = scheduleFunction(scheduleOf('', 'lambda epoch: 0.001 * 0.95 ** epoch'));
  assert.equal(decay(0, 1), 0.001);
  assert.equal(decay(3, 1), 0.001 * 0.95 ** 3);
  const docs = scheduleOf(py`def scheduler(epoch, lr):
  if epoch < 10:
    return lr
  else:
    return lr * tf.math.exp(-0.1)`, 'scheduler, verbose=1');
  assert.equal(docs.verbose, 1);
  assert.equal(scheduleFunction(docs)(12, 0.5), 0.5 * Math.exp(-0.1));
  // As Keras chains it: each epoch gets the optimizer's (float32) rate from the epoch before.
  const rates = scheduleRates(docs, 12, 0.01);
  const lr0 = Math.fround(0.01);
  assert.deepEqual(rates.slice(0, 10), Array(10).fill(lr0));
  assert.equal(rates[10], Math.fround(lr0 * Math.exp(-0.1)));
  assert.equal(rates[11], Math.fround(rates[10] * Math.exp(-0.1)));
  // The same function on one line each, and by a variable holding the callback.
  const oneLine = fitOf(py`def scheduler(epoch, lr): return lr if epoch < 10 else lr * np.exp(-0.1)
lrs = tf.keras.callbacks.LearningRateScheduler(scheduler)
model.fit(x, y, epochs=3, callbacks=[EarlyStopping(), lrs])`).schedule;
  assert.deepEqual(scheduleRates(oneLine, 12, 0.01), rates);
});

test("Keras's cifar10_resnet schedule (*=, a chain of elif, print) and a step decay with globals", () => {
  const resnet = scheduleFunction(scheduleOf(py`def lr_schedule(epoch):
    """Learning Rate Schedule"""
    lr = 1e-3
    if epoch > 180:
        lr *= 0.5e-3
    elif epoch > 160:
        lr *= 1e-3
    elif epoch > 120:
        lr *= 1e-2
    elif epoch > 80:
        lr *= 1e-1
    print('Learning rate: ', lr)
    return lr`, 'lr_schedule'));
  assert.deepEqual([0, 80, 81, 121, 161, 181].map((e) => resnet(e)), [1e-3, 1e-3, 1e-3 * 1e-1, 1e-3 * 1e-2, 1e-3 * 1e-3, 1e-3 * 0.5e-3]);
  const step = scheduleFunction(scheduleOf(py`initial_lrate = 0.1
def step_decay(epoch):
   drop = 0.5
   epochs_drop = 10.0
   lrate = initial_lrate * math.pow(drop, math.floor((1+epoch)/epochs_drop))
   return lrate`, 'step_decay'));
  // floor((1 + epoch) / 10): 0 up to epoch 8, 1 at 9..18, 2 at 19.
  assert.deepEqual([0, 8, 9, 18, 19].map((e) => step(e)), [0.1, 0.1, 0.05, 0.05, 0.025]);
});

test("expressions follow Python's precedence and semantics", () => {
  const value = (expr, epoch = 5) => scheduleFunction(scheduleOf('', `lambda epoch: ${expr}`))(epoch);
  assert.equal(value('-2 ** 2'), -4); // ** binds tighter than unary minus on its left
  assert.equal(value('2 ** -1'), 0.5);
  assert.equal(value('2 ** 3 ** 2'), 512); // right-associative
  assert.equal(value('epoch // 2'), 2);
  assert.equal(value('-epoch // 2'), -3); // floor, not truncation
  assert.equal(value('-epoch % 3'), 1); // the sign of the divisor
  assert.equal(value('1 + 2 * 3 - 4 / 2'), 5);
  assert.equal(value('(1 + 2) * 3'), 9);
  assert.equal(value('1 if 1 < epoch <= 5 else 2'), 1); // a chained comparison
  assert.equal(value('1 if 1 < epoch <= 4 else 2'), 2);
  assert.equal(value('not epoch > 9'), 1); // not binds looser than the comparison; True as a rate is 1.0
  assert.equal(value('(not epoch) + 0.5'), 0.5);
  assert.equal(value('epoch > 9 or 0.5'), 0.5); // or returns the operand, as in Python
  assert.equal(value('epoch and 0.25'), 0.25);
  assert.equal(value('0 and 0.25'), 0);
  assert.equal(value('max(0.001, 0.1 * 0.5 ** epoch)'), 0.1 * 0.5 ** 5);
  assert.equal(value('min(epoch, 3, 4)'), 3);
  assert.equal(value('int(epoch / 2) + float(1)'), 3);
  assert.equal(value('round(2.5) + round(3.5)'), 6); // halves to even: 2 + 4
  assert.equal(value('math.exp(1) - math.e'), 0);
});

test('schedule errors name the line: unsupported Python, unknown names, runtime failures', () => {
  const code = (body) => `def f(epoch):\n${body}\n${FIT('f')}`;
  const base = MODEL.split('\n').length - 1; // the def is on line base + 1
  const CAN = 'a schedule can use assignments, if/elif/else, return, arithmetic, comparisons, and/or/not, math.exp, math.pow, math.floor, min, max, int and float';
  assertError(MODEL + code('    for i in range(3):\n        pass\n    return 0.1'), `line ${base + 2}: unsupported Python in the schedule f: 'for' (${CAN})`, base + 2);
  assertError(MODEL + code('    return math.cos(epoch)'), `line ${base + 2}: unsupported Python in the schedule f: a call to math.cos(...) (${CAN})`, base + 2);
  assertError(MODEL + code('    x = 1\n    return [x]'), `line ${base + 3}: unsupported Python in the schedule f: a list (${CAN})`, base + 3);
  assertError(MODEL + code('    return lr0 * 2'), `line ${base + 2}: the schedule f: name 'lr0' is not defined (a schedule reads its arguments, its own variables and numbers assigned at the top level)`, base + 2);
  assertError(MODEL + code('return 0.1'), `line ${base + 2}: expected an indented block after 'def' on line ${base + 1}`, base + 2);
  assertError(MODEL + code('    a = 1\n      return a'), `line ${base + 3}: unexpected indent`, base + 3);
  assertError(MODEL + code('    if epoch:\n        a = 1\n      return a'), `line ${base + 4}: unindent does not match any outer indentation level`, base + 4);
  assertError(MODEL + code('    return max(epoch)'), `line ${base + 2}: max() takes at least 2 arguments, got 1`, base + 2);
  assertError(`${MODEL}def f(epoch, lr, x):\n    return lr\n${FIT('f')}`, `line ${base + 1}: LearningRateScheduler: f must take (epoch) or (epoch, lr), got (epoch, lr, x)`, base + 1);
  assertError(`${MODEL}${FIT('g')}`, `line ${base + 1}: LearningRateScheduler: 'g' is not a function defined above (write def g(epoch): ... before it)`, base + 1);
  assertError(`${MODEL}${FIT('0.01')}`, `line ${base + 1}: LearningRateScheduler: the schedule must be a function name or a lambda, got 0.01`, base + 1);

  // Failures while running it: thrown by the function, naming the line and the epoch.
  const runtime = (body, epoch) => {
    const f = scheduleFunction(fitOf(code(body)).schedule);
    try {
      f(epoch, 0.1);
    } catch (e) {
      assert.ok(e instanceof KerasSyntaxError, e.stack);
      return e.message;
    }
    return assert.fail('no error');
  };
  assert.equal(runtime('    return 0.1 / (epoch - 3)', 3), `line ${base + 2}: f(epoch=3): division by zero`);
  assert.equal(runtime('    if epoch > 2:\n        x = 0.1\n    return x', 1), `line ${base + 4}: f(epoch=1): local variable 'x' referenced before assignment`);
  assert.equal(runtime('    if epoch > 2:\n        return 0.1', 1), `line ${base + 1}: the schedule f returned None for epoch 1 (no return on that path)`);
  assert.equal(runtime('    return 0.1 // (epoch - epoch)', 0), `line ${base + 2}: f(epoch=0): integer division or modulo by zero`);
  assert.equal(scheduleFunction(fitOf(code('    if epoch > 2:\n        return 0.1')).schedule)(3), 0.1); // that path returns
});

test('ImageDataGenerator: Keras names mapped, unsupported options refused with the line, flow seed, fit_generator', () => {
  const gen = (args, flow = 'batch_size=16') => fitOf(`datagen = tf.keras.preprocessing.image.ImageDataGenerator(${args})\nmodel.fit(datagen.flow(x, y, ${flow}), epochs=2)`);
  assert.deepEqual(gen("rescale=1./255, zoom_range=[0.9, 1.2], vertical_flip=True, fill_mode='reflect', cval=0.5, shear_range=0").augment,
    { zoomRange: [0.9, 1.2], verticalFlip: true, fillMode: 'reflect', cval: 0.5 });
  assert.deepEqual(gen('False, False, False, False, False, 1e-6, 15', 'batch_size=8, seed=7').augment, { rotationRange: 15, seed: 7 }); // rotation_range is 7th
  const line = MODEL.split('\n').length; // the ImageDataGenerator line
  assertError(`${MODEL}datagen = ImageDataGenerator(shear_range=0.2)\nmodel.fit(datagen.flow(x, y), epochs=1)`,
    `line ${line}: ImageDataGenerator: shear_range=0.2 is not supported (convlab augments with rotation_range, width_shift_range, height_shift_range, zoom_range, horizontal_flip, vertical_flip, fill_mode and cval)`, line);
  // augment.mjs's own checks, in Keras's names.
  assertError(`${MODEL}datagen = ImageDataGenerator(fill_mode='mirror')\nmodel.fit(datagen.flow(x, y), epochs=1)`,
    `line ${line}: ImageDataGenerator: fill_mode must be one of 'nearest', 'constant', 'reflect', 'wrap', got 'mirror'`, line);
  assertError(`${MODEL}datagen = ImageDataGenerator(rotation_range=-5)\nmodel.fit(datagen.flow(x, y), epochs=1)`,
    `line ${line}: ImageDataGenerator: rotation_range must be a finite number >= 0, got -5`, line);
  assertError(`${MODEL}datagen = ImageDataGenerator()\nmodel.fit(datagen.flow(x, y), batch_size=64, epochs=1)`,
    `line ${line + 1}: fit: batch_size cannot be given with datagen.flow(...): Keras takes the batch size from flow(batch_size=...)`, line + 1);
  assertError(`${MODEL}model.fit(gen.flow(x, y), epochs=1)`,
    `line ${line}: gen.flow(...): 'gen' must be an ImageDataGenerator(...) assigned above (gen = ImageDataGenerator(...))`, line);
  // A flow held in a variable, and Keras 2.0's fit_generator(generator, steps_per_epoch, epochs).
  const legacy = fitOf(py`datagen = ImageDataGenerator(horizontal_flip=True)
train = datagen.flow(x_train, y_train, batch_size=128)
lrate = LearningRateScheduler(lambda e: 0.01)
model.fit_generator(train, x_train.shape[0] // 128, 7, 1, [lrate], validation_data=(x_test, y_test))`);
  assert.deepEqual([legacy.epochs, legacy.batchSize, legacy.augment], [7, 128, { horizontalFlip: true }]);
  assert.equal(scheduleFunction(legacy.schedule)(3), 0.01);
  // Code without either keeps fit as it was.
  assert.deepEqual(fitOf('model.fit(x, y, epochs=2, callbacks=[callbacks])'), { epochs: 2, batchSize: 32, validationSplit: 0 });
});
