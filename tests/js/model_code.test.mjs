import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configToPython, layerNames } from '../../web/ui/model_code.mjs';
import { parseKerasPython } from '../../web/lib/keras_python.mjs';
import { createModel } from '../../web/lib/convlab.mjs';
import { PRESETS } from '../../web/lib/presets.mjs';

test('every preset shown as Python parses back to the same model', async () => {
  for (const [name, config] of Object.entries(PRESETS)) {
    const code = configToPython(config);
    assert.match(code, /^model = tf\.keras\.models\.Sequential\(\[\n/, name);
    const parsed = parseKerasPython(code).config;
    const [a, b] = await Promise.all([createModel(config), createModel(parsed)]);
    assert.equal(b.summary(), a.summary(), name);
    assert.deepEqual(b.getWeights(), a.getWeights(), `${name}: same seed, same initial weights`);
    a.dispose();
    b.dispose();
  }
});

test('the lab preset reads like the course notebook', () => {
  assert.equal(configToPython(PRESETS['single-conv']), `model = tf.keras.models.Sequential([
    tf.keras.layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation='relu'),
    tf.keras.layers.Dense(10, activation='softmax'),
])
`);
});

test('layer names follow Keras numbering, skipping names given explicitly', () => {
  assert.deepEqual(layerNames(PRESETS.lab), ['conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'flatten', 'dense', 'dense_1']);
  assert.deepEqual(layerNames({ layers: [{ Dense: { units: 2 } }, { Dense: { units: 2, name: 'dense' } }] }), ['dense_1', 'dense']);
});
