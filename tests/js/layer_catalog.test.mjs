// web/lib/layer_catalog.mjs is generated from the engine's catalog (tests/cpp/model/
// test_layer_catalog.cpp checks it is current); here: the wasm engine built from the same source
// knows exactly its layers, and every JS reader takes its names from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAYER_CATALOG } from '../../web/lib/layer_catalog.mjs';
import { createModel } from '../../web/lib/convlab.mjs';
import { SUPPORTED_LAYERS } from '../../web/lib/tfjs_format.mjs';
import { layerNames } from '../../web/ui/model_code.mjs';
import { architectureString } from '../../web/ui/experiments.mjs';

test("the wasm engine's list of supported layers is the catalog's", async () => {
  await assert.rejects(createModel({ input_shape: [4], layers: ['Conv3D'] }), (e) => {
    const listed = e.message.split('; supported: ')[1]?.split(', ');
    assert.deepEqual(listed, LAYER_CATALOG.map((l) => l.className));
    return true;
  });
});

test('every class and alias gets its Keras base name, TF.js import support and its token', () => {
  for (const entry of LAYER_CATALOG) {
    for (const name of [entry.className, ...entry.aliases]) {
      assert.deepEqual(layerNames({ layers: [name, name] }), [entry.baseName, `${entry.baseName}_1`]);
      assert.ok(SUPPORTED_LAYERS.includes(name), name);
      const token = architectureString([{ class_name: name, config: { filters: 8, units: 8, rate: 0.5 } }]);
      assert.equal(token, entry.token.replace(/\{(\w+)\}/g, (_, k) => ({ filters: 8, units: 8, rate: 0.5 })[k]), name);
    }
  }
});
