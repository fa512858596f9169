// One entry point for every dataset, shared by the Worker and the CLI:
//   loadDataset(engine, {name: 'mnist' | 'fashion-mnist'})              the built-in ones
//   loadDataset(engine, {files: [File | Blob | {name, path, blob} | {name, bytes}], folders})
// Files are recognised by content and name: a Keras .npz; IDX pairs (raw or .gz); CIFAR-10's
// cifar-10-binary.tar.gz, cifar-10-python.tar.gz or data_batch_N.bin / test_batch.bin; a zip or a
// folder of images with one sub-folder per class. Returns
//   {name, title, classes: [names], shape: [H, W, C], train, test, skipped: [{file, reason}]}
// with train/test = {images: Uint8Array | Float32Array, labels: Float32Array, count, rows, cols,
// channels}, the shape the Worker has always used. Everything is checked here, before any
// training: every failure is a DatasetError whose message is one sentence naming the file.
import { FASHION_MNIST_CLASSES, parseIdxImages, parseIdxLabels } from '../datasets.mjs';
import { DatasetError, DEFAULT_MAX_BYTES, asFile, checkSize, gunzipAll, head, isGzip, isZip, readAll, unzip } from './files.mjs';
import { npyImages, npyLabels, parseNpy } from './npy.mjs';
import { CIFAR10_CLASSES, readCifarBins, readCifarTar } from './cifar.mjs';
import { readImageFolder, IMAGE_EXTENSIONS } from './images.mjs';
import { splitIndices } from './split.mjs';

export { DatasetError };

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
const digits = Array.from({ length: 10 }, (_, i) => String(i));

export const BUILTIN_DATASETS = {
  mnist: { title: 'MNIST digits', classes: digits, shape: [28, 28, 1], url: new URL('../../data/mnist/', import.meta.url) },
  'fashion-mnist': {
    title: 'Fashion-MNIST', classes: FASHION_MNIST_CLASSES, shape: [28, 28, 1],
    // Node reads Debian's dataset-fashion-mnist; the page's server mounts it at data/fashion-mnist/.
    url: isNode ? new URL('file:///usr/share/datasets/fashion-mnist/') : new URL('../../data/fashion-mnist/', import.meta.url),
  },
};

const IDX_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

async function fetchFile(url) {
  const name = url.pathname.split('/').pop();
  if (url.protocol === 'file:') {
    const { openAsBlob } = await import('node:fs');
    try {
      return { name, path: name, blob: await openAsBlob(url) };
    } catch (e) {
      throw new DatasetError(`${name}: cannot be read (${e.code === 'ENOENT' ? 'no such file' : e.message})`, { file: name, code: 'dataset.missing' });
    }
  }
  const response = await fetch(url);
  if (!response.ok) throw new DatasetError(`${name}: HTTP ${response.status} ${response.statusText}`, { file: name, code: 'dataset.missing' });
  return { name, path: name, blob: await response.blob() };
}

// source: {name, base?} or {files, folders?}. options: maxBytes, and for image folders
// imageShape [H, W, C] (the model's input), testSplit (0.2), seed (1), decodeImage.
export async function loadDataset(engine, source, options = {}) {
  if (source?.name && !source.files) {
    const builtin = BUILTIN_DATASETS[source.name];
    if (!builtin) throw new DatasetError(`unknown dataset '${source.name}' (built in: ${Object.keys(BUILTIN_DATASETS).join(', ')})`, { code: 'dataset.unknown' });
    const base = source.base ? new URL(source.base.endsWith('/') ? source.base : `${source.base}/`, isNode ? `file://${process.cwd()}/` : globalThis.location?.href) : builtin.url;
    const files = await Promise.all(IDX_FILES.map((f) => fetchFile(new URL(f, base))));
    const data = { ...await readIdxFiles(engine, files.map(asFile), options), title: builtin.title, classes: builtin.classes };
    checkLabels(data);
    return { ...data, name: source.name, skipped: [] };
  }
  if (!Array.isArray(source?.files) || source.files.length === 0) {
    throw new DatasetError('loadDataset: give {name: "mnist"} or {files: [...]} (one or more files)', { code: 'dataset.none' });
  }
  const files = source.files.map(asFile);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  for (const f of files) checkSize(f, maxBytes);
  const data = await readFiles(engine, files, source.folders ?? [], options);
  checkLabels(data);
  return { skipped: [], ...data, name: data.name ?? files[0].name };
}

const lower = (f) => f.name.toLowerCase();
const IDX_NAME = /idx[13]-ubyte(\.gz)?$|-ubyte(\.gz)?$/;
const BIN_NAME = /^(data_batch_\d+|test_batch)\.bin(\.gz)?$/;

async function readFiles(engine, files, folders, options) {
  if (files.length === 1) {
    const [file] = files;
    const name = lower(file);
    const start = await head(file, 512);
    if (name.endsWith('.npz') || (isZip(start) && !name.endsWith('.zip'))) return readNpz(engine, file, options);
    if (isZip(start)) return readZip(engine, file, options);
    if (/\.(tar\.gz|tgz|tar)$/.test(name) || isTar(start)) return readCifarTar(file);
    if (BIN_NAME.test(name)) return readCifarBins(files);
    if (IDX_NAME.test(name)) {
      throw new DatasetError(`${file.name}: an IDX file needs its partner; give the images and the labels file together (e.g. train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz)`, { file: file.name, code: 'dataset.missing' });
    }
    if (name.endsWith('.npy')) {
      throw new DatasetError(`${file.name}: a lone .npy has no labels; give a .npz with x_train and y_train (np.savez('data.npz', x_train=..., y_train=..., x_test=..., y_test=...))`, { file: file.name, code: 'dataset.missing' });
    }
  }
  if (files.every((f) => IDX_NAME.test(lower(f)))) return readIdxFiles(engine, files, options);
  if (files.every((f) => BIN_NAME.test(lower(f)))) return readCifarBins(files);
  if (files.some((f) => IMAGE_EXTENSIONS.test(f.path))) return readImageFolder(files, { ...options, folders });
  const file = files.find((f) => !IDX_NAME.test(lower(f)) && !BIN_NAME.test(lower(f))) ?? files[0];
  throw new DatasetError(`${file.name}: not a dataset convlab reads (a Keras .npz, an IDX pair, CIFAR-10's .tar.gz or .bin batches, or a folder or zip of images with one sub-folder per class)`, { file: file.name, code: 'dataset.unknown' });
}

function isTar(block) {
  return block.length >= 262 && String.fromCharCode(...block.subarray(257, 262)) === 'ustar';
}

// --- IDX --------------------------------------------------------------------------------------

async function idxBytes(file) {
  const start = await head(file, 4);
  return isGzip(start) ? gunzipAll(file) : readAll(file);
}

const idxKey = (f) => f.name.replace(/\.gz$/, '').replace(/[-_.]?(images?|labels?)[-_.]?idx[13][-_.]ubyte$/, '').replace(/-ubyte$/, '');

async function readIdxFiles(engine, files, options = {}) {
  const groups = new Map();
  for (const file of files) {
    const bytes = await idxBytes(file);
    const magic = bytes.length >= 4 ? ((bytes[2] << 8) | bytes[3]) : -1;
    const kind = bytes[0] === 0 && bytes[1] === 0 && magic === 0x0803 ? 'images' : bytes[0] === 0 && bytes[1] === 0 && magic === 0x0801 ? 'labels' : null;
    if (!kind) throw new DatasetError(`${file.name}: not an IDX images or labels file (wrong magic number)`, { file: file.name, code: 'dataset.corrupt' });
    const key = idxKey(file);
    if (!groups.has(key)) groups.set(key, {});
    const group = groups.get(key);
    try {
      if (kind === 'images') {
        const img = parseIdxImages(engine, bytes, file.name);
        group.images = { file: file.name, images: img.pixels, count: img.count, rows: img.rows, cols: img.cols };
      } else {
        group.labels = { file: file.name, labels: Float32Array.from(parseIdxLabels(engine, bytes, file.name)) };
      }
    } catch (e) {
      throw new DatasetError(e.message, { file: file.name, code: 'dataset.corrupt' });
    }
  }
  const splits = {};
  for (const [key, g] of groups) {
    if (!g.images || !g.labels) {
      const have = (g.images ?? g.labels).file;
      throw new DatasetError(`${have}: its ${g.images ? 'labels' : 'images'} file is missing (give both files of the pair)`, { file: have, code: 'dataset.missing' });
    }
    if (g.images.count !== g.labels.labels.length) {
      throw new DatasetError(`${g.images.file} has ${g.images.count} images but ${g.labels.file} has ${g.labels.labels.length} labels`, { file: g.images.file, code: 'dataset.count' });
    }
    const split = /(^|[-_.])(t10k|test)([-_.]|$)/.test(key) ? 'test' : 'train';
    if (splits[split]) throw new DatasetError(`${g.images.file}: two ${split} pairs (${splits[split].file} and ${g.images.file}); give one`, { file: g.images.file, code: 'dataset.count' });
    splits[split] = { file: g.images.file, images: g.images.images, labels: g.labels.labels, count: g.images.count, rows: g.images.rows, cols: g.images.cols, channels: 1 };
  }
  if (!splits.train) throw new DatasetError(`${splits.test.file}: only a test pair; give the training pair too`, { file: splits.test.file, code: 'dataset.missing' });
  const title = /fashion/i.test(files[0].name) ? 'Fashion-MNIST' : files[0].name.replace(/[-_.]?(train|t10k|test).*$/i, '') || 'IDX';
  return withTest({ title, shape: [splits.train.rows, splits.train.cols, 1], train: splits.train, test: splits.test ?? null }, options);
}

// --- .npz ---------------------------------------------------------------------------------------

async function readNpz(engine, file, options = {}) {
  const members = await unzip(await readAll(file), file.name, (path) => path.endsWith('.npy'));
  const names = Object.keys(members);
  const array = (key) => {
    const path = names.find((n) => n === `${key}.npy` || n.endsWith(`/${key}.npy`));
    return path ? parseNpy(engine, members[path], `${key}.npy in ${file.name}`) : null;
  };
  const xTrain = array('x_train'), yTrain = array('y_train');
  if (!xTrain || !yTrain) {
    throw new DatasetError(`${file.name}: no ${xTrain ? 'y_train' : 'x_train'} array (it holds ${names.map((n) => n.replace(/\.npy$/, '')).join(', ') || 'no .npy arrays'}; Keras's layout is x_train, y_train, x_test, y_test)`, { file: file.name, code: 'dataset.npz-keys' });
  }
  const split = (x, y) => {
    const images = npyImages(x);
    const { labels, classes } = npyLabels(y);
    if (labels.length !== images.count) {
      throw new DatasetError(`${file.name}: ${x.name.split(' ')[0]} has ${images.count} images but ${y.name.split(' ')[0]} has ${labels.length} labels`, { file: file.name, code: 'dataset.count' });
    }
    return { ...images, labels, oneHotWidth: classes };
  };
  const train = split(xTrain, yTrain);
  const xTest = array('x_test'), yTest = array('y_test');
  if (Boolean(xTest) !== Boolean(yTest)) throw new DatasetError(`${file.name}: has ${xTest ? 'x_test but no y_test' : 'y_test but no x_test'}`, { file: file.name, code: 'dataset.npz-keys' });
  const test = xTest ? split(xTest, yTest) : null;
  if (test && (test.rows !== train.rows || test.cols !== train.cols || test.channels !== train.channels)) {
    throw new DatasetError(`${file.name}: x_test's images are ${test.rows}×${test.cols}×${test.channels} but x_train's are ${train.rows}×${train.cols}×${train.channels}`, { file: file.name, code: 'dataset.npy-shape' });
  }
  const shape = [train.rows, train.cols, train.channels];
  const title = file.name.replace(/\.npz$/i, '');
  return withTest({ title, shape, train, test }, options);
}

// --- zips of images -------------------------------------------------------------------------------

async function readZip(engine, file, options) {
  const folders = [];
  const members = await unzip(await readAll(file), file.name, (path) => {
    return IMAGE_EXTENSIONS.test(path) || path.endsWith('.npy');
  });
  const paths = Object.keys(members);
  if (paths.some((p) => p.endsWith('.npy'))) return readNpz(engine, file, options);
  // fflate's filter never shows directory entries, so the folders come from the image paths;
  // an empty class folder in a zip cannot be seen and is simply not a class.
  const files = paths.map((path) => ({ name: path.split('/').pop(), path, size: members[path].length, blob: new Blob([members[path]]) }));
  if (files.length === 0) {
    throw new DatasetError(`${file.name}: no PNG, JPEG or WebP images and no .npy arrays in the zip`, { file: file.name, code: 'dataset.unknown' });
  }
  return readImageFolder(files, { ...options, folders, title: file.name.replace(/\.zip$/i, '') });
}

// --- checks shared by every format ----------------------------------------------------------------

// Datasets without a test split get one: a seeded 20 % of the training samples (testSplit).
function withTest(data, { testSplit = 0.2, seed = 1 } = {}) {
  if (data.test) return data;
  const { train, test } = splitIndices(data.train.count, testSplit, seed);
  return { ...data, train: gather(data.train, train), test: gather(data.train, test) };
}

function gather(split, indices) {
  const size = split.rows * split.cols * split.channels;
  const images = new split.images.constructor(indices.length * size);
  const labels = new Float32Array(indices.length);
  indices.forEach((s, i) => {
    images.set(split.images.subarray(s * size, (s + 1) * size), i * size);
    labels[i] = split.labels[s];
  });
  return { ...split, images, labels, count: indices.length };
}

function maxLabel(labels) {
  let max = -1;
  for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i];
  return max;
}

// Class names: the reader's, or 0..max label; a label past the names, or past a one-hot width, is
// refused here with the file that holds it.
function checkLabels(data) {
  const { train, test } = data;
  const found = Math.max(maxLabel(train.labels), test ? maxLabel(test.labels) : -1) + 1;
  const declared = data.classes?.length ?? train.oneHotWidth ?? null;
  if (declared !== null && found > declared) {
    const where = maxLabel(train.labels) + 1 > declared ? train : test;
    const file = where.file ?? data.title;
    throw new DatasetError(`${file}: label ${found - 1} is outside the dataset's ${declared} classes (0..${declared - 1})`, { file, code: 'dataset.labels', params: { label: found - 1, classes: declared } });
  }
  if (!data.classes) {
    const count = declared ?? found;
    const standard = count === 10 && data.shape[2] === 3 && data.shape[0] === 32 ? CIFAR10_CLASSES : count === 10 && /fashion/i.test(data.title) ? FASHION_MNIST_CLASSES : null;
    data.classes = standard ?? Array.from({ length: count }, (_, i) => String(i));
  }
  // The file's labels were one-hot rows (kept as indices): Keras would refuse a sparse loss on them.
  data.oneHot = Boolean(train.oneHotWidth);
  delete train.oneHotWidth;
  if (test) delete test.oneHotWidth;
}

// --- model against dataset ----------------------------------------------------------------------

const dims = (shape) => shape.join('×');

// null when a model (a convlab Model, or {inputShape: [H, W, C], outputUnits}) can train on the
// dataset; else {code, params, message} for the page to render:
//   dataset.mismatch: the input shape differs (params: model, dataset, datasetShape)
//   dataset.classes: fewer output units than the dataset has classes (params: units, classes, dataset)
export function checkModelFits(model, dataset) {
  const inputShape = model.inputShape;
  const units = model.outputUnits ?? model.outputSize;
  const shape = dataset.shape;
  const title = dataset.title ?? dataset.name;
  const same = inputShape.length === shape.length && inputShape.every((d, i) => d === shape[i]);
  if (!same) {
    return {
      code: 'dataset.mismatch',
      params: { model: dims(inputShape), dataset: title, datasetShape: dims(shape) },
      message: `this model takes ${dims(inputShape)} images; ${title} ${/s$/.test(title) ? 'are' : 'is'} ${dims(shape)}: choose a dataset of ${dims(inputShape)} images or change input_shape to (${shape.join(', ')})`,
    };
  }
  const classes = dataset.classes.length;
  if (units < classes) {
    return {
      code: 'dataset.classes',
      params: { units, classes, dataset: title },
      message: `this model's last layer has ${units} units; ${title} has ${classes} classes: change the last Dense layer to units=${classes}`,
    };
  }
  return null;
}

// For a preview grid per class: each class's name, its count in the training split and the
// indices of its first `perClass` training images (in file order).
export function classSamples(dataset, perClass = 8) {
  const out = dataset.classes.map((name) => ({ name, count: 0, indices: [] }));
  const labels = dataset.train.labels;
  for (let i = 0; i < labels.length; i++) {
    const c = out[labels[i]];
    c.count++;
    if (c.indices.length < perClass) c.indices.push(i);
  }
  return out;
}
