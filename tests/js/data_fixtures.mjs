// Small dataset files made by the tests themselves (no network, no real CIFAR-10): .npy/.npz,
// IDX, CIFAR-10 binary records, tar and tar.gz, CIFAR-10 python pickles, PNG and JPEG images.
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';

// --- .npy / .npz ------------------------------------------------------------------------------

const TYPED = { '|u1': Uint8Array, '|i1': Int8Array, '<i4': Int32Array, '<i8': BigInt64Array, '<f4': Float32Array, '<f8': Float64Array, '|b1': Uint8Array, '<u2': Uint16Array };

// np.save's bytes for values (a plain array) of dtype descr and the given shape.
export function npy(descr, shape, values, { fortran = false, version = 1, header } = {}) {
  const Type = TYPED[descr];
  const data = Type ? new Uint8Array(new Type(Type === BigInt64Array ? values.map(BigInt) : values).buffer) : new Uint8Array(values);
  const shapeText = `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
  let dict = header ?? `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - pre - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  out.set(new TextEncoder().encode(dict), pre);
  out.set(data, total);
  return out;
}

// A Keras-style .npz; level 0 stores, level > 0 deflates.
export function npz(arrays, { level = 6 } = {}) {
  return zipSync(Object.fromEntries(Object.entries(arrays).map(([k, v]) => [`${k}.npy`, v])), { level });
}

// count 4x4 grey images whose pixels encode their label (so a reader's order can be checked),
// and their labels 0..classes-1 in turn.
export function tinyImages(count, classes = 3, side = 4) {
  const labels = Array.from({ length: count }, (_, i) => i % classes);
  const pixels = [];
  for (let i = 0; i < count; i++) for (let p = 0; p < side * side; p++) pixels.push((labels[i] * 80 + i + p) % 256);
  return { labels, pixels, side };
}

export function mnistLikeNpz({ train = 6, test = 3, level = 6, classes = 3 } = {}) {
  const a = tinyImages(train, classes), b = tinyImages(test, classes);
  return npz({
    x_train: npy('|u1', [train, 4, 4], a.pixels), y_train: npy('|u1', [train], a.labels),
    x_test: npy('|u1', [test, 4, 4], b.pixels), y_test: npy('|u1', [test], b.labels),
  }, { level });
}

// --- IDX ---------------------------------------------------------------------------------------

export function idxImages(count, rows, cols, pixels) {
  const out = Buffer.alloc(16 + count * rows * cols);
  [2051, count, rows, cols].forEach((v, i) => out.writeUInt32BE(v, i * 4));
  out.set(pixels, 16);
  return new Uint8Array(out);
}

export function idxLabels(labels) {
  const out = Buffer.alloc(8 + labels.length);
  out.writeUInt32BE(2049, 0);
  out.writeUInt32BE(labels.length, 4);
  out.set(labels, 8);
  return new Uint8Array(out);
}

export const gz = (bytes) => new Uint8Array(gzipSync(bytes));

// --- CIFAR-10 ------------------------------------------------------------------------------------

// count records; record i has label labelOf(i) and every byte of channel ch equal to (i*3+ch)%256.
export function cifarBatch(count, labelOf = (i) => i % 10) {
  const out = new Uint8Array(count * 3073);
  for (let i = 0; i < count; i++) {
    out[i * 3073] = labelOf(i);
    for (let ch = 0; ch < 3; ch++) out.fill((i * 3 + ch) % 256, i * 3073 + 1 + ch * 1024, i * 3073 + 1 + (ch + 1) * 1024);
  }
  return out;
}

// A ustar archive of {path: bytes}; long names (over 100 bytes) go into the prefix field.
export function tar(members) {
  const blocks = [];
  for (const [path, bytes] of Object.entries(members)) {
    const h = new Uint8Array(512);
    const enc = new TextEncoder();
    let name = path, prefix = '';
    if (name.length > 100) { const cut = path.lastIndexOf('/', 155); prefix = path.slice(0, cut); name = path.slice(cut + 1); }
    h.set(enc.encode(name), 0);
    h.set(enc.encode('0000644\0'), 100);
    h.set(enc.encode('0000000\0'), 108);
    h.set(enc.encode('0000000\0'), 116);
    h.set(enc.encode(`${bytes.length.toString(8).padStart(11, '0')}\0`), 124);
    h.set(enc.encode('00000000000\0'), 136);
    h.fill(32, 148, 156);
    h[156] = 0x30;
    h.set(enc.encode('ustar\0'), 257);
    h.set(enc.encode('00'), 263);
    h.set(enc.encode(prefix), 345);
    let sum = 0;
    for (const b of h) sum += b;
    h.set(enc.encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    blocks.push(h, bytes, new Uint8Array((512 - (bytes.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) { out.set(b, at); at += b.length; }
  return out;
}

// cifar-10-binary.tar.gz's layout with batches of `per` records.
export function cifarTarGz(per = 4, { batches = 5, test = true } = {}) {
  const members = { 'cifar-10-batches-bin/batches.meta.txt': new TextEncoder().encode('airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n') };
  for (let k = 1; k <= batches; k++) members[`cifar-10-batches-bin/data_batch_${k}.bin`] = cifarBatch(per, (i) => (i + k) % 10);
  if (test) members['cifar-10-batches-bin/test_batch.bin'] = cifarBatch(per, (i) => (((9 - i) % 10) + 10) % 10);
  return gz(tar(members));
}

// A CIFAR-10 python batch as Python 2's cPickle protocol 2 writes it: {'data': uint8 (n, 3072)
// through numpy's _reconstruct, 'labels': [ints]}.
export function cifarPickle(count, labelOf = (i) => i % 10) {
  const out = [];
  const u32 = (v) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];
  const str = (s) => [0x55, s.length, ...Buffer.from(s, 'latin1')];
  const planes = cifarBatch(count, labelOf);
  const data = new Uint8Array(count * 3072);
  for (let i = 0; i < count; i++) data.set(planes.subarray(i * 3073 + 1, (i + 1) * 3073), i * 3072);
  out.push(0x80, 2, 0x7d, 0x71, 1, 0x28);
  out.push(...str('data'));
  out.push(0x63, ...Buffer.from('numpy.core.multiarray\n_reconstruct\n'));
  out.push(0x63, ...Buffer.from('numpy\nndarray\n'), 0x4b, 0, 0x85, ...str('b'), 0x87, 0x52);
  out.push(0x28, 0x4b, 1, 0x4d, count & 255, count >> 8, 0x4d, 0, 12, 0x86);  // (1, (count, 3072)
  out.push(0x63, ...Buffer.from('numpy\ndtype\n'), ...str('u1'), 0x4b, 0, 0x4b, 1, 0x87, 0x52);
  out.push(0x28, 0x4b, 3, ...str('|'), 0x4e, 0x4e, 0x4e, 0x4a, ...u32(0xffffffff), 0x4a, ...u32(0xffffffff), 0x4b, 0, 0x74, 0x62);
  out.push(0x89, 0x54, ...u32(data.length));
  const head = Uint8Array.from(out);
  const tail = [0x74, 0x62];  // ) state tuple, BUILD
  tail.push(...str('labels'), 0x5d, 0x28);
  for (let i = 0; i < count; i++) tail.push(0x4b, labelOf(i));
  tail.push(0x65, 0x75, 0x2e);  // APPENDS, SETITEMS, STOP
  const all = new Uint8Array(head.length + data.length + tail.length);
  all.set(head);
  all.set(data, head.length);
  all.set(tail, head.length + data.length);
  return all;
}

// --- images ------------------------------------------------------------------------------------

export function png(width, height, rgb) {
  const image = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) image.data.set([...rgb, 255], p * 4);
  return new Uint8Array(PNG.sync.write(image));
}

export function jpg(width, height, rgb) {
  const data = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], p * 4);
  return new Uint8Array(jpeg.encode({ width, height, data }, 95).data);
}

export const file = (path, bytes) => ({ name: path.split('/').pop(), path, bytes });
