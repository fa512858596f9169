// The course's code blocks (copied verbatim from the seed texts: trailing spaces trimmed, tabs
// kept as ${TAB}, typos included) and the helpers the keras_python tests share.
import assert from 'node:assert/strict';
import { parseKerasPython, KerasSyntaxError } from '../../web/lib/keras_python.mjs';
import { createModel } from '../../web/lib/convlab.mjs';

export const py = String.raw; // Python's backslashes ("\nReached 99%") stay as written
export const TAB = '\t';

// ---- the seeds' code blocks ----

// 000_48f9d4bcebae997b.txt lines 5-20
export const SEED0_DNN = py`import tensorflow as tf
from tensorflow.keras import layers
mnist =tf.keras.datasets.fashion_mnist
(training_images, training_labels), (test_images, test_labels) = mnist.load_data()
train_images = training_images / 255.0
test_images = test_images / 255.0

model = tf.keras.models.Sequential([
    layers.Flatten(),
    layers.Dense(128, activation=tf.nn.relu),
    layers.Dense(10, activation=tf.nn.softmax)
])

model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(training_images, training_labels, epochs = 5)
test_loss = model.evaluate(test_images, test_labels)`;

// 000_48f9d4bcebae997b.txt lines 33-50
export const SEED0_LAB64 = py`mnist = tf.keras.datasets.fashion_mnist
(training_images, training_labels), (test_images, test_labels) = mnist.load_data()
training_images = training_images.reshape(len(training_images), 28, 28, 1)
training_images = training_images / 255.0
test_images = test_images.reshape(len(test_images), 28, 28, 1)
test_images = test_images / 255.0
model = tf.keras.models.Sequential([
    layers.Conv2D(64, (3,3), activation='relu', input_shape=(28,28,1)),
    layers.MaxPooling2D(2,2),
    layers.Conv2D(64, (3,3), activation='relu'),
    layers.MaxPooling2D(2,2),
    layers.Flatten(),
    layers.Dense(128, activation='relu'),
    layers.Dense(10, activation='softmax')
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.summary()
model.fit(training_images, training_labels, epochs=5)`;

// 000_48f9d4bcebae997b.txt lines 89-93
export const SEED0_CALLBACK = py`class mycallbacks(tf.keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs={}):
        if logs.get('accuracy') > 0.99:
            print("\nReached 99% accuracy so cancelling training!")
            self.model.stop_training = True`;

// 000_48f9d4bcebae997b.txt lines 96-114
export const SEED0_SINGLE_CONV = py`mnist = tf.keras.datasets.fashion_mnist
(training_images, training_labels), (test_images, test_labels) = mnist.load_data()
training_images = training_images.reshape(len(training_images), 28, 28, 1)
training_images = training_images / 255.0
test_images = test_images.reshape(len(test_images), 28, 28, 1)
test_images = test_images / 255.0

model = tf.keras.models.Sequential([
    layers.Conv2D(32, (3,3), activation='relu', input_shape=(28,28,1)),
    layers.MaxPooling2D(2,2),
    # layers.Conv2D(64, (3,3), activation='relu'),
    # layers.MaxPooling2D(2,2),
    layers.Flatten(),
    layers.Dense(128, activation='relu'),
    layers.Dense(10, activation='softmax')
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.summary()
model.fit(training_images, training_labels, epochs=20)`;

// 001_304c62526a8e4ebd.txt lines 35-41
export const SEED1_L3 = py`model = tf.keras.models.Sequential( [
${TAB}tf.keras.layers.Conv2D(64, ( 3,3 ) , activation = 'relu', input_shape = ( 28, 28,1) ),
    tf.keras.layers.MaxPooling2D( 2, 2 ),
    tf.keras.layers.Conv2D( 64, (3,3), activation = 'relu') ,
    tf.keras.layers.MaxPooling2D( 2, 2 ),
    tf.keras.layers.Dense( 128, activation='relu'),
    tf.keras.layers.Dense( 10, activation='softmax')`;

// 001_304c62526a8e4ebd.txt lines 67-77
export const SEED1_DNN = py`model = tf.keras.models.Sequential([
    tf.keras.layers.Dense( 128, activation = tf.nn.relu ),
    tf.keras.layers.Dense( 10 , activation = tf.nn.softmax )
    #Setup training parameters
    model.compile( optimizer = 'adam' , loss = 'sparse_categorical_crossentropy',metrics=['accuracy'])
    #Train the model
    print(f'\nMODEL TRAINING:')
    model.fit( training_images , training_labels, epochs=5 )
    # Evaluate on the test set
    print( f'\nMODEL EVALUATION:')
    test_loss = model.evaluate( test_images, test_labels)`;

// 001_304c62526a8e4ebd.txt lines 86-93
export const SEED1_KOREAN = py`model = tf.keras.models.Sequential([
${TAB}# Add convolutions and max pooling
    tf.keras.layers.Conv2D( 32, (3,3) , activation = 'relu' , input_shape = (28,28,1)),
    tf.keras.layers.Conv2D( 32, (3,3) ,activation = 'relu' ),
    tf.keras.layers.MaxPooling2D) 2,2),
    # Add the same layers as before
    tf.keras.layers.Dense( 128,activatoin='relu'),
    tf.keras.layers.Dense( 10, activation='softmax')`;

// 002_8d7927af6f17fb1a.txt lines 11-38
export const SEED2_DNN = py`import tensorflow as tf

# Load the Fashion MNIST dataset
fmnist = tf.keras.datasets.fashion_mnist
(training_images, training_labels), (test_images, test_labels) = fmnist.load_data()

# Normalize the pixel values
training_images = training_images / 255.0
test_images = test_images / 255.0


# Define the model
model = tf.keras.models.Sequential([
  tf.keras.layers.Flatten(),
  tf.keras.layers.Dense(128, activation=tf.nn.relu),
  tf.keras.layers.Dense(10, activation=tf.nn.softmax)
])

# Setup training parameters
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])

# Train the model
print(f'\nMODEL TRAINING:')
model.fit(training_images, training_labels, epochs=5)

# Evaluate on the test set
print(f'\nMODEL EVALUATION:')
test_loss = model.evaluate(test_images, test_labels)`;

// 002_8d7927af6f17fb1a.txt lines 52-79
export const SEED2_LAB = py`# Define the model
model = tf.keras.models.Sequential([

  # Add convolutions and max pooling
  tf.keras.layers.Conv2D(32, (3,3), activation='relu', input_shape=(28, 28, 1)),
  tf.keras.layers.MaxPooling2D(2, 2),
  tf.keras.layers.Conv2D(32, (3,3), activation='relu'),
  tf.keras.layers.MaxPooling2D(2,2),

  # Add the same layers as before
  tf.keras.layers.Flatten(),
  tf.keras.layers.Dense(128, activation='relu'),
  tf.keras.layers.Dense(10, activation='softmax')
])

# Print the model summary
model.summary()

# Use same settings
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])

# Train the model
print(f'\nMODEL TRAINING:')
model.fit(training_images, training_labels, epochs=5)

# Evaluate on the test set
print(f'\nMODEL EVALUATION:')
test_loss = model.evaluate(test_images, test_labels)`;

// 002_8d7927af6f17fb1a.txt lines 94-96, 100-102, 107-109
export const SEED2_WALKTHROUGH = py`model = tf.keras.models.Sequential([
  tf.keras.layers.Conv2D(32, (3,3), activation='relu', input_shape=(28, 28, 1)),
  tf.keras.layers.MaxPooling2D(2, 2),
  tf.keras.layers.Conv2D(64, (3,3), activation='relu'),
  tf.keras.layers.MaxPooling2D(2,2)
  tf.keras.layers.Flatten(),
  tf.keras.layers.Dense(128, activation='relu'),
  tf.keras.layers.Dense(10, activation='softmax')
])`;

// 003_0462c1d6f17efaf0.txt lines 54-61, 65-72, 83-86, 89-89
export const SEED3 = py`class myCallback(tf.keras.callbacks.Callback):
# Define the method that checks the accuracy at the end of each epoch
def on_epoch_end(self, epoch, logs={}):
if(logs.get('accuracy') > 0.995):#accuracyで判定する場合
# Stop if threshold is met
print("\nReached 99.5% accuracy so cancelling training!")
self.model.stop_training = True
pass
# Define the model
model = tf.keras.models.Sequential([
tf.keras.layers.Conv2D(32, (3,3), activation='relu', input_shape=(28, 28, 1)),
tf.keras.layers.MaxPooling2D(2, 2),
tf.keras.layers.Flatten(),
tf.keras.layers.Dense(128, activation='relu'),#隠れ層
tf.keras.layers.Dense(10, activation='softmax')#識別するラベルの数
])
# Compile the model
model.compile(optimizer='adam',
loss='sparse_categorical_crossentropy',
metrics=['accuracy'])
history = model.fit(training_images, training_labels, epochs=10, callbacks=[callbacks])`;

// 004_c90ce4b9f1a5805c.txt lines 13-43
export const SEED4_CIFAR = py`from keras.models import Sequential
from keras.optimizers import SGD
from keras.preprocessing.image import ImageDataGenerator
from keras.layers import BatchNormalization
from keras import regularizers
from keras.callbacks import LearningRateScheduler
from keras.layers import Dense, Dropout, Flatten, Conv2D, MaxPooling2D
model = Sequential()
model.add(Conv2D(32, (3, 3), activation='relu', padding='same', input_shape=(32, 32, 3))),
model.add(Conv2D(32, (3, 3), activation='relu', padding='same'))
model.add(MaxPooling2D(2, 2)),
model.add(Dropout(0.2))
model.add(Conv2D(64, (3, 3), activation='relu', padding='same')),
model.add(Conv2D(64, (3, 3), activation='relu', padding='same')),
model.add(MaxPooling2D(2, 2)),
model.add(Dropout(0.2))
model.add(Conv2D(128, (3, 3), activation='relu', padding='same')),
model.add(Conv2D(128, (3, 3), activation='relu', padding='same')),
model.add(MaxPooling2D(2, 2)),
model.add(Dropout(0.2))
model.add(Flatten()),
model.add(Dense(512, activation='relu')),
model.add(Dropout(0.5))
model.add(Dense(10, activation='softmax'))
model.summary()
model.compile(loss='categorical_crossentropy',
optimizer='adam',
metrics=['accuracy'])
hist = model.fit(x_train, y_train_one_hot,
batch_size=64, epochs=25,
validation_split=0.2, verbose=1)`;

// ---- helpers ----

export const conv = (filters, extra = {}) => ({ Conv2D: { filters, kernel_size: [3, 3], activation: 'relu', ...extra } });
export const pool = { MaxPooling2D: { pool_size: 2, strides: 2 } }; // MaxPooling2D(2, 2): pool_size, strides
export const head = [{ Dense: { units: 128, activation: 'relu' } }, { Dense: { units: 10, activation: 'softmax' } }];
export const courseCompile = { optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] };
export const fitFor = (epochs) => ({ epochs, batchSize: 32, validationSplit: 0 });

// A config with Keras's defaults written out, so that kernel_size 3 equals (3, 3) and
// 'MaxPooling2D' equals MaxPooling2D(2, 2): how "the same model" is judged against presets.mjs.
export function withDefaults(config) {
  const pair = (v) => (typeof v === 'number' ? [v, v] : v);
  const layers = config.layers.map((layer) => {
    const [cls, given] = typeof layer === 'string' ? [layer, {}] : Object.entries(layer)[0];
    const a = { ...given };
    if (cls === 'Conv2D') Object.assign(a, { kernel_size: pair(a.kernel_size), strides: pair(a.strides ?? 1), padding: a.padding ?? 'valid' });
    if (cls === 'MaxPooling2D') {
      a.pool_size = pair(a.pool_size ?? 2);
      Object.assign(a, { strides: pair(a.strides ?? a.pool_size), padding: a.padding ?? 'valid' });
    }
    return { [cls]: a };
  });
  return { ...config, layers };
}

export async function summaryOf(config, options) {
  const model = await createModel(config, options);
  try {
    return model.summary();
  } finally {
    model.dispose();
  }
}

export function parseError(source) {
  try {
    parseKerasPython(source);
  } catch (e) {
    assert.ok(e instanceof KerasSyntaxError, `not a KerasSyntaxError: ${e.stack}`);
    return e;
  }
  assert.fail(`no error for:\n${source}`);
}

export function assertError(source, message, line = undefined) {
  const e = parseError(source);
  assert.equal(e.message, message);
  if (line !== undefined) assert.equal(e.line, line);
  return e;
}
