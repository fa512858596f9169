// The course's models as terse Keras configs (see src/model/keras_config.hpp for the format).
const conv = (filters, extra = {}) => ({ Conv2D: { filters, kernel_size: 3, activation: 'relu', ...extra } });
const pool = 'MaxPooling2D';
const head = [{ Dense: { units: 128, activation: 'relu' } }, { Dense: { units: 10, activation: 'softmax' } }];
const mnist = [28, 28, 1];

export const PRESETS = {
  // Flatten-Dense128-Dense10, the course's first network.
  dnn: { input_shape: mnist, layers: ['Flatten', ...head] },
  // The lab CNN: Conv2D(32)-MaxPool-Conv2D(32)-MaxPool-Flatten-Dense128-Dense10.
  lab: { input_shape: mnist, layers: [conv(32), pool, conv(32), pool, 'Flatten', ...head] },
  lab64: { input_shape: mnist, layers: [conv(64), pool, conv(64), pool, 'Flatten', ...head] },
  'single-conv': { input_shape: mnist, layers: [conv(32), pool, 'Flatten', ...head] },
  'double-conv-one-pool': { input_shape: mnist, layers: [conv(32), conv(32), pool, 'Flatten', ...head] },
  // The Dropout/BatchNormalization seed's CIFAR-10 model (32x32x3 inputs).
  'cifar-bn-dropout': {
    input_shape: [32, 32, 3],
    layers: [
      conv(32, { padding: 'same' }), conv(32, { padding: 'same' }), pool, { Dropout: { rate: 0.2 } },
      conv(64, { padding: 'same' }), conv(64, { padding: 'same' }), pool, { Dropout: { rate: 0.2 } },
      conv(128, { padding: 'same' }), conv(128, { padding: 'same' }), pool, { Dropout: { rate: 0.2 } },
      'Flatten', { Dense: { units: 512, activation: 'relu' } }, { Dropout: { rate: 0.5 } },
      { Dense: { units: 10, activation: 'softmax' } },
    ],
  },
};
