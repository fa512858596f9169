// One step of a Conv2D or MaxPooling2D layer at one output position, from the engine's own
// numbers: its input (the previous layer's output, or the image), its trained kernel and bias.
// The step-through panel shows these products, their sum, the bias and the activation, and its
// test checks them against the engine's output pixel: this module forms the products only to
// show them, it is not a second implementation the page relies on. Pure: no DOM, no engine.
//
// Layouts are Keras's: input HWC (one image), kernel HWIO ([kh, kw, cin, filters]).
// Geometry is TensorFlow's (src/kernels/geometry.hpp): 'valid' out = floor((in - k) / s) + 1;
// 'same' out = ceil(in / s), padding total (out - 1)·s + k − in, half of it (rounded down)
// before. Padded cells are zeros for a convolution and take no part in a max.

export function window1d(size, k, stride, padding) {
  if (padding === 'same') {
    const out = Math.ceil(size / stride);
    return { out, padBefore: Math.floor(Math.max((out - 1) * stride + k - size, 0) / 2) };
  }
  return { out: size >= k ? Math.floor((size - k) / stride) + 1 : 0, padBefore: 0 };
}

const pair = (v, fallback) => (v == null ? fallback : Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v]);

// What a step needs from a layer's Keras config ({class_name}'s config as the engine's
// toJSON() writes it). null for a layer that has no sliding window.
export function stepConfig(className, config = {}) {
  if (className === 'Conv2D') {
    return {
      kind: 'conv', window: pair(config.kernel_size), strides: pair(config.strides, [1, 1]),
      padding: config.padding ?? 'valid', activation: config.activation ?? 'linear', useBias: config.use_bias !== false,
    };
  }
  if (className === 'MaxPooling2D' || className === 'MaxPool2D') {
    const window = pair(config.pool_size, [2, 2]);
    return { kind: 'pool', window, strides: pair(config.strides, window), padding: config.padding ?? 'valid' };
  }
  return null;
}

// Output size and padding of a window over an [h, w, c] input.
export function geometry(inputShape, { window: [kh, kw], strides: [sh, sw], padding }) {
  const rows = window1d(inputShape[0], kh, sh, padding);
  const cols = window1d(inputShape[1], kw, sw, padding);
  return { outH: rows.out, outW: cols.out, padTop: rows.padBefore, padLeft: cols.padBefore };
}

// The window's cells at output (row, col): [{ky, kx, iy, ix, inside}] row by row.
export function windowCells(inputShape, layer, row, col) {
  const g = geometry(inputShape, layer);
  const [kh, kw] = layer.window;
  if (!(Number.isInteger(row) && Number.isInteger(col) && row >= 0 && col >= 0 && row < g.outH && col < g.outW)) {
    throw new RangeError(`position (${row}, ${col}) is outside the ${g.outH}×${g.outW} output`);
  }
  const top = row * layer.strides[0] - g.padTop, left = col * layer.strides[1] - g.padLeft;
  const cells = [];
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const iy = top + ky, ix = left + kx;
      cells.push({ ky, kx, iy, ix, inside: iy >= 0 && ix >= 0 && iy < inputShape[0] && ix < inputShape[1] });
    }
  }
  return { top, left, cells };
}

const ACTIVATIONS = {
  linear: (z) => z,
  relu: (z) => Math.max(0, z),
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  tanh: Math.tanh,
};
// null where the activation is not one value's function (softmax mixes the filters).
export const activate = (name, z) => (ACTIVATIONS[name] ? ACTIVATIONS[name](z) : null);

// A Conv2D step: for every window cell and input channel the input value (0 in the padding),
// the kernel's weight and their product; the sum of all products, the bias and the activated
// value. products[(cell * cin) + ci], as HWIO orders the kernel.
export function convStep({ input, inputShape, kernel, kernelShape, bias, filter, layer, row, col }) {
  const [, w, c] = inputShape;
  const [kh, kw, cin, filters] = kernelShape;
  if (cin !== c || kh !== layer.window[0] || kw !== layer.window[1]) {
    throw new RangeError(`kernel ${kernelShape.join('×')} does not fit input ${inputShape.join('×')} and window ${layer.window.join('×')}`);
  }
  if (!(Number.isInteger(filter) && filter >= 0 && filter < filters)) throw new RangeError(`filter ${filter} out of range (${filters} filters)`);
  const { top, left, cells } = windowCells(inputShape, layer, row, col);
  const n = cells.length * cin;
  const values = new Float64Array(n), weights = new Float64Array(n), products = new Float64Array(n);
  let sum = 0;
  cells.forEach((cell, p) => {
    for (let ci = 0; ci < cin; ci++) {
      const j = p * cin + ci;
      values[j] = cell.inside ? input[(cell.iy * w + cell.ix) * c + ci] : 0;
      weights[j] = kernel[(p * cin + ci) * filters + filter];
      products[j] = values[j] * weights[j];
      sum += products[j];
    }
  });
  const b = layer.useBias && bias ? bias[filter] : 0;
  const preActivation = sum + b;
  return { kind: 'conv', row, col, top, left, cells, channels: cin, values, weights, products, count: n, sum, bias: b, preActivation, activation: layer.activation, output: activate(layer.activation, preActivation) };
}

// A MaxPooling2D step on one channel: the window's values (null in the padding), the max and
// the cell it came from (the first of equal maxima, row by row, as the engine's loop keeps).
export function poolStep({ input, inputShape, channel, layer, row, col }) {
  const [, w, c] = inputShape;
  if (!(Number.isInteger(channel) && channel >= 0 && channel < c)) throw new RangeError(`channel ${channel} out of range (${c} channels)`);
  const { top, left, cells } = windowCells(inputShape, layer, row, col);
  const values = cells.map((cell) => (cell.inside ? input[(cell.iy * w + cell.ix) * c + channel] : null));
  let from = -1;
  values.forEach((v, i) => { if (v !== null && (from < 0 || v > values[from])) from = i; });
  return { kind: 'pool', row, col, top, left, cells, values, count: values.filter((v) => v !== null).length, output: from < 0 ? null : values[from], from: from < 0 ? null : cells[from] };
}

// Output positions in reading order, for stepping: the one `delta` steps after (row, col),
// wrapping around the map.
export function movePosition({ row, col }, delta, outH, outW) {
  const total = outH * outW;
  const i = ((((row * outW + col) + delta) % total) + total) % total;
  return { row: Math.floor(i / outW), col: i % outW };
}

// The engine's value at (row, col, channel) of an HWC output.
export const pixelAt = (data, [, w, c], row, col, channel) => data[(row * w + col) * c + channel];
