// parseKerasPython on the course's own code (the seed texts' code blocks, in
// keras_python_fixtures.mjs): configs checked field by field, against presets.mjs once Keras's
// defaults are filled in, and by building them in the real engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKerasPython, isKerasPython } from '../../web/lib/keras_python.mjs';
import { createModel } from '../../web/lib/convlab.mjs';
import { PRESETS } from '../../web/lib/presets.mjs';
import { SEED0_DNN, SEED0_LAB64, SEED0_CALLBACK, SEED0_SINGLE_CONV, SEED1_L3, SEED1_DNN, SEED1_KOREAN, SEED2_DNN, SEED2_LAB, SEED2_WALKTHROUGH, SEED3, SEED4_CIFAR, conv, pool, head, courseCompile, fitFor, withDefaults, summaryOf, assertError } from './keras_python_fixtures.mjs';

// ---- the seeds' models ----

test('isKerasPython: everything but JSON', () => {
  assert.equal(isKerasPython(SEED0_DNN), true);
  assert.equal(isKerasPython('  \n {"layers": ["Flatten"]}'), false);
  assert.equal(isKerasPython(JSON.stringify(PRESETS.lab)), false);
  assert.equal(isKerasPython(''), true);
});

test('seed 000, cell 1: the DNN with layers.X and tf.nn activations', () => {
  const r = parseKerasPython(SEED0_DNN);
  assert.deepEqual(r.config, { layers: ['Flatten', ...head] });
  assert.deepEqual(r.layerLines, [9, 10, 11]);
  assert.deepEqual(r.compile, courseCompile);
  assert.deepEqual(r.fit, fitFor(5)); // `epochs = 5`; x and y are ignored
  // The course gives no input shape (Keras builds on the data); the preset writes it out.
  assert.deepEqual(withDefaults({ input_shape: [28, 28, 1], ...r.config }), withDefaults(PRESETS.dnn));
});

test('seed 000, cell 2: the lab CNN with 64 filters', () => {
  const r = parseKerasPython(SEED0_LAB64);
  assert.deepEqual(r.config, { input_shape: [28, 28, 1], layers: [conv(64), pool, conv(64), pool, 'Flatten', ...head] });
  assert.deepEqual(r.layerLines, [8, 9, 10, 11, 12, 13, 14]);
  assert.deepEqual(withDefaults(r.config), withDefaults(PRESETS.lab64));
  assert.deepEqual(r.compile, courseCompile);
  assert.deepEqual(r.fit, fitFor(5));
});

test('seed 000, cell 5: the single-conv model, commented-out layers skipped', () => {
  const r = parseKerasPython(SEED0_SINGLE_CONV);
  assert.deepEqual(r.config, { input_shape: [28, 28, 1], layers: [conv(32), pool, 'Flatten', ...head] });
  assert.deepEqual(r.layerLines, [9, 10, 13, 14, 15]);
  assert.deepEqual(withDefaults(r.config), withDefaults(PRESETS['single-conv']));
  assert.deepEqual(r.fit, fitFor(20));
});

test("seed 000's cells pasted together: the model built last is the one returned, with its own compile and fit", () => {
  const notebook = [SEED0_DNN, SEED0_LAB64, SEED0_CALLBACK, SEED0_SINGLE_CONV].join('\n\n');
  const r = parseKerasPython(notebook);
  assert.deepEqual(r.config, parseKerasPython(SEED0_SINGLE_CONV).config);
  assert.deepEqual(r.layerLines, [51, 52, 55, 56, 57]);
  assert.deepEqual(r.compile, courseCompile);
  assert.deepEqual(r.fit, fitFor(20));
});

test('seed 002: the ungraded lab\'s DNN and CNN', () => {
  const dnn = parseKerasPython(SEED2_DNN);
  assert.deepEqual(dnn.config, { layers: ['Flatten', ...head] });
  assert.deepEqual(dnn.layerLines, [14, 15, 16]);
  assert.deepEqual(dnn.compile, courseCompile);
  assert.deepEqual(dnn.fit, fitFor(5));
  const lab = parseKerasPython(SEED2_LAB);
  assert.deepEqual(lab.config, { input_shape: [28, 28, 1], layers: [conv(32), pool, conv(32), pool, 'Flatten', ...head] });
  assert.deepEqual(lab.layerLines, [5, 6, 7, 8, 11, 12, 13]);
  assert.deepEqual(withDefaults(lab.config), withDefaults(PRESETS.lab));
  assert.deepEqual(lab.compile, courseCompile);
  assert.deepEqual(lab.fit, fitFor(5));
});

test('seed 003: unindented blog code, Japanese comments, compile over three lines, fit with callbacks', () => {
  const r = parseKerasPython(SEED3);
  assert.deepEqual(r.config, { input_shape: [28, 28, 1], layers: [conv(32), { MaxPooling2D: { pool_size: 2, strides: 2 } }, 'Flatten', ...head] });
  assert.deepEqual(r.layerLines, [11, 12, 13, 14, 15]);
  assert.deepEqual(withDefaults(r.config), withDefaults(PRESETS['single-conv']));
  assert.deepEqual(r.compile, courseCompile);
  assert.deepEqual(r.fit, fitFor(10));
});

test("seed 004: CIFAR model.add(...) lines with trailing commas, padding='same' and Dropout", () => {
  const r = parseKerasPython(SEED4_CIFAR);
  const same = { padding: 'same' };
  const block = (f) => [conv(f, same), conv(f, same), pool, { Dropout: { rate: 0.2 } }];
  assert.deepEqual(r.config, {
    input_shape: [32, 32, 3],
    layers: [...block(32), ...block(64), ...block(128), 'Flatten', { Dense: { units: 512, activation: 'relu' } },
      { Dropout: { rate: 0.5 } }, { Dense: { units: 10, activation: 'softmax' } }],
  });
  assert.deepEqual(r.layerLines, Array.from({ length: 16 }, (_, i) => 9 + i));
  assert.deepEqual(withDefaults(r.config), withDefaults(PRESETS['cifar-bn-dropout']));
  assert.deepEqual(r.compile, { optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  assert.deepEqual(r.fit, { epochs: 25, batchSize: 64, validationSplit: 0.2 });
});

test('seed 001 (Korean notes), fixed one error at a time as a student would', async () => {
  // As written: `MaxPooling2D) 2,2),`.
  const e = assertError(SEED1_KOREAN, "line 5: expected '(' after MaxPooling2D", 5);
  assert.equal(e.column, 33);
  assert.equal(e.reason, "expected '(' after MaxPooling2D");
  // The note stops before the closing `])`.
  const fixedParen = SEED1_KOREAN.replace('MaxPooling2D) 2,2)', 'MaxPooling2D( 2,2)');
  assertError(fixedParen, "line 1: '[' was never closed", 1);
  // Closed: now the typo.
  const closed = `${fixedParen}\n])`;
  const typo = assertError(closed, "line 7: Dense: unknown argument 'activatoin' — did you mean 'activation'?", 7);
  assert.equal(typo.column, 32);
  // Python-clean; the engine then refuses Dense on a 4-D input, and layerLines names its line.
  const r = parseKerasPython(closed.replace('activatoin', 'activation'));
  assert.deepEqual(r.config, { input_shape: [28, 28, 1], layers: [conv(32), conv(32), pool, ...head] });
  assert.deepEqual(r.layerLines, [3, 4, 5, 7, 8]);
  await assert.rejects(createModel(r.config), /^Error: dense: Dense expects a flat input .* add a Flatten\(\) layer before it$/);
  assert.equal(r.layerLines[3], 7); // 'dense' is layer 3 (conv2d, conv2d_1, max_pooling2d, dense)
});

test("seed 001's other two blocks end inside the layer list", () => {
  assertError(SEED1_L3, "line 1: '[' was never closed", 1);
  // Here model.compile(...) follows inside the unclosed list: Python blames the '[' too.
  assertError(SEED1_DNN, "line 1: '[' was never closed", 1);
});

test("seed 002's walk-through fragments joined: the comma missing after MaxPooling2D(2,2)", async () => {
  assertError(SEED2_WALKTHROUGH, "line 5: missing ',' after MaxPooling2D(2,2)", 5);
  const r = parseKerasPython(SEED2_WALKTHROUGH.replace('MaxPooling2D(2,2)\n', 'MaxPooling2D(2,2),\n'));
  assert.deepEqual(r.config, { input_shape: [28, 28, 1], layers: [conv(32), pool, conv(64), pool, 'Flatten', ...head] });
  assert.deepEqual(r.layerLines, [2, 3, 4, 5, 6, 7, 8]);
  assert.match(await summaryOf(r.config), /Total params: 225,034/);
});

test('every seed model builds in the engine, with the same summary as its preset', async () => {
  const single = await summaryOf(parseKerasPython(SEED0_SINGLE_CONV).config);
  assert.match(single, /Total params: 693,962/);
  const pairs = [
    [SEED0_SINGLE_CONV, 'single-conv'], [SEED3, 'single-conv'], [SEED0_DNN, 'dnn'], [SEED2_DNN, 'dnn'],
    [SEED0_LAB64, 'lab64'], [SEED2_LAB, 'lab'], [SEED4_CIFAR, 'cifar-bn-dropout'],
  ];
  for (const [source, preset] of pairs) {
    assert.equal(await summaryOf(parseKerasPython(source).config), await summaryOf(PRESETS[preset]), preset);
  }
});
