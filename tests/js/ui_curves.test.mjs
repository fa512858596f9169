import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracyRange, createColumns, createCurveModel, createEma, EMA_WEIGHT, emaSmooth, formatValue, lossRange,
  overlayPoints, setPoint,
} from '../../web/ui/curve_model.mjs';
import { lowerBound } from '../../web/ui/chart_scale.mjs';

const close = (a, b, eps = 1e-12) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

test('the EMA is debiased: the first value comes through unchanged, a constant stays constant', () => {
  assert.equal(EMA_WEIGHT, 0.98);
  const ema = createEma(0.9);
  close(ema.push(2), 2);
  close(ema.push(2), 2);
  close(ema.push(2), 2);
  assert.equal(ema.count, 3);
});

test('the EMA follows s = w*s + (1-w)*v, divided by 1 - w^n', () => {
  const w = 0.5;
  const out = emaSmooth([1, 3, 5], w);
  close(out[0], 1);
  close(out[1], (0.5 * 0.5 * 1 + 0.5 * 3) / (1 - 0.25)); // 2.3333
  close(out[2], (0.5 * (0.25 + 1.5) + 0.5 * 5) / (1 - 0.125)); // 3.8571
  assert.deepEqual(emaSmooth([4, 5], 0), [4, 5]);
});

test('the EMA skips NaN and reset starts over', () => {
  const ema = createEma(0.5);
  assert.ok(Number.isNaN(ema.push(NaN)));
  close(ema.push(1), 1);
  close(ema.push(NaN), 1);
  ema.reset();
  close(ema.push(7), 7);
});

test('columns: appends rows, reuses a row for a repeated step, inserts in order with nulls', () => {
  const cols = createColumns(2);
  assert.equal(setPoint(cols, 1, 1, 0.5), 0);
  assert.equal(setPoint(cols, 2, 1, 0.4), 1);
  assert.equal(setPoint(cols, 2, 2, 0.45), 1);
  assert.equal(setPoint(cols, 4, 1, 0.3), 2);
  assert.equal(setPoint(cols, 3, 2, 0.35), 2);
  assert.equal(setPoint(cols, 5, 1, NaN), 4);
  assert.deepEqual(cols, [[1, 2, 3, 4, 5], [0.5, 0.4, null, 0.3, null], [null, 0.45, 0.35, null, null]]);
  assert.equal(lowerBound([1, 2, 4], 3), 2);
  assert.equal(lowerBound([], 3), 0);
});

test('the curve model keeps batches, epochs and overlays aligned on one step axis', () => {
  const m = createCurveModel({ metric: 'loss', smoothing: 0.5 });
  m.addBatch(1, 2.0);
  m.addBatch(2, 1.0);
  m.addEpoch(2, { train: 1.5, val: 1.2 });
  const [xs, raw, ema, train, val] = m.columns;
  assert.deepEqual(xs, [1, 2]);
  assert.deepEqual(raw, [2, 1]);
  close(ema[1], (0.25 * 2 + 0.5 * 1) / 0.75);
  assert.deepEqual(train, [null, 1.5]);
  assert.deepEqual(val, [null, 1.2]);

  m.addOverlay('run 1 val_loss', [{ step: 2, value: 0.9 }, [4, 0.7]]);
  assert.equal(m.columns.length, 6);
  assert.deepEqual(m.columns[0], [1, 2, 4]);
  assert.deepEqual(m.columns[5], [null, 0.9, 0.7]);
  assert.deepEqual(m.overlayLabels, ['run 1 val_loss']);

  m.addBatch(3, 0.5); // lands between existing rows
  assert.deepEqual(m.columns[0], [1, 2, 3, 4]);
  assert.deepEqual(m.columns[1], [2, 1, 0.5, null]);

  m.reset(); // a new run: the overlay stays
  assert.deepEqual(m.columns, [[2, 4], [null, null], [null, null], [null, null], [null, null], [0.9, 0.7]]);
  assert.equal(m.removeOverlay('run 1 val_loss'), true);
  assert.equal(m.removeOverlay('nope'), false);
  assert.deepEqual(m.columns, [[], [], [], [], []]);
});

test('dataTable is the per-epoch text alternative, in Keras\'s names and 4 decimals', () => {
  const m = createCurveModel({ metric: 'accuracy' });
  m.addEpoch(1875, { train: 0.82814, val: 0.87031 });
  m.addEpoch(3750, { train: 0.88 });
  assert.deepEqual(m.dataTable(), {
    headers: ['Epoch', 'Batch step', 'accuracy', 'val_accuracy'],
    rows: [['1', '1875', '0.8281', '0.8703'], ['2', '3750', '0.8800', '–']],
  });
  assert.match(m.summary(), /after epoch 2: accuracy 0\.8800, val_accuracy –/);
  assert.match(createCurveModel().summary(), /no training data yet/);
});

test('ranges, formats and overlay points', () => {
  assert.deepEqual(accuracyRange(0.83, 0.91), [0.8, 1]);
  assert.deepEqual(accuracyRange(0.01, 0.2), [0, 1]);
  assert.deepEqual(accuracyRange(null, null), [0, 1]);
  assert.deepEqual(lossRange(0.2, 2), [0, 2.1]);
  assert.deepEqual(lossRange(null, null), [0, 1]);
  assert.equal(formatValue(0.35964), '0.3596');
  assert.equal(formatValue(null), '–');
  assert.deepEqual(overlayPoints([[3, 1], { step: 1, value: 2 }, [NaN, 0]]), [[1, 2], [3, 1]]);
});

test('the curves data table joins loss and accuracy on the same rows, keys once', async () => {
  const { joinCurveTables } = await import('../../web/ui/data_table.mjs');
  const joined = joinCurveTables(
    { headers: ['Epoch', 'Batch step', 'loss', 'val_loss'], rows: [[1, 10, '0.5000', '0.6000']] },
    { headers: ['Epoch', 'Batch step', 'accuracy', 'val_accuracy'], rows: [[1, 10, '0.8000', '0.7000']] });
  assert.deepEqual(joined.headers, ['Epoch', 'Batch step', 'loss', 'val_loss', 'accuracy', 'val_accuracy']);
  assert.deepEqual(joined.rows, [[1, 10, '0.5000', '0.6000', '0.8000', '0.7000']]);
});

