// The filled-in formulas of the explanations (ui/explain_model.mjs) against the engine: the
// output size each formula arrives at is the size the engine's layer really has, for 'valid',
// 'same', strided and non-square convolutions and for pooling, in both config forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainModel, configLayers, outputSize, formulaText } from '../../web/ui/explain_model.mjs';
import { createModel } from '../../web/lib/convlab.mjs';
import { PRESETS } from '../../web/lib/presets.mjs';

async function explained(config) {
  const model = await createModel(config);
  const rows = explainModel({ layers: model.layers, config });
  model.dispose?.();
  return { rows, layers: model.layers };
}

// Every number a formula shows ends in the engine's output size for that dimension.
function assertAgrees(rows, layers) {
  let spatial = 0;
  rows.forEach((row, i) => {
    assert.deepEqual(row.output, layers[i].outputShape.slice(1), row.name);
    if (row.kind !== 'conv' && row.kind !== 'pool') return;
    spatial++;
    assert.ok(row.agrees, `${row.name}: the formula disagrees with the engine`);
    assert.ok(row.formulas.length >= 1 && row.formulas.length <= 2, row.name);
    row.formulas.forEach((f, d) => {
      const [, I, K, P, S] = /^\((\d+) − (\d+) \+ 2·([\d.]+)\)\/(\d+) \+ 1 = /.exec(f).map(Number);
      assert.equal(Math.floor((I - K + 2 * P) / S) + 1, row.output[row.formulas.length === 1 ? 0 : d], f);
      assert.ok(f.endsWith(`${row.output[row.formulas.length === 1 ? 0 : d]}`), f);
    });
    if (row.kind === 'conv') assert.equal(Number(row.paramsFormula.split(' = ')[1]), layers[i].countParams, row.name);
  });
  return spatial;
}

test('the notebook model: (28 − 3 + 2·0)/1 + 1 = 26, as its model.summary() says', async () => {
  const config = { input_shape: [28, 28, 1], layers: [
    { Conv2D: { filters: 64, kernel_size: [3, 3], activation: 'relu' } }, { MaxPooling2D: { pool_size: [2, 2] } },
    { Conv2D: { filters: 64, kernel_size: [3, 3], activation: 'relu' } }, 'MaxPooling2D', 'Flatten',
    { Dense: { units: 128, activation: 'relu' } }, { Dense: { units: 10, activation: 'softmax' } }] };
  const { rows, layers } = await explained(config);
  assert.equal(assertAgrees(rows, layers), 4);
  // The notebook's summary: 26, 13, 11, 5; Flatten 1600; dense 204928 parameters.
  assert.deepEqual(rows.filter((r) => r.formulas).map((r) => r.formulas[0].split(' = ')[1]), ['26', '13', '11', '5.5 → 5']);
  assert.equal(rows[3].roundedDown, true);
  assert.equal(rows[4].formula, '5 × 5 × 64 = 1600');
  assert.equal(rows[5].paramsFormula, '1600 × 128 + 128 = 204928');
  assert.equal(rows[0].paramsFormula, '(3 × 3 × 1 + 1) × 64 = 640');
  assert.equal(rows[6].activation, 'softmax');
});

test("'same', strided, non-square and pooling layers agree with the engine", async () => {
  const config = { input_shape: [28, 28, 1], layers: [
    { Conv2D: { filters: 4, kernel_size: 3, padding: 'same', activation: 'relu' } },
    { Conv2D: { filters: 4, kernel_size: [3, 5], strides: 2 } },
    { MaxPooling2D: { pool_size: 3, strides: 2 } },
    { Conv2D: { filters: 2, kernel_size: 2, padding: 'same', strides: 2 } },
    'Flatten', { Dense: { units: 10, activation: 'softmax' } }] };
  const { rows, layers } = await explained(config);
  assert.equal(assertAgrees(rows, layers), 4);
  assert.equal(rows[1].formulas.length, 2, 'a 3×5 kernel has one formula per dimension');
});

test('every page preset, and the to_json() form, agree with the engine', async () => {
  for (const [name, preset] of Object.entries(PRESETS)) {
    const { rows, layers } = await explained(preset);
    assertAgrees(rows, layers);
    assert.equal(rows.length, layers.length, name);
  }
  const json = { class_name: 'Sequential', config: { layers: [
    { class_name: 'InputLayer', config: { batch_input_shape: [null, 28, 28, 1] } },
    { class_name: 'Conv2D', config: { filters: 3, kernel_size: [5, 5], strides: [1, 1], padding: 'valid', activation: 'relu' } },
    { class_name: 'MaxPooling2D', config: { pool_size: [2, 2], strides: [2, 2], padding: 'valid' } },
    { class_name: 'Flatten', config: {} }, { class_name: 'Dense', config: { units: 10, activation: 'softmax' } }] } };
  assert.deepEqual(configLayers(json).inputShape, [28, 28, 1]);
  const { rows, layers } = await explained(json);
  assert.equal(assertAgrees(rows, layers), 2);
  assert.equal(rows[0].formulas[0], '(28 − 5 + 2·0)/1 + 1 = 24');
});

test('a formula that would disagree with the engine is not shown', () => {
  // A model whose layer list says 20 where the formula gives 26 (an argument not understood).
  const rows = explainModel({ layers: [{ name: 'c', className: 'Conv2D', outputShape: [null, 20, 20, 8], countParams: 80 }],
    config: { input_shape: [28, 28, 1], layers: [{ Conv2D: { filters: 8, kernel_size: 3 } }] } });
  assert.equal(rows[0].agrees, false);
  assert.deepEqual(rows[0].formulas, []);
  assert.equal(rows[0].paramsFormula, '(3 × 3 × 1 + 1) × 8 = 80');
});

test('outputSize and formulaText, with a number format', () => {
  assert.deepEqual(outputSize(28, 2, 1, 'same'), { input: 28, kernel: 2, stride: 1, pad: 0.5, exact: 28, output: 28, roundedDown: false });
  assert.equal(formulaText(outputSize(1000, 3, 1, 'valid'), (n) => n.toLocaleString('en')), '(1,000 − 3 + 2·0)/1 + 1 = 998');
  assert.deepEqual(explainModel(null), []);
});
