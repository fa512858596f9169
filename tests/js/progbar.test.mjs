import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBar, formatEta, formatMetric, formatPerStep, progressLine } from '../../web/lib/progbar.mjs';

test('the bar fills like Keras: arrow while running, all = when done', () => {
  assert.equal(formatBar(1875, 1875), '1875/1875 [==============================]');
  assert.equal(formatBar(1200, 1875), '1200/1875 [==================>...........]');
  assert.equal(formatBar(1, 1875), '   1/1875 [..............................]');
  assert.equal(formatBar(0, 10), ' 0/10 [..............................]');
});

test('metrics, ETA and step times use Keras formats', () => {
  assert.equal(formatMetric(0.45904), '0.4590');
  assert.equal(formatMetric(0.00012345), '1.2345e-04');
  assert.equal(formatMetric(12), '12.0000');
  assert.equal(formatEta(3), '3s');
  assert.equal(formatEta(75), '1:15');
  assert.equal(formatEta(3725), '1:02:05');
  assert.equal(formatPerStep(0.007), '7ms/step');
  assert.equal(formatPerStep(2), '2s/step');
  assert.equal(formatPerStep(0.0005), '500us/step');
});

test('a finished epoch reads like the course notebook', () => {
  assert.equal(progressLine(1875, 1875, 14.2, { batch: 3, size: 32, loss: 0.459, accuracy: 0.8338 }),
    '1875/1875 [==============================] - 14s 8ms/step - loss: 0.4590 - accuracy: 0.8338');
  assert.equal(progressLine(313, 313, 1.1, { loss: 0.2718, accuracy: 0.9006 }),
    '313/313 [==============================] - 1s 4ms/step - loss: 0.2718 - accuracy: 0.9006');
  assert.match(progressLine(1000, 1875, 10, { loss: 0.5 }), /^1000\/1875 \[===============>\.+\] - ETA: 9s - loss: 0\.5000$/);
});
