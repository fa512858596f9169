// CIFAR-10 as its site ships it: cifar-10-binary.tar.gz (streamed: gunzip -> tar walker ->
// records converted as they arrive, so only the decoded images are held) or the extracted
// data_batch_N.bin / test_batch.bin files; and Keras's cifar-10-python.tar.gz (the same images
// as pickles, read by the restricted reader in pickle.mjs).
// Binary records: a label byte, then the red, green and blue 32x32 planes; the engine wants
// channels last, so the planes are interleaved into NHWC.
import { DatasetError, eachChunk, isGzip } from './files.mjs';
import { TarWalker } from './tar.mjs';
import { readPickle, cifarBatchFromPickle } from './pickle.mjs';

export const CIFAR10_CLASSES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];

const SIDE = 32;
const PIXELS = SIDE * SIDE * 3;
const RECORD = 1 + PIXELS;  // 3073
const TRAIN_BATCHES = 5;

const BIN_MEMBER = /(?:^|\/)(data_batch_(\d+)|test_batch)\.bin$/;
const PY_MEMBER = /(?:^|\/)cifar-10-batches-py\/(data_batch_(\d+)|test_batch)$/;
const CIFAR100_MEMBER = /(?:^|\/)cifar-100-(binary|python)\//;

// Converts records into images[at...] / labels[at...] as bytes arrive in pieces of any size.
function recordSink(name, images, labels, first, count) {
  const record = new Uint8Array(RECORD);
  let filled = 0, done = 0;
  const convert = (r) => {
    const label = r[0];
    const i = first + done;
    if (label > 9) throw new DatasetError(`${name}: record ${done} has label ${label}, outside 0..9`, { file: name, code: 'dataset.labels' });
    labels[i] = label;
    const out = i * PIXELS;
    for (let ch = 0; ch < 3; ch++) {
      const plane = 1 + ch * 1024;
      for (let p = 0; p < 1024; p++) images[out + p * 3 + ch] = r[plane + p];
    }
    done++;
  };
  return {
    data(chunk) {
      let at = 0;
      if (filled > 0) {
        const n = Math.min(RECORD - filled, chunk.length);
        record.set(chunk.subarray(0, n), filled);
        filled += n;
        at = n;
        if (filled < RECORD) return;
        convert(record);
        filled = 0;
      }
      while (chunk.length - at >= RECORD) {
        convert(chunk.subarray(at, at + RECORD));
        at += RECORD;
      }
      if (at < chunk.length) {
        record.set(chunk.subarray(at), 0);
        filled = chunk.length - at;
      }
    },
    end() {
      if (done !== count || filled !== 0) throw new DatasetError(`${name}: truncated (${done} of ${count} records)`, { file: name, code: 'dataset.corrupt' });
    },
  };
}

function recordCount(name, size, hint = '') {
  if (size === 0) throw new DatasetError(`${name}: the file is empty`, { file: name });
  if (size % RECORD !== 0) {
    if (!hint && size % (RECORD + 1) === 0) hint = '; its length fits 3074-byte CIFAR-100 records (two label bytes), which this loader does not read';
    throw new DatasetError(`${name}: ${size} bytes is not a whole number of ${RECORD}-byte CIFAR-10 records${hint}`, { file: name, code: 'dataset.corrupt' });
  }
  return size / RECORD;
}

// One whole batch's bytes (data_batch_N.bin, test_batch.bin) as
// {images: Uint8Array (count*32*32*3), labels: Float32Array, count, rows, cols, channels}.
export function parseCifar10(bytes, name = 'CIFAR-10 batch') {
  if (!(bytes instanceof Uint8Array)) throw new DatasetError(`${name}: expected the file's bytes as a Uint8Array`, { file: name });
  let hint = '';
  if (isGzip(bytes)) hint = '; it is gzip-compressed, so gunzip it first';
  else if (bytes.length >= 262 && String.fromCharCode(...bytes.subarray(257, 262)) === 'ustar') {
    hint = '; it is a tar archive: extract the data_batch_N.bin and test_batch.bin files from it';
  }
  const count = recordCount(name, bytes.length, hint);
  const images = new Uint8Array(count * PIXELS), labels = new Float32Array(count);
  const sink = recordSink(name, images, labels, 0, count);
  sink.data(bytes);
  sink.end();
  return split({ images, labels, count });
}

// Collects batches; the training batches 1..5 of the first one's size share one buffer, so
// CIFAR-10's 50,000 training images are written once, in batch order, and never copied.
class Batches {
  constructor() {
    this.slotRecords = 0;
    this.train = null;     // {images, labels, filled: Set}
    this.extra = [];       // other training batches: {index, images, labels, count}
    this.test = [];
  }

  open(name, kind, index, count) {
    if (kind === 'test') {
      const part = { images: new Uint8Array(count * PIXELS), labels: new Float32Array(count), count };
      this.test.push(part);
      return recordSink(name, part.images, part.labels, 0, count);
    }
    if (index >= 1 && index <= TRAIN_BATCHES && (this.train === null || count === this.slotRecords) && !this.train?.filled.has(index)) {
      if (this.train === null) {
        this.slotRecords = count;
        this.train = { images: new Uint8Array(TRAIN_BATCHES * count * PIXELS), labels: new Float32Array(TRAIN_BATCHES * count), filled: new Set() };
      }
      this.train.filled.add(index);
      return recordSink(name, this.train.images, this.train.labels, (index - 1) * count, count);
    }
    const part = { index, images: new Uint8Array(count * PIXELS), labels: new Float32Array(count), count };
    this.extra.push(part);
    return recordSink(name, part.images, part.labels, 0, count);
  }

  // Parts in batch order as {images, labels, count}; the shared buffer is returned as it stands
  // when all five slots are filled and nothing else came.
  static join(parts) {
    if (parts.length === 0) return null;
    if (parts.length === 1) return split(parts[0]);
    const count = parts.reduce((n, p) => n + p.count, 0);
    const images = new Uint8Array(count * PIXELS), labels = new Float32Array(count);
    let at = 0;
    for (const p of parts) {
      images.set(p.images.subarray(0, p.count * PIXELS), at * PIXELS);
      labels.set(p.labels.subarray(0, p.count), at);
      at += p.count;
    }
    return split({ images, labels, count });
  }

  result() {
    const parts = [];
    if (this.train) {
      const r = this.slotRecords;
      for (let k = 1; k <= TRAIN_BATCHES; k++) {
        if (!this.train.filled.has(k)) continue;
        parts.push({ index: k, count: r, images: this.train.images.subarray((k - 1) * r * PIXELS, k * r * PIXELS), labels: this.train.labels.subarray((k - 1) * r, k * r) });
      }
    }
    parts.push(...this.extra);
    parts.sort((a, b) => a.index - b.index);
    const whole = this.train && this.train.filled.size === TRAIN_BATCHES && this.extra.length === 0;
    const train = whole ? split({ images: this.train.images, labels: this.train.labels, count: TRAIN_BATCHES * this.slotRecords }) : Batches.join(parts);
    return { train, test: Batches.join(this.test) };
  }
}

const split = ({ images, labels, count }) => ({ images, labels, count, rows: SIDE, cols: SIDE, channels: 3 });

function finish(batches, classes, name) {
  const { train, test } = batches.result();
  if (!train && !test) throw new DatasetError(`${name}: no CIFAR-10 batches found (data_batch_1.bin ... test_batch.bin)`, { file: name, code: 'dataset.unknown' });
  if (!train) throw new DatasetError(`${name}: only test_batch; the training batches (data_batch_N) are missing`, { file: name, code: 'dataset.missing' });
  return { title: 'CIFAR-10', classes, shape: [SIDE, SIDE, 3], train, test };
}

// cifar-10-binary.tar.gz or cifar-10-python.tar.gz (or their .tar).
export async function readCifarTar(file) {
  const batches = new Batches();
  const pickles = [];
  let classes = CIFAR10_CLASSES;
  let meta = null;
  const walker = new TarWalker(file.name, ({ name, size }) => {
    if (CIFAR100_MEMBER.test(name)) {
      throw new DatasetError(`${file.name}: this is CIFAR-100, which convlab does not read (CIFAR-10 only)`, { file: file.name, code: 'dataset.unsupported' });
    }
    const bin = BIN_MEMBER.exec(name);
    if (bin) {
      const member = `${name.split('/').pop()} in ${file.name}`;
      return batches.open(member, bin[2] ? 'train' : 'test', Number(bin[2]), recordCount(member, size));
    }
    const py = PY_MEMBER.exec(name);
    if (py || /batches\.meta(\.txt)?$/.test(name)) {
      const parts = [];
      return {
        data: (c) => parts.push(c.slice()),
        end: () => {
          const bytes = concat(parts);
          if (py) pickles.push({ name: `${name.split('/').pop()} in ${file.name}`, index: py[2] ? Number(py[2]) : 0, test: !py[2], bytes });
          else if (name.endsWith('.txt')) meta = new TextDecoder().decode(bytes);
        },
      };
    }
    return null;
  });
  await eachChunk(file, (chunk) => walker.push(chunk));
  walker.end();
  if (meta) {
    const names = meta.split('\n').map((s) => s.trim()).filter(Boolean);
    if (names.length === 10) classes = names;
  }
  for (const p of pickles.sort((a, b) => a.index - b.index)) {
    const { images, labels, count } = cifarBatchFromPickle(readPickle(p.bytes, p.name), p.name);
    const sink = batches.open(p.name, p.test ? 'test' : 'train', p.index, count);
    sink.data(toRecords(images, labels, count));
    sink.end();
    p.bytes = null;
  }
  return finish(batches, classes, file.name);
}

// Planar pickled rows back to binary records, so both formats share one converter.
function toRecords(images, labels, count) {
  const out = new Uint8Array(count * RECORD);
  for (let i = 0; i < count; i++) {
    out[i * RECORD] = labels[i];
    out.set(images.subarray(i * PIXELS, (i + 1) * PIXELS), i * RECORD + 1);
  }
  return out;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

// Extracted batches (data_batch_N.bin, test_batch.bin; gzipped ones too), streamed one by one.
export async function readCifarBins(files) {
  const batches = new Batches();
  for (const file of files) {
    const m = BIN_MEMBER.exec(file.name.replace(/\.gz$/, ''));
    let sink = null, size = 0;
    const parts = [];
    // The size is known only after gunzip, so a gzipped batch is collected first.
    await eachChunk(file, (c) => { parts.push(c); size += c.length; });
    sink = batches.open(file.name, m?.[2] ? 'train' : m ? 'test' : 'train', m?.[2] ? Number(m[2]) : 0, recordCount(file.name, size));
    for (const c of parts) sink.data(c);
    sink.end();
  }
  return finish(batches, CIFAR10_CLASSES, files[0].name);
}
