// The learning-curve chart's scales and ticks (web/ui/chart_scale.mjs): what the axes show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearTicks, lowerBound, makeScale, nearestIndex, valueExtent } from '../../web/ui/chart_scale.mjs';

test('linear ticks are multiples of 1, 2 or 5 x 10^k inside the range, without float noise', () => {
  assert.deepEqual(linearTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(linearTicks(0, 2.1, 5), [0, 0.5, 1, 1.5, 2]);
  assert.deepEqual(linearTicks(0.8, 1, 4), [0.8, 0.85, 0.9, 0.95, 1]);
  assert.deepEqual(linearTicks(1, 40, 8), [5, 10, 15, 20, 25, 30, 35, 40]);
  assert.deepEqual(linearTicks(1, 18750, 4), [5000, 10000, 15000]);
  assert.deepEqual(linearTicks(0.1, 0.3, 2), [0.1, 0.2, 0.3]);
  assert.deepEqual(linearTicks(3, 3), [3]);
  assert.deepEqual(linearTicks(NaN, 1), []);
  // Zoomed in far past float precision (k * step stops changing): none, and it returns.
  assert.deepEqual(linearTicks(11834.319526627216, 11834.319526627218, 7), []);
});

test('scales map values to pixels and back, y reversed', () => {
  const x = makeScale(0, 100);
  assert.equal(x.pos(25, 10, 200), 60);
  assert.equal(x.val(60, 10, 200), 25);
  const y = makeScale(0, 1, { reverse: true });
  assert.equal(y.pos(1, 5, 100), 5); // the top
  assert.equal(y.pos(0, 5, 100), 105);
  assert.equal(y.val(30, 5, 100), 0.75);
  assert.equal(makeScale(3, 3).pos(3, 0, 10), 0); // an empty span does not divide by zero
});

test('the cursor snaps to the nearest step; extents skip nulls and NaN', () => {
  const xs = [1, 2, 4, 8];
  assert.equal(lowerBound(xs, 3), 2);
  assert.equal(nearestIndex(xs, 2.9), 1);
  assert.equal(nearestIndex(xs, 3.1), 2);
  assert.equal(nearestIndex(xs, -5), 0);
  assert.equal(nearestIndex(xs, 50), 3);
  assert.equal(nearestIndex([], 1), -1);
  const cols = [[0.5, null, 2, NaN], [null, 0, 9, 7]];
  assert.deepEqual(valueExtent(cols, 0, 3), [0, 9]);
  assert.deepEqual(valueExtent(cols, 0, 1), [0, 0.5]);
  assert.deepEqual(valueExtent([[null]], 0, 0), [null, null]);
});
