// NumPy arrays as datasets: .npy members of a Keras-style .npz (x_train, y_train, x_test,
// y_test, as keras.datasets.mnist's mnist.npz). The header is parsed by the engine
// (src/data/npy.cpp, fuzzed); the data is read here in place. Images: uint8 0-255 or float
// 0-1, shaped (N, H, W) or (N, H, W, C) with C = 1 or 3. Labels: integers (any int dtype, or
// floats that are whole numbers), shaped (N,) or (N, 1), or one-hot rows (N, classes).
import { DatasetError } from './files.mjs';

// The header fits in the first 64 KiB (numpy caps it there for version 1; 2 and 3 are rare).
const HEADER_PREFIX = 65536 + 12;

const shapeText = (shape) => `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;

export function parseNpy(engine, bytes, name) {
  let header;
  try {
    header = engine.parseNpyHeader(bytes.subarray(0, HEADER_PREFIX), bytes.length, name);
  } catch (e) {
    throw new DatasetError(e.message, { file: name });
  }
  return { ...header, name, bytes: bytes.subarray(header.dataOffset) };
}

const ARRAY = { i1: Int8Array, i2: Int16Array, i4: Int32Array, u2: Uint16Array, u4: Uint32Array, f4: Float32Array, f8: Float64Array };

// The values as a typed array (uint8/bool: a view; others: an aligned, native-endian copy).
// 64-bit integers become Float64Array, exact up to 2^53, which labels never reach.
export function npyValues(array) {
  const { kind, itemSize, bytes, count } = array;
  if (itemSize === 1 && kind !== 'i') return bytes;
  if (kind !== 'f' && itemSize === 8) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const v = kind === 'i' ? view.getBigInt64(i * 8, !array.bigEndian) : view.getBigUint64(i * 8, !array.bigEndian);
      out[i] = Number(v);
    }
    return out;
  }
  const Type = ARRAY[`${kind}${itemSize}`];
  if (!array.bigEndian) return new Type(bytes.slice().buffer, 0, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const get = { i2: 'getInt16', i4: 'getInt32', u2: 'getUint16', u4: 'getUint32', f4: 'getFloat32', f8: 'getFloat64' }[`${kind}${itemSize}`];
  return Type.from({ length: count }, (_, i) => view[get](i * itemSize, false));
}

// {images: Uint8Array | Float32Array, count, rows, cols, channels}. Floats that are exact
// multiples of 1/255 (bytes divided by 255, the course's `images / 255.0`) are stored back as
// bytes: a quarter of the memory, and the engine scales bytes by 1/255 itself.
export function npyImages(array) {
  const { shape, name, descr } = array;
  let [count, rows, cols, channels = 1] = shape;
  if (shape.length === 4 && [1, 3].includes(shape[1]) && ![1, 3].includes(shape[3])) {
    throw new DatasetError(`${name}: images of shape ${shapeText(shape)} are channels-first; convlab reads channels-last (N, H, W, C), as Keras does: use np.transpose(x, (0, 2, 3, 1))`, { file: name, code: 'dataset.npy-shape' });
  }
  if (!(shape.length === 3 || (shape.length === 4 && [1, 3].includes(channels))) || count === 0 || rows === 0 || cols === 0) {
    throw new DatasetError(`${name}: images of shape ${shapeText(shape)}; expected (N, H, W) or (N, H, W, C) with C = 1 or 3`, { file: name, code: 'dataset.npy-shape' });
  }
  if (descr.endsWith('u1')) return { images: array.bytes, count, rows, cols, channels };
  if (array.kind !== 'f') {
    throw new DatasetError(`${name}: images of dtype ${descr}; expected uint8 (0-255) or float (0-1)`, { file: name, code: 'dataset.npy-dtype' });
  }
  const values = npyValues(array);
  let exactBytes = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0 && v <= 1)) {
      throw new DatasetError(`${name}: float images must hold values in 0-1, found ${v} at index ${i}${v > 1 ? ' (divide by 255 first, or save uint8)' : ''}`, { file: name, code: 'dataset.npy-range' });
    }
    if (exactBytes && Math.abs(v * 255 - Math.round(v * 255)) > 1e-4) exactBytes = false;
  }
  const images = exactBytes ? Uint8Array.from(values, (v) => Math.round(v * 255)) : Float32Array.from(values);
  return { images, count, rows, cols, channels };
}

// Float32Array of class indices, one per sample.
export function npyLabels(array) {
  const { shape, name, descr } = array;
  if (array.kind === 'b') throw new DatasetError(`${name}: labels of dtype ${descr} (bool); expected integer class indices`, { file: name, code: 'dataset.npy-dtype' });
  const values = npyValues(array);
  const oneHot = shape.length === 2 && shape[1] > 1;
  if (!(shape.length === 1 || (shape.length === 2 && shape[0] > 0))) {
    throw new DatasetError(`${name}: labels of shape ${shapeText(shape)}; expected (N,), (N, 1) or one-hot (N, classes)`, { file: name, code: 'dataset.npy-shape' });
  }
  const count = shape[0];
  const labels = new Float32Array(count);
  if (oneHot) {
    const width = shape[1];
    for (let i = 0; i < count; i++) {
      let hot = -1;
      for (let c = 0; c < width; c++) {
        const v = values[i * width + c];
        if (v !== 0 && v !== 1) throw new DatasetError(`${name}: row ${i} of the (N, ${width}) labels is not one-hot (value ${v})`, { file: name, code: 'dataset.labels' });
        if (v === 1) {
          if (hot >= 0) throw new DatasetError(`${name}: row ${i} of the (N, ${width}) labels has more than one 1`, { file: name, code: 'dataset.labels' });
          hot = c;
        }
      }
      if (hot < 0) throw new DatasetError(`${name}: row ${i} of the (N, ${width}) labels has no 1`, { file: name, code: 'dataset.labels' });
      labels[i] = hot;
    }
    return { labels, classes: width };
  }
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v > 65535) {
      throw new DatasetError(`${name}: label ${v} at index ${i} is not a class index (an integer >= 0)`, { file: name, code: 'dataset.labels' });
    }
    labels[i] = v;
  }
  return { labels, classes: null };
}
