// The week-3 assignment end to end on the built-in MNIST digits, as the README gives it: the
// single-conv model, adam, a 99.5 % training-accuracy stop inside 10 epochs, with the
// notebook's message. Deterministic (seed 1, bit-identical engine): about 2 minutes on 2 cores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';

const CLI = new URL('../../bin/convlab.mjs', import.meta.url).pathname;

test('convlab train --model single-conv --data mnist --epochs 10 --stop-at-accuracy 0.995 stops with the notebook message', async () => {
  const { code, stdout, stderr } = await new Promise((resolve) => {
    execFile('node', [CLI, 'train', '--model', 'single-conv', '--data', 'mnist', '--epochs', '10', '--stop-at-accuracy', '0.995'],
      { maxBuffer: 1 << 24 }, (error, out, err) => resolve({ code: error ? error.code : 0, stdout: out, stderr: err }));
  });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /\nReached 99\.5% accuracy so cancelling training!\n/);
  const epochs = [...stdout.matchAll(/^250\/250 .* - accuracy: ([\d.]+)$/gm)].map((m) => Number(m[1]));
  assert.ok(epochs.length >= 1 && epochs.length < 10, `stopped after ${epochs.length} epochs`);
  assert.ok(epochs.at(-1) > 0.995 && epochs.slice(0, -1).every((a) => a <= 0.995), `accuracies ${epochs}`);
  assert.match(stdout, new RegExp(`trained ${epochs.length} epoch\\(s\\) in [\\d.]+ s; test accuracy 0\\.9\\d+\\n$`));
});
