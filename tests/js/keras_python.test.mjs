// parseKerasPython on every Python form it accepts, and its errors, checked word for word
// with their line. (The course's own code: keras_python_seeds.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKerasPython, KerasSyntaxError } from '../../web/lib/keras_python.mjs';
import { createModel } from '../../web/lib/convlab.mjs';
import { scheduleFunction } from '../../web/lib/keras_schedule.mjs';
import { py, SEED2_LAB, courseCompile, fitFor, parseError, assertError } from './keras_python_fixtures.mjs';

// ---- the Python forms accepted ----

test('every spelling of Sequential, and a name', () => {
  const expected = { layers: [{ Dense: { units: 10 } }] };
  for (const s of ['tf.keras.models.Sequential', 'tf.keras.Sequential', 'keras.Sequential', 'keras.models.Sequential',
    'models.Sequential', 'Sequential', 'tensorflow.keras.Sequential']) {
    assert.deepEqual(parseKerasPython(`model = ${s}([tf.keras.layers.Dense(10)])`).config, expected, s);
  }
  const imported = py`from keras.models import Sequential
model = Sequential([Dense(10)], name='tiny')`;
  assert.deepEqual(parseKerasPython(imported).config, { name: 'tiny', ...expected });
  assert.deepEqual(parseKerasPython('net = Sequential(layers=[Dense(10)], name="n")').config, { name: 'n', ...expected });
  // Built inside a function, then compiled outside it.
  const fn = py`def build():
    return tf.keras.Sequential([
        tf.keras.layers.Dense(10)
    ])
model = build()
model.compile('sgd', 'categorical_crossentropy')`;
  const r = parseKerasPython(fn);
  assert.deepEqual(r.config, expected);
  assert.deepEqual(r.compile, { optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: [] });
});

test('every layer prefix, import aliases included', () => {
  const expected = { layers: ['Flatten', { Dense: { units: 10, activation: 'softmax' } }] };
  for (const prefix of ['tf.keras.layers.', 'keras.layers.', 'layers.', '', 'tensorflow.keras.layers.']) {
    const source = `model = Sequential([${prefix}Flatten(), ${prefix}Dense(10, activation='softmax')])`;
    assert.deepEqual(parseKerasPython(source).config, expected, prefix);
  }
  const aliased = py`import tensorflow as tensorflow_alias
import tensorflow.keras.layers as L
from tensorflow.keras.layers import Dense as D, Flatten
model = tensorflow_alias.keras.Sequential([Flatten(), D(10, activation='softmax')])
model.add(L.Dense(3))`;
  assert.deepEqual(parseKerasPython(aliased).config.layers, [...expected.layers, { Dense: { units: 3 } }]);
});

test('model.add(...) without a Sequential line, and with one', () => {
  const r = parseKerasPython('model.add(Flatten())\nmodel.add(Dense(10))');
  assert.deepEqual(r.config, { layers: ['Flatten', { Dense: { units: 10 } }] });
  assert.deepEqual(r.layerLines, [1, 2]);
  // A list given to Sequential, then more layers added: Python's order.
  const both = parseKerasPython('model = Sequential([Flatten()])\nmodel.add(Dense(10))');
  assert.deepEqual(both.config.layers, ['Flatten', { Dense: { units: 10 } }]);
  // s.add(...) on something that is not a model is not a layer.
  assert.deepEqual(parseKerasPython('seen = set()\nseen.add(3)\nmodel.add(Dense(1))').config.layers, [{ Dense: { units: 1 } }]);
});

test('values: quotes, tuples and lists, ints, floats, negatives, True/False/None', () => {
  const source = py`model = Sequential([
  Conv2D(8, [3, 3], strides=(2,2), padding="same", use_bias=False, activation=None, input_shape=[28, 28, 1]),
  BatchNormalization(axis=-1, momentum=.9, epsilon=1e-3, center=True),
  Dropout(5e-1),
  Flatten(),
  Dense(units=10, activation='softmax'),
])`;
  assert.deepEqual(parseKerasPython(source).config, {
    input_shape: [28, 28, 1],
    layers: [
      { Conv2D: { filters: 8, kernel_size: [3, 3], strides: [2, 2], padding: 'same', use_bias: false, activation: null } },
      { BatchNormalization: { axis: -1, momentum: 0.9, epsilon: 0.001, center: true } },
      { Dropout: { rate: 0.5 } }, 'Flatten', { Dense: { units: 10, activation: 'softmax' } },
    ],
  });
  // kernel_size=3 stays 3; (3) is 3 in Python, (3,) a tuple.
  assert.deepEqual(parseKerasPython('model = Sequential([Conv2D(4, 3), Conv2D(4, (3)), Conv2D(4, (3,))])').config.layers,
    [{ Conv2D: { filters: 4, kernel_size: 3 } }, { Conv2D: { filters: 4, kernel_size: 3 } }, { Conv2D: { filters: 4, kernel_size: [3] } }]);
});

test('positional arguments follow Keras\'s order for every layer', () => {
  const source = py`model = Sequential([
  Conv2D(16, 5, 1, 'valid', 'channels_last', 1, 1, 'relu', True),
  MaxPooling2D((2, 2), None, 'same', 'channels_last'),
  Dropout(0.25, None, 7),
  BatchNormalization(-1, 0.99, 0.001, True, True),
  Activation('tanh'),
  Flatten('channels_last'),
  Dense(10, 'softmax', True),
])`;
  assert.deepEqual(parseKerasPython(source).config.layers, [
    { Conv2D: { filters: 16, kernel_size: 5, strides: 1, padding: 'valid', data_format: 'channels_last', dilation_rate: 1, groups: 1, activation: 'relu', use_bias: true } },
    { MaxPooling2D: { pool_size: [2, 2], strides: null, padding: 'same', data_format: 'channels_last' } },
    { Dropout: { rate: 0.25, noise_shape: null, seed: 7 } },
    { BatchNormalization: { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true } },
    { Activation: { activation: 'tanh' } },
    { Flatten: { data_format: 'channels_last' } },
    { Dense: { units: 10, activation: 'softmax', use_bias: true } },
  ]);
});

test('Keras aliases become class names; name, trainable, dtype pass through', () => {
  const source = "model = Sequential([Convolution2D(4, 3, name='c', trainable=True, dtype='float32'), MaxPool2D(), Flatten()])";
  assert.deepEqual(parseKerasPython(source).config.layers,
    [{ Conv2D: { filters: 4, kernel_size: 3, name: 'c', trainable: true, dtype: 'float32' } }, 'MaxPooling2D', 'Flatten']);
});

test('activation values: strings, tf.nn.X, tf.keras.activations.X, an imported function', () => {
  const forms = ["'relu'", '"relu"', 'tf.nn.relu', 'tf.keras.activations.relu', 'keras.activations.relu', 'activations.relu', 'relu'];
  for (const form of forms) {
    assert.deepEqual(parseKerasPython(`model = Sequential([Dense(4, activation=${form})])`).config.layers,
      [{ Dense: { units: 4, activation: 'relu' } }], form);
  }
  assert.deepEqual(parseKerasPython('model = Sequential([Activation(tf.nn.softmax)])').config.layers, [{ Activation: { activation: 'softmax' } }]);
});

test('regularizers become {l1, l2} with Keras\'s default factors', () => {
  const cases = [
    ['tf.keras.regularizers.l2(0.01)', { l2: 0.01 }],
    ['regularizers.l2(l2=0.001)', { l2: 0.001 }],
    ["'l2'", { l2: 0.01 }],
    ["'l1'", { l1: 0.01 }],
    ["'l1_l2'", { l1: 0.01, l2: 0.01 }],
    ['keras.regularizers.l1(1e-4)', { l1: 1e-4 }],
    ['regularizers.l1_l2(l1=1e-5, l2=1e-4)', { l1: 1e-5, l2: 1e-4 }],
    ['regularizers.l1_l2(l1=0.5)', { l1: 0.5, l2: 0.01 }], // tf.keras 2.x's l1_l2() defaults
    ['tf.keras.regularizers.L1L2(l2=0.2)', { l1: 0, l2: 0.2 }], // the class defaults to 0
    ['tf.keras.regularizers.L2()', { l2: 0.01 }],
    ['l2(0.05)', { l2: 0.05 }],
  ];
  for (const [form, expected] of cases) {
    const config = parseKerasPython(`model = Sequential([Dense(4, kernel_regularizer=${form})])`).config;
    assert.deepEqual(config.layers, [{ Dense: { units: 4, kernel_regularizer: expected } }], form);
  }
});

test('Input and InputLayer give the input shape and add no layer', () => {
  for (const first of ['tf.keras.Input(shape=(28, 28, 1))', 'keras.layers.Input((28, 28, 1))',
    'InputLayer(input_shape=(28, 28, 1))', 'tf.keras.layers.InputLayer((28, 28, 1))', 'InputLayer(batch_input_shape=(None, 28, 28, 1))']) {
    const r = parseKerasPython(`model = Sequential([\n  ${first},\n  Flatten(),\n  Dense(10)\n])`);
    assert.deepEqual(r.config, { input_shape: [28, 28, 1], layers: ['Flatten', { Dense: { units: 10 } }] }, first);
    assert.deepEqual(r.layerLines, [3, 4]);
  }
  // Keras reads input_shape from the first layer only.
  assert.deepEqual(parseKerasPython('model = Sequential([Flatten(input_shape=(4, 4)), Dense(2, input_shape=(9,))])').config,
    { input_shape: [4, 4], layers: ['Flatten', { Dense: { units: 2 } }] });
});

test('Python around the model is ignored: imports, comments, docstrings, magics, classes, other calls', () => {
  const source = py`"""A docstring that mentions model = Sequential([Dense(1)])."""
%matplotlib inline
import numpy as np  # comment with 'quote
x = np.array([1, 2, 3]) ** 2 if True else {'a': [1, 2]}
def scheduler(epoch, lr):
    return lr * tf.math.exp(-0.1) if epoch > 10 else lr

model = tf.keras.models.Sequential([  # the model
    tf.keras.layers.Flatten(input_shape=(28, 28)),  \
    tf.keras.layers.Dense(10,
                          activation='softmax')
])
model.summary(); print(f'{model.name}: done', end="\n")
history = model.fit(x_train, y_train, epochs=2,
                    callbacks=[tf.keras.callbacks.LearningRateScheduler(lambda epoch: 1e-3 * 10**(epoch / 20))],
                    verbose=0).history
plt.plot(history['loss'][1:])`;
  const r = parseKerasPython(source);
  assert.deepEqual(r.config, { input_shape: [28, 28], layers: ['Flatten', { Dense: { units: 10, activation: 'softmax' } }] });
  assert.deepEqual(r.layerLines, [9, 10]);
  const { schedule, ...fit } = r.fit; // the lambda schedule is read (keras_schedule.test.mjs)
  assert.deepEqual(fit, fitFor(2));
  assert.equal(scheduleFunction(schedule)(20, 0.5), 1e-3 * 10 ** (20 / 20));
  assert.equal(r.compile, null);
});

test('compile: optimizer names and objects, learning rates, Keras defaults', () => {
  const compileOf = (args) => parseKerasPython(`model = Sequential([Dense(1)])\nmodel.compile(${args})`).compile;
  const loss = "loss='sparse_categorical_crossentropy'";
  assert.deepEqual(compileOf(`optimizer='adam', ${loss}, metrics=['accuracy']`), courseCompile);
  assert.deepEqual(compileOf(`optimizer=tf.keras.optimizers.Adam(learning_rate=0.01), ${loss}`),
    { optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: [], learningRate: 0.01 });
  assert.deepEqual(compileOf(`optimizer=Adam(lr=1e-3), ${loss}`).learningRate, 0.001);
  assert.deepEqual(compileOf(`keras.optimizers.RMSprop(0.0005), 'categorical_crossentropy', ['acc']`),
    { optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['acc'], learningRate: 0.0005 });
  assert.deepEqual(compileOf(`optimizer='Adam', ${loss}`).optimizer, 'adam');
  assert.deepEqual(compileOf(`optimizer=tf.keras.optimizers.Adam(), ${loss}`).optimizer, 'adam');
  // More than a learning rate: Keras's {class_name, config}, which Model.compile passes on.
  assert.deepEqual(compileOf(`optimizer=SGD(lr=0.01, momentum=0.9), ${loss}`).optimizer,
    { class_name: 'SGD', config: { learning_rate: 0.01, momentum: 0.9 } });
  // Loss objects and functions name the loss; no optimizer means Keras's default, rmsprop.
  assert.deepEqual(compileOf('loss=tf.keras.losses.SparseCategoricalCrossentropy()'),
    { optimizer: 'rmsprop', loss: 'sparse_categorical_crossentropy', metrics: [] });
  assert.equal(compileOf("'adam', tf.keras.losses.categorical_crossentropy").loss, 'categorical_crossentropy');
  assert.equal(compileOf("'adam', 'CategoricalCrossentropy'").loss, 'categorical_crossentropy');
});

test('fit: epochs, batch_size and validation_split, by keyword or position, with defaults', () => {
  const fitOf = (args) => parseKerasPython(`model = Sequential([Dense(1)])\nh = model.fit(${args})`).fit;
  assert.deepEqual(fitOf('x, y'), { epochs: 1, batchSize: 32, validationSplit: 0 });
  assert.deepEqual(fitOf('x, y, 64, 3'), { epochs: 3, batchSize: 64, validationSplit: 0 });
  assert.deepEqual(fitOf('x=x, y=y, batch_size=None, epochs=4, validation_split=.1, verbose=2, shuffle=True, callbacks=[cb]'),
    { epochs: 4, batchSize: 32, validationSplit: 0.1 });
  assert.equal(parseKerasPython('model = Sequential([Dense(1)])').fit, null);
});

test('the config, compile and fit drive the library end to end', async () => {
  const r = parseKerasPython(SEED2_LAB);
  const model = await createModel(r.config, { seed: 3 });
  model.compile(r.compile);
  assert.match(model.summary(), /Total params: 113,386/);
  const images = new Uint8Array(64 * 784).map((_, i) => (i * 37) % 256);
  const labels = Float32Array.from({ length: 64 }, (_, i) => i % 10);
  const history = await model.fit(images, labels, { ...r.fit, epochs: 1, batchSize: 32 });
  assert.equal(history.epoch.length, 1);
  model.dispose();
  // An optimizer object with more than a learning rate goes through Model.compile too.
  const sgd = parseKerasPython("model = Sequential([Flatten(), Dense(10, activation='softmax')])\n"
    + "model.compile(SGD(0.1, momentum=0.9), 'sparse_categorical_crossentropy', ['accuracy'])");
  const m2 = await createModel(sgd.config);
  m2.compile(sgd.compile);
  assert.equal(m2.optimizer.learningRate, 0.10000000149011612);
  m2.dispose();
});

// ---- errors: the message, word for word, and its line ----

test('error messages name the line, the layer and the argument', () => {
  const cases = [
    // unknown layer and argument names, with suggestions
    ['model = keras.Sequential([\n  keras.layers.Conv2d(32, 3)\n])', "line 2: unknown layer 'Conv2d' — did you mean 'Conv2D'?"],
    ['model = Sequential([Dence(10)])', "line 1: unknown layer 'Dence' — did you mean 'Dense'?"],
    ['model = Sequential([Foo(10)])', "line 1: unknown layer 'Foo'"],
    ['model = Sequential([Conv1D(8, 3)])',
      'line 1: Conv1D is not supported by convlab (it has Conv2D, MaxPooling2D, Flatten, Dense, Dropout, BatchNormalization, Activation, AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, Rescaling, ZeroPadding2D, Reshape, LeakyReLU, ELU, ReLU, DepthwiseConv2D, SeparableConv2D, InputLayer)'],
    ['model = Sequential()\nmodel.add(Flatten())\nmodel.add(Dense(10, activatoin="relu"))',
      "line 3: Dense: unknown argument 'activatoin' — did you mean 'activation'?"],
    ['model = Sequential([Dense(10, foo=1)])', "line 1: Dense: unknown argument 'foo'"],
    ['model = Sequential([tf.keras.layer.Dense(10)])', "line 1: unknown name 'tf.keras.layer.Dense' — did you mean 'tf.keras.layers.Dense'?"],
    ['model = tf.keras.model.Sequential([Dense(10)])', "line 1: unknown name 'tf.keras.model.Sequential' — did you mean 'tf.keras.models.Sequential'?"],
    ['model = Sequential([Dense(10, activation=tf.nn.reluu)])', "line 1: unknown activation 'tf.nn.reluu' — did you mean 'tf.nn.relu'?"],
    ['model = Sequential([Dense(10, kernel_regularizer=regularizers.l3(0.1))])', "line 1: unknown regularizer 'l3' — did you mean 'l1'?"],
    // argument binding
    ['model = Sequential()\nmodel.add(Flatten())\nmodel.add(MaxPooling2D(2, 2, "valid", None, 5))',
      'line 3: MaxPooling2D takes at most 4 positional arguments, got 5'],
    ['model = Sequential([Activation("relu", "tanh")])', 'line 1: Activation takes at most 1 positional argument, got 2'],
    ['model = Sequential([\n  Flatten(),\n  Conv2D(32, 3, filters=64)\n])', "line 3: Conv2D: argument 'filters' given twice"],
    ['model = Sequential([Dense(1, use_bias=True, use_bias=False)])', "line 1: Dense: argument 'use_bias' given twice"],
    ['model = Sequential([Dense()])', "line 1: Dense: missing required argument 'units'"],
    ['model = Sequential([Dense(units=1, 2)])', 'line 1: positional argument follows keyword argument'],
    // unsupported Python, named
    ['n_units = 128\nmodel = Sequential([\n  Flatten(),\n  Dense(n_units)\n])', "line 4: unsupported Python: variable 'n_units' (write the number itself)"],
    ['model = Sequential([Dense(10) for _ in range(3)])',
      "line 1: unsupported Python: a list comprehension '[Dense(10) for _ in range(3)]' (write the layers out one by one: Sequential([...]))"],
    ['model = Sequential(my_layers)', "line 1: unsupported Python: variable 'my_layers' (write the layers out one by one: Sequential([...]))"],
    ['model = Sequential([Flatten(), layer])', "line 1: unsupported Python: variable 'layer' (write the layer itself, e.g. Dense(10))"],
    ['model = Sequential([Flatten(input_shape=(28**2,))])', "line 1: unsupported Python: arithmetic '28**2' (write the shape itself, e.g. (28, 28, 1))"],
    ['model = Sequential([Dense(sizes[0])])', "line 1: unsupported Python: indexing 'sizes[0]' (write the number itself)"],
    ['model = Sequential([Dense(1, activation=f"relu")])', 'line 1: unsupported Python: an f-string (write the value itself)'],
    ['model = Sequential([Dense(1, *extra)])', 'line 1: unsupported Python: *args (write the arguments out)'],
    ['model = Sequential([Dense(1, activation=lambda x: x)])', "line 1: unsupported Python: a lambda 'lambda x: x' (write the value itself)"],
    ['model = Sequential([Flatten(input_shape=(784))])',
      'line 1: Flatten: input_shape must be a tuple of positive sizes such as (28, 28, 1), got 784 (a one-element tuple needs a comma: (784,))'],
    // syntax
    ['model = Sequential([Flatten, Dense(1)])', "line 1: expected '(' after Flatten"],
    ['model = Sequential([\n  Dense(128 activation="relu")\n])', "line 2: missing ',' between 128 and 'activation'"],
    ['model = Sequential([Dense(1)])))', "line 1: unmatched ')'"],
    ['model = Sequential([Dense(1]))', "line 1: ']' does not match '(' on line 1"],
    ['model = Sequential([Dense(1)]) model.summary()', "line 1: expected the end of the statement after Sequential([Dense(1)]), got 'model'"],
    ['model = Sequential([\n  Dense(1, name="a),\n])', "line 2: unterminated string: no closing \" on this line"],
    ['"""notes\n\nmodel = Sequential([Dense(1)])', 'line 1: unterminated string: the """ here is never closed'],
    ['x = 1\nmodel.add(Dense(10)\nprint(x)', "line 2: '(' was never closed"],
    ['print("unbalanced"\nmodel = Sequential([Dense(1)])', "line 1: '(' was never closed"],
    ['model = Sequential([Dense(1)])\ncost = 5 $ 3', "line 2: invalid character '$'"],
    // compile and fit
    ["model = Sequential([Dense(1)])\nmodel.compile(optimizer='adma', loss='sparse_categorical_crossentropy')", "line 2: compile: unknown optimizer 'adma' — did you mean 'adam'?"],
    ["model = Sequential([Dense(1)])\nmodel.compile(optimizer='nadam', loss='sparse_categorical_crossentropy')",
      "line 2: compile: optimizer 'nadam' is not supported by convlab (it has adam, sgd, rmsprop)"],
    ["model = Sequential([Dense(1)])\nmodel.compile(optimizer=opt, loss='sparse_categorical_crossentropy')",
      "line 2: unsupported Python: variable 'opt' (write the optimizer itself, e.g. tf.keras.optimizers.Adam(learning_rate=0.001))"],
    ["model = Sequential([Dense(1)])\nmodel.compile(optimizer=Adam(learning_rate=0.1, lr=0.2), loss='categorical_crossentropy')",
      "line 2: Adam: argument 'learning_rate' given twice"],
    ["model = Sequential([Dense(1)])\nmodel.compile(optimizer='adam', loss='mse')",
      "line 2: compile: unsupported loss 'mse' (convlab has sparse_categorical_crossentropy, categorical_crossentropy, binary_crossentropy)"],
    ["model = Sequential([Dense(1)])\nmodel.compile(optimizer='adam')", "line 2: compile: missing argument 'loss', e.g. loss='sparse_categorical_crossentropy'"],
    ["model = Sequential([Dense(1)])\nmodel.compile('adam', tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))",
      "line 2: compile: from_logits=True is not supported: convlab's losses take probabilities, so end the model with activation='softmax'"],
    ["model = Sequential([Dense(1)])\nmodel.compile('adam', 'categorical_crossentropy', metrics=['mae'])",
      "line 2: compile: unsupported metric 'mae' (convlab computes 'accuracy')"],
    ["model = Sequential([Dense(1)])\nmodel.compile('adam', 'categorical_crossentropy', metric=['accuracy'])",
      "line 2: compile: unknown argument 'metric' — did you mean 'metrics'?"],
    ['model = Sequential([Dense(1)])\nmodel.fit(x, y, epoch=5)', "line 2: fit: unknown argument 'epoch' — did you mean 'epochs'?"],
    ['model = Sequential([Dense(1)])\nmodel.fit(x, y, epochs=EPOCHS)', "line 2: unsupported Python: variable 'EPOCHS' (write the number itself)"],
    ['model = Sequential([Dense(1)])\nmodel.fit(x, y, epochs=2.5)', 'line 2: fit: epochs must be a positive integer, got 2.5'],
    ['model = Sequential([Dense(1)])\nmodel.fit(x, y, validation_split=1)', 'line 2: fit: validation_split must be a number in [0, 1), got 1'],
    // no model
    ['import tensorflow as tf\nprint(tf.__version__)', 'no model found: expected tf.keras.models.Sequential([...]) or model.add(...) lines'],
    ['', 'no model found: expected tf.keras.models.Sequential([...]) or model.add(...) lines'],
    ['model = tf.keras.Sequential()', 'line 1: the model has no layers: give Sequential a list of layers or call model.add(...)'],
    ['model = Sequential([Dense(1), InputLayer((4,))])', "line 1: InputLayer must come before the model's other layers"],
  ];
  for (const [source, message] of cases) {
    const e = parseError(source);
    assert.equal(e.message, message, source);
    const line = /^line (\d+): /.exec(message);
    assert.equal(e.line, line ? Number(line[1]) : null, source);
  }
});

test('KerasSyntaxError carries line, column and the bare reason', () => {
  const e = parseError('model = Sequential([\n    Dense(10, activatoin="relu")\n])');
  assert.ok(e instanceof Error);
  assert.equal(e.name, 'KerasSyntaxError');
  assert.deepEqual([e.line, e.column], [2, 15]);
  assert.equal(e.reason, "Dense: unknown argument 'activatoin' — did you mean 'activation'?");
  assert.equal(parseError('print(1)').line, null);
});

test('CRLF line endings count lines the same way', () => {
  const r = parseKerasPython(SEED2_LAB.replace(/\n/g, '\r\n'));
  assert.deepEqual(r.layerLines, [5, 6, 7, 8, 11, 12, 13]);
  assertError('model = Sequential([\r\n  Dense(n)\r\n])', "line 2: unsupported Python: variable 'n' (write the number itself)", 2);
});

test("a Keras 3 example: keras.Input, Rescaling(1./255) and the pooling, padding, reshape and activation layers", () => {
  const { config, layerLines } = parseKerasPython(`import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Rescaling(1./255, offset=-0.5 + 0.25),
    layers.ZeroPadding2D(padding=((1, 0), (2, 1))),
    layers.Conv2D(16, 3, activation="selu"),
    layers.AvgPool2D(2, strides=2, padding="same"),
    layers.LeakyReLU(0.1),
    layers.ELU(),
    layers.ReLU(6.0),
    layers.GlobalMaxPooling2D(),
    layers.Reshape((4, -1)),
    layers.Flatten(),
    layers.Dense(10, activation="softmax"),
])`);
  assert.deepEqual(config, {
    input_shape: [28, 28, 1],
    layers: [
      { Rescaling: { scale: 1 / 255, offset: -0.25 } }, { ZeroPadding2D: { padding: [[1, 0], [2, 1]] } },
      { Conv2D: { filters: 16, kernel_size: 3, activation: 'selu' } },
      { AveragePooling2D: { pool_size: 2, strides: 2, padding: 'same' } }, { LeakyReLU: { alpha: 0.1 } }, 'ELU',
      { ReLU: { max_value: 6 } }, 'GlobalMaxPooling2D', { Reshape: { target_shape: [4, -1] } }, 'Flatten',
      { Dense: { units: 10, activation: 'softmax' } },
    ],
  });
  assert.deepEqual(layerLines, [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
});

test('number literals joined by + - * / are folded with Python precedence; other arithmetic is refused', () => {
  const rate = (expr) => parseKerasPython(`model = Sequential([Dense(4), Dropout(${expr})])`).config.layers[1].Dropout.rate;
  assert.equal(rate('1 - 0.75'), 0.25);
  assert.equal(rate('0.1 + 0.2 * 2'), 0.1 + 0.4);
  assert.equal(rate('1 / 4 / 2'), 0.125);
  assert.throws(() => rate('1 / 0'), /line 1: division by zero/);
  assert.throws(() => rate('x * 2'), /unsupported Python: arithmetic 'x \* 2'/);
});

test('DepthwiseConv2D and SeparableConv2D take Keras positional order', () => {
  const { config } = parseKerasPython(`model = tf.keras.Sequential([
    tf.keras.layers.DepthwiseConv2D(3, (2, 2), 'same', 2, input_shape=(28, 28, 1)),
    tf.keras.layers.SeparableConv2D(16, (3, 3), activation='relu'),
])`);
  assert.deepEqual(config.layers, [
    { DepthwiseConv2D: { kernel_size: 3, strides: [2, 2], padding: 'same', depth_multiplier: 2 } },
    { SeparableConv2D: { filters: 16, kernel_size: [3, 3], activation: 'relu' } },
  ]);
});
