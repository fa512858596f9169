// Property tests (fast-check) for the Keras-Python parser: whatever the text — random strings,
// Python-like token soup, or valid notebook code with characters inserted, deleted, swapped or
// cut off — parseKerasPython either returns a result or throws its own KerasSyntaxError (with
// a message and a line when it has one). Never a TypeError or RangeError from inside, never a
// hang: each call must finish well within a time budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseKerasPython, KerasSyntaxError } from '../../web/lib/keras_python.mjs';

const VALID = [
  `import tensorflow as tf
model = tf.keras.models.Sequential([
  tf.keras.layers.Conv2D(32, (3,3), activation='relu', input_shape=(28, 28, 1)),
  tf.keras.layers.MaxPooling2D(2, 2),
  tf.keras.layers.Conv2D(32, (3,3), activation='relu'),
  tf.keras.layers.MaxPooling2D(2,2),
  tf.keras.layers.Flatten(),
  tf.keras.layers.Dense(128, activation='relu'),
  tf.keras.layers.Dense(10, activation='softmax')
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(training_images, training_labels, epochs=5)
`,
  `from tensorflow.keras import layers, models
model = models.Sequential()
model.add(layers.Flatten(input_shape=(28, 28)))
model.add(layers.Dense(512, activation=tf.nn.relu))
model.add(layers.Dropout(0.2))
model.add(layers.Dense(10, activation=tf.nn.softmax))
model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3), loss="sparse_categorical_crossentropy")
`,
  `model = keras.Sequential([keras.Input(shape=(32, 32, 3)), layers.Conv2D(64, 3, padding="same"),
  layers.BatchNormalization(), layers.Activation("relu"), layers.Flatten(), layers.Dense(10)])  # comment
`,
];

const BUDGET_MS = 2000;

function check(text) {
  const start = performance.now();
  try {
    const result = parseKerasPython(text);
    assert.equal(typeof result, 'object');
    assert.ok(result.config && typeof result.config === 'object', 'a result carries a config');
  } catch (e) {
    if (!(e instanceof KerasSyntaxError)) {
      throw new Error(`parseKerasPython threw ${e?.name ?? typeof e} (${e?.message}) for ${JSON.stringify(text.slice(0, 200))}`);
    }
    assert.ok(typeof e.message === 'string' && e.message.length > 0);
  }
  const ms = performance.now() - start;
  assert.ok(ms < BUDGET_MS, `took ${ms.toFixed(0)} ms for ${JSON.stringify(text.slice(0, 120))}`);
}

// Edits of a valid snippet: insert, delete or replace text at a position, or cut the end off.
const PY_BITS = ['(', ')', '[', ']', '{', '}', ',', ':', '=', "'", '"', '"""', '\\', '\n', '\t', ' ', '#', '.', '1',
  '-', '1e9', '0x', 'None', 'True', 'lambda', 'Dense', 'Conv2D', 'model', 'add', '**', '...', '\u00e9', '\u0000'];
const edit = (source) => fc.oneof(
  fc.tuple(fc.nat(source.length), fc.constantFrom(...PY_BITS)).map(([i, s]) => source.slice(0, i) + s + source.slice(i)),
  fc.tuple(fc.nat(source.length), fc.nat(20)).map(([i, n]) => source.slice(0, i) + source.slice(i + n)),
  fc.tuple(fc.nat(source.length), fc.string({ maxLength: 8 })).map(([i, s]) => source.slice(0, i) + s + source.slice(i + s.length)),
  fc.nat(source.length).map((i) => source.slice(0, i)),
);
const mutated = fc.constantFrom(...VALID).chain((s) =>
  fc.array(fc.constant(null), { minLength: 1, maxLength: 6 }).chain((edits) =>
    edits.reduce((arb) => arb.chain(edit), fc.constant(s))));

test('the valid snippets parse (so the mutations start from working code)', () => {
  for (const s of VALID) assert.ok(parseKerasPython(s).config.layers.length > 0);
});

test('arbitrary strings: a result or a KerasSyntaxError, nothing else', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), check), { numRuns: 3000, seed: 8 });
});

test('Python-like token soup: a result or a KerasSyntaxError, nothing else', () => {
  const soup = fc.array(fc.constantFrom(...PY_BITS, 'tf.keras.layers.', 'Sequential', 'compile', 'fit', 'import', 'from', 'as'),
    { maxLength: 80 }).map((parts) => parts.join(''));
  fc.assert(fc.property(soup, check), { numRuns: 3000, seed: 8 });
});

test('mutations of valid notebook code: a result or a KerasSyntaxError, nothing else', () => {
  fc.assert(fc.property(mutated, check), { numRuns: 3000, seed: 8 });
});

test('deep nesting and long inputs neither overflow the stack nor hang', () => {
  for (const text of ['('.repeat(100000), '['.repeat(50000) + ']'.repeat(50000),
    `model = Sequential([${'['.repeat(20000)}])`, `x = ${'-'.repeat(100000)}1`,
    `model = Sequential([Dense(${'('.repeat(30000)}1${')'.repeat(30000)})])`,
    'model.add(Dense(1))\n'.repeat(20000), `'${'a'.repeat(200000)}`]) check(text);
});
