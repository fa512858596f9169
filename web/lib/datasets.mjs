// Datasets as bytes: Fashion-MNIST (and any MNIST-format IDX pair, parsed by the engine); every
// other format, and the one entry point for all of them, is web/lib/data/load.mjs. gunzip is
// DecompressionStream (built into browsers and Node 20). Every error names the file it is about.

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
const FASHION_MNIST_NODE_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

// CIFAR-10's readers (binary batches, tarballs, pickles) are web/lib/data/cifar.mjs.
export { CIFAR10_CLASSES, parseCifar10 } from './data/cifar.mjs';
import { isGzip } from './data/files.mjs';

// The magic number is checked here, not left to DecompressionStream: its errors are zlib's
// ('incorrect header check') under Node and a bare TypeError in browsers, which say neither
// which file nor what is wrong with it.
async function gunzip(bytes, name) {
  if (bytes.length === 0) throw new Error(`${name}: the file is empty`);
  if (!isGzip(bytes)) throw new Error(`${name}: not a gzip file`);
  try {
    const out = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(out).arrayBuffer());
  } catch (e) {
    throw new Error(`${name}: truncated or corrupt gzip data`, { cause: e });
  }
}

function fileName(source) {
  return String(source).split(/[?#]/)[0].split('/').pop();
}

async function readBytes(source, name) {
  // Under Node a plain path or a file: URL is a file (Node's fetch cannot read file: URLs);
  // everything else, and every source in a browser, is fetched.
  const isFileUrl = source instanceof URL ? source.protocol === 'file:' : /^file:/.test(String(source));
  if (isNode && (isFileUrl || (typeof source === 'string' && !/^[a-z]+:/i.test(source)))) {
    const { readFile } = await import('node:fs/promises');
    const buffer = await readFile(typeof source === 'string' && isFileUrl ? new URL(source) : source);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  const response = await fetch(source);
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

// IDX data may arrive already decompressed: a browser undoes a server's Content-Encoding: gzip
// on its own, and some people gunzip the files. Raw IDX starts with 0x00 0x00 0x08.
async function readIdx(source) {
  const name = fileName(source);
  const bytes = await readBytes(source, name);
  const isRawIdx = bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0x08;
  return { name, bytes: isRawIdx ? bytes : await gunzip(bytes, name) };
}

// IDX files: the engine checks the header and the length (src/data/idx.cpp); the samples stay in
// the file's bytes, so a 47 MB training set never passes through the wasm heap (which would keep
// the ~94 MB it grew to for as long as the Worker lives).
export function parseIdxImages(engine, bytes, name) {
  const shape = engine.parseIdxImagesHeader(bytes.subarray(0, 16), bytes.length, name);
  return { count: shape.count, rows: shape.rows, cols: shape.cols, pixels: bytes.subarray(shape.offset) };
}

export function parseIdxLabels(engine, bytes, name) {
  const shape = engine.parseIdxLabelsHeader(bytes.subarray(0, 8), bytes.length, name);
  return bytes.subarray(shape.offset);
}

// Returns {images: Uint8Array (count*rows*cols), labels: Float32Array, count, rows, cols, channels: 1}.
export async function loadIdxPair(engine, imagesSource, labelsSource) {
  const [img, lab] = await Promise.all([readIdx(imagesSource), readIdx(labelsSource)]);
  const images = parseIdxImages(engine, img.bytes, img.name);
  const labels = parseIdxLabels(engine, lab.bytes, lab.name);
  if (images.count !== labels.length) {
    throw new Error(`${img.name} has ${images.count} images but ${lab.name} has ${labels.length} labels`);
  }
  return {
    images: images.pixels, labels: Float32Array.from(labels),
    count: images.count, rows: images.rows, cols: images.cols, channels: 1,
  };
}

// split: 'train' (60,000) or 'test' (10,000). base: a folder path (Node) or URL (browser).
export function loadFashionMnist(engine, split, base = FASHION_MNIST_NODE_DIR) {
  const prefix = split === 'test' ? 't10k' : 'train';
  return loadIdxPair(engine, `${base}/${prefix}-images-idx3-ubyte.gz`, `${base}/${prefix}-labels-idx1-ubyte.gz`);
}

// --- labels -----------------------------------------------------------------------------------

// keras.utils.to_categorical: one-hot rows (count x numClasses) as a Float32Array. Without
// numClasses, as in Keras, it is the largest label + 1.
export function toCategorical(labels, numClasses) {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new Error(`toCategorical: labels must be an array of class indices, got ${typeof labels === 'string' ? `'${labels}'` : String(labels)}`);
  }
  let max = -1;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!Number.isInteger(v)) throw new Error(`toCategorical: label ${typeof v === 'string' ? `'${v}'` : v} at index ${i} is not an integer`);
    if (v > max) max = v;
  }
  if (numClasses === undefined) {
    if (labels.length === 0) throw new Error('toCategorical: give numClasses; it cannot be inferred from no labels');
    numClasses = max + 1;
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new Error(`toCategorical: numClasses must be an integer >= 1, got ${numClasses}`);
  }
  const out = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v < 0 || v >= numClasses) throw new Error(`toCategorical: label ${v} at index ${i} is outside [0, ${numClasses})`);
    out[i * numClasses + v] = 1;
  }
  return out;
}
