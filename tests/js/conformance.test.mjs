// The conformance table's TF.js half (the C++ half: tests/cpp/test_conformance.cpp): every case of
// tests/fixtures/conformance_cases.json, trained for a few steps in a small classifier, exported
// with toTfjsArtifacts and loaded by @tensorflow/tfjs (its pure-JS CPU backend), must predict what
// convlab predicts within 1e-4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../../web/lib/convlab.mjs';
import { toTfjsArtifacts } from '../../web/lib/tfjs_format.mjs';

tf.env().set('IS_NODE', false); // no "install tfjs-node" greeting

const CASES = JSON.parse(readFileSync(new URL('../fixtures/conformance_cases.json', import.meta.url), 'utf8'));

const memoryHandler = (modelJson, weightData) => ({
  load: async () => ({
    modelTopology: modelJson.modelTopology, format: modelJson.format, generatedBy: modelJson.generatedBy,
    weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights), weightData,
  }),
});

// Seeded uniform values in [-1, 1) (a 32-bit LCG: the test needs no quality, only repeatability).
function randomFloats(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

// Cases TF.js cannot reproduce: the export refuses them with a message naming the gap.
const TFJS_GAPS = [
  [/"ELU":\{"alpha":0.8\}/, /layer 'elu' \(ELU\) uses ELU alpha=0.8 \(TF.js supports only 1\)/],
  [/"ReLU":.*"threshold"/, /layer 're_lu' \(ReLU\) uses ReLU negative_slope or threshold/],
  [/"activation":"leaky_relu"/, /layer 'activation' \(Activation\) uses activation 'leaky_relu'/],
];

// The case's layer, then Flatten where its output has more than one axis (TF.js's Flatten
// refuses a flat input), then a 3-way softmax.
async function classifier(c, seed) {
  const alone = await createModel({ input_shape: c.input_shape, layers: [c.layer] }, { seed });
  const flat = alone.layers[0].outputShape.length === 2;
  const layers = [c.layer, ...(flat ? [] : ['Flatten']), { Dense: { units: 3, activation: 'softmax' } }];
  return createModel({ input_shape: c.input_shape, layers }, { seed, inputShape: c.input_shape });
}

for (const [i, c] of CASES.entries()) {
  const name = JSON.stringify(c.layer);
  const gap = TFJS_GAPS.find(([pattern]) => pattern.test(name))?.[1];
  test(`TF.js loads the export of ${name} on ${JSON.stringify(c.input_shape)} and predicts the same (1e-4)${gap ? ' (or the export refuses it)' : ''}`, async () => {
    const model = await classifier(c, 3 + i);
    const features = c.input_shape.reduce((a, b) => a * b, 1);
    const n = 8;
    const x = randomFloats(n * features, 17 + i);
    const y = Float32Array.from({ length: n }, (_, k) => k % 3);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    await model.fit(x, y, { epochs: 2, batchSize: 4 }); // moves BatchNormalization's statistics too
    if (gap) {
      assert.throws(() => toTfjsArtifacts(model), gap);
      return;
    }
    const ours = model.predict(x);
    const { modelJson, weightData } = toTfjsArtifacts(model);
    const tfModel = await tf.loadLayersModel(memoryHandler(JSON.parse(JSON.stringify(modelJson)), weightData));
    const input = tf.tensor(x, [n, ...c.input_shape]);
    const out = tfModel.predict(input);
    const theirs = out.dataSync();
    tf.dispose([input, out]);
    assert.equal(theirs.length, ours.length);
    let worst = 0;
    for (let k = 0; k < ours.length; k++) worst = Math.max(worst, Math.abs(ours[k] - theirs[k]));
    assert.ok(worst < 1e-4, `max |difference| ${worst}`);
  });
}
