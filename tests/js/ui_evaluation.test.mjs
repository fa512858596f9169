import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classProbabilities, confusionMatrix, matrixSize, misclassified, overallAccuracy, perClassAccuracy, percent, predictions, rowShares,
} from '../../web/ui/evaluation.mjs';

test('confusion matrix on a hand-made case: rows are the true class', () => {
  const truth = [0, 0, 0, 1, 1, 2, 2, 2, 2];
  const pred = [0, 0, 1, 1, 2, 2, 2, 0, 2];
  const m = confusionMatrix(truth, pred, 3);
  assert.ok(m instanceof Int32Array);
  assert.deepEqual([...m], [
    2, 1, 0,
    0, 1, 1,
    1, 0, 3,
  ]);
  assert.deepEqual([...confusionMatrix(Float32Array.from(truth), Uint8Array.from(pred), 3)], [...m]);
  const acc = perClassAccuracy(m);
  assert.deepEqual([...acc], [2 / 3, 1 / 2, 3 / 4]);
  assert.equal(overallAccuracy(m), 6 / 9);
  assert.deepEqual([...rowShares(m)].slice(3, 6), [0, 0.5, 0.5]);
});

test('a class with no samples has NaN accuracy; bad labels are refused', () => {
  const m = confusionMatrix([0, 0], [0, 1], 3);
  const acc = perClassAccuracy(m);
  assert.equal(acc[0], 0.5);
  assert.ok(Number.isNaN(acc[1]));
  assert.throws(() => confusionMatrix([0, 3], [0, 0], 3), /trueLabels\[1\] = 3/);
  assert.throws(() => confusionMatrix([0], [0, 1], 3), /1 true labels but 2 predictions/);
  assert.throws(() => matrixSize(new Int32Array(5)), /not square/);
  assert.ok(Number.isNaN(overallAccuracy(new Int32Array(4))));
});

test('predictions take the argmax, the first class on ties', () => {
  const probs = Float32Array.from([0.1, 0.7, 0.2, 0.4, 0.4, 0.2]);
  assert.deepEqual([...predictions(probs, 3)], [1, 0]);
});

test('misclassified lists only wrong predictions, most confident first, up to a limit', () => {
  const classes = 3;
  const probs = Float32Array.from([
    0.9, 0.05, 0.05, // 0: true 0, right
    0.2, 0.7, 0.1, //   1: true 0, wrong at 0.7
    0.05, 0.05, 0.9, // 2: true 1, wrong at 0.9
    0.1, 0.2, 0.7, //   3: true 1, wrong at 0.7 (ties with 1: lower index first)
    0.3, 0.3, 0.4, //   4: true 2, right
  ]);
  const truth = [0, 0, 1, 1, 2];
  const all = misclassified(truth, probs, classes);
  assert.deepEqual(all.map((x) => x.index), [2, 1, 3]);
  assert.deepEqual(all[0], { index: 2, trueLabel: 1, predicted: 2, confidence: probs[8] });
  assert.deepEqual(misclassified(truth, probs, classes, 2).map((x) => x.index), [2, 1]);
  assert.deepEqual(misclassified(truth, probs, classes, 0), []);
});

test('percentages', () => {
  assert.equal(percent(0.9312), '93.1%');
  assert.equal(percent(0.9312, 0), '93%');
  assert.equal(percent(NaN), '–');
});

test('a 1-unit sigmoid output becomes two classes, class 1 exactly when p > 0.5 (Keras binary accuracy)', () => {
  const p = Float32Array.from([0.1, 0.5, 0.50000006, 0.9, 0.2]);
  const { probabilities, classes } = classProbabilities(p, 1);
  assert.equal(classes, 2);
  assert.deepEqual(Array.from(probabilities.subarray(6, 8)), [Math.fround(1 - Math.fround(0.9)), Math.fround(0.9)]);
  assert.deepEqual(Array.from(predictions(probabilities, 2)), [0, 0, 1, 1, 0]);
  const m = confusionMatrix([0, 1, 1, 0, 1], predictions(probabilities, 2), 2);
  assert.deepEqual(Array.from(m), [1, 1, 2, 1]);
  assert.deepEqual(misclassified([0, 1, 1, 0, 1], probabilities, 2).map((e) => e.index), [3, 4, 1], 'most confident first: 0.9, 0.8, 0.5');
  const wide = Float32Array.from([0.2, 0.8]);
  assert.equal(classProbabilities(wide, 2).probabilities, wide, 'wider outputs pass through untouched');
});
