// Fashion-MNIST (and any MNIST-format IDX pair): gunzip with DecompressionStream (built into
// browsers and Node 20), then the engine's IDX parser, whose errors name the file.

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
const FASHION_MNIST_NODE_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

async function gunzip(stream, name) {
  try {
    const out = stream.pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(out).arrayBuffer());
  } catch (e) {
    throw new Error(`${name}: not a valid gzip file (${e.message})`);
  }
}

async function openBytes(source, name) {
  // Under Node a plain path is a file; in a browser every source is a URL.
  if (isNode && typeof source === 'string' && !/^[a-z]+:/.test(source)) {
    const { openAsBlob } = await import('node:fs');
    return (await openAsBlob(source)).stream();
  }
  const response = await fetch(source);
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status} ${response.statusText}`);
  return response.body;
}

async function readIdx(source) {
  const name = String(source).split('/').pop();
  const bytes = await gunzip(await openBytes(source, name), name);
  return { name, bytes };
}

// Returns {images: Uint8Array (count*rows*cols), labels: Float32Array, count, rows, cols}.
export async function loadIdxPair(engine, imagesSource, labelsSource) {
  const [img, lab] = await Promise.all([readIdx(imagesSource), readIdx(labelsSource)]);
  const images = engine.parseIdxImages(img.bytes, img.name);
  const labels = engine.parseIdxLabels(lab.bytes, lab.name);
  if (images.count !== labels.length) {
    throw new Error(`${img.name} has ${images.count} images but ${lab.name} has ${labels.length} labels`);
  }
  return {
    images: images.pixels, labels: Float32Array.from(labels),
    count: images.count, rows: images.rows, cols: images.cols,
  };
}

// split: 'train' (60,000) or 'test' (10,000). base: a folder path (Node) or URL (browser).
export function loadFashionMnist(engine, split, base = FASHION_MNIST_NODE_DIR) {
  const prefix = split === 'test' ? 't10k' : 'train';
  return loadIdxPair(engine, `${base}/${prefix}-images-idx3-ubyte.gz`, `${base}/${prefix}-labels-idx1-ubyte.gz`);
}
