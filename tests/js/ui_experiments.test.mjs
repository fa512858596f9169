import { test } from 'node:test';
import assert from 'node:assert/strict';
import { architectureString, formatCell, layerSpec, sortExperiments } from '../../web/ui/experiments.mjs';
import { PRESETS } from '../../web/lib/presets.mjs';

test('architecture strings from className objects', () => {
  assert.equal(architectureString([
    { className: 'Conv2D', filters: 32 }, { className: 'MaxPooling2D' }, { className: 'Dense', units: 128 },
  ]), 'C32-P-D128');
});

test('the course\'s models, in the presets\' terse form', () => {
  assert.equal(architectureString(PRESETS.lab.layers), 'C32-P-C32-P-D128-D10');
  assert.equal(architectureString(PRESETS.lab64.layers), 'C64-P-C64-P-D128-D10');
  assert.equal(architectureString(PRESETS.dnn.layers), 'D128-D10');
  assert.equal(architectureString(PRESETS['double-conv-one-pool'].layers), 'C32-C32-P-D128-D10');
});

test('Keras to_json layers, dropout, batch norm and unknown layers', () => {
  assert.equal(architectureString([
    { class_name: 'InputLayer', config: { batch_input_shape: [null, 28, 28, 1] } },
    { class_name: 'Conv2D', config: { filters: 16, kernel_size: [3, 3] } },
    { class_name: 'BatchNormalization', config: {} },
    { class_name: 'MaxPooling2D', config: {} },
    { class_name: 'Dropout', config: { rate: 0.2 } },
    { class_name: 'Flatten', config: {} },
    { class_name: 'LayerNormalization', config: {} },
    { class_name: 'GlobalAveragePooling2D', config: {} },
    { class_name: 'AvgPool2D', config: {} },
    { class_name: 'Rescaling', config: { scale: 1 / 255 } },
    { className: 'Dense', config: { units: 10 } },
  ]), 'C16-BN-P-Drop0.2-LayerNormalization-GAP-AP-D10');
  assert.deepEqual(layerSpec('Flatten'), { className: 'Flatten', config: {} });
  assert.deepEqual(layerSpec({ Dense: { units: 3 } }), { className: 'Dense', config: { units: 3 } });
});

test('sorting: numbers numerically, text naturally, missing values last, stable', () => {
  const rows = [
    { id: 'a', name: 'run 10', testAccuracy: 0.9 },
    { id: 'b', name: 'run 2', testAccuracy: null },
    { id: 'c', name: 'run 1', testAccuracy: 0.91 },
    { id: 'd', name: 'run 3', testAccuracy: 0.9 },
  ];
  assert.deepEqual(sortExperiments(rows, 'testAccuracy').map((r) => r.id), ['a', 'd', 'c', 'b']);
  assert.deepEqual(sortExperiments(rows, 'testAccuracy', 'descending').map((r) => r.id), ['c', 'a', 'd', 'b']);
  assert.deepEqual(sortExperiments(rows, 'name').map((r) => r.id), ['c', 'b', 'd', 'a']);
  assert.equal(rows[0].id, 'a'); // a copy, the input is untouched
});

test('cell formats', () => {
  assert.equal(formatCell('params', 243786), '243,786');
  assert.equal(formatCell('secondsPerEpoch', 29.31), '29.3');
  assert.equal(formatCell('testAccuracy', 0.87031), '0.8703');
  assert.equal(formatCell('epochs', 5), '5');
  assert.equal(formatCell('trainAccuracy', undefined), '–');
});
