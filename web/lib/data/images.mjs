// Your own images: one sub-folder per class (PNG, JPEG, WebP), as Teachable Machine's samples,
// from a folder upload or a zip. Each image is decoded and resized to the model's input
// (imageShape [H, W, C]; C = 1 grey by luma, 3 RGB) by a decoder:
//   - in a browser or Worker, createImageBitmap + OffscreenCanvas (decodeWithCanvas below);
//   - in Node, the caller passes one (bin/decode_image.mjs: pngjs and jpeg-js).
// Class names are the folder names, sorted; the train/test split is seeded (split.mjs), per
// class, so it does not depend on the order the files came in. Undecodable images are named,
// skipped and counted; a folder with one class or an empty class is refused.
import { DatasetError } from './files.mjs';
import { splitIndices, shuffled } from './split.mjs';

export const IMAGE_EXTENSIONS = /\.(png|jpe?g|webp)$/i;
const HIDDEN = /(^|\/)(\.|__MACOSX\/|Thumbs\.db$)/;

// {data: RGBA bytes of height x width} for an image Blob, resized with the browser's
// high-quality filter.
export async function decodeWithCanvas(blob, [height, width]) {
  const bitmap = await createImageBitmap(blob, { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' });
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { data: context.getImageData(0, 0, width, height).data };
}

// Groups files (and folder names, so an empty folder is seen) by class: the folder that holds
// each image. Returns {classes: [name], byClass: Map(name -> [file]), ignored: [file]}.
export function groupByClass(files, folders = []) {
  const byClass = new Map();
  const ignored = [];
  for (const folder of folders) {
    const parts = folder.replace(/\/+$/, '').split('/');
    if (parts.length >= 1 && parts.at(-1) && !HIDDEN.test(folder)) byClass.set(parts.at(-1), byClass.get(parts.at(-1)) ?? []);
  }
  for (const file of files) {
    if (HIDDEN.test(file.path)) continue;
    const parts = file.path.split('/');
    if (!IMAGE_EXTENSIONS.test(file.path)) { ignored.push(file); continue; }
    if (parts.length < 2) {
      throw new DatasetError(`${file.name}: images must be in one sub-folder per class (cats/${file.name}, dogs/...), not at the top`, { file: file.name, code: 'dataset.folders' });
    }
    const label = parts.at(-2);
    if (!byClass.has(label)) byClass.set(label, []);
    byClass.get(label).push(file);
  }
  // A top folder that holds only class folders is not a class itself.
  for (const [name, list] of byClass) {
    if (list.length === 0 && files.some((f) => f.path.split('/').slice(0, -2).includes(name))) byClass.delete(name);
  }
  const classes = [...byClass.keys()].sort();
  return { classes, byClass, ignored };
}

function toPixels(rgba, shape, out, at) {
  const [h, w, c] = shape;
  for (let p = 0; p < h * w; p++) {
    const r = rgba[p * 4], g = rgba[p * 4 + 1], b = rgba[p * 4 + 2];
    if (c === 1) out[at + p] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    else { out[at + p * 3] = r; out[at + p * 3 + 1] = g; out[at + p * 3 + 2] = b; }
  }
}

// options: imageShape [H, W, C] (C 1 or 3), testSplit (0.2), seed (1), decodeImage(blob, [H, W])
// -> {data: RGBA}. Returns {title, classes, shape, train, test, skipped: [{file, reason}]}.
export async function readImageFolder(files, { folders = [], imageShape = [32, 32, 3], testSplit = 0.2, seed = 1, decodeImage = decodeWithCanvas, title = 'your images' } = {}) {
  const [h, w, c] = imageShape;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0 && (c === 1 || c === 3))) {
    throw new DatasetError(`image folder: imageShape must be [height, width, 1 or 3], got [${imageShape}]`, { code: 'dataset.shape' });
  }
  const { classes, byClass, ignored } = groupByClass(files, folders);
  const skipped = ignored.map((f) => ({ file: f.path, reason: 'not a PNG, JPEG or WebP image' }));
  const where = title;
  if (classes.length < 2) {
    throw new DatasetError(`${where}: ${classes.length === 0 ? 'no images found' : `only one class ('${classes[0]}')`}; put the images in one sub-folder per class, at least two`, { code: 'dataset.one-class', params: { classes } });
  }
  const size = h * w * c;
  const decoded = [];  // {label, pixels}
  for (const [label, name] of classes.entries()) {
    const list = byClass.get(name).slice().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    let ok = 0;
    for (const file of list) {
      try {
        const { data } = await decodeImage(file.blob, [h, w], file.name);
        if (!data || data.length !== h * w * 4) throw new Error('the decoder returned no pixels');
        const pixels = new Uint8Array(size);
        toPixels(data, imageShape, pixels, 0);
        decoded.push({ label, pixels, path: file.path });
        ok++;
      } catch (e) {
        skipped.push({ file: file.path, reason: `could not be decoded (${e.message ?? e})` });
      }
    }
    if (ok === 0) {
      throw new DatasetError(`${where}: class '${name}' has no ${list.length ? 'decodable ' : ''}images${list.length ? ` (${list.length} skipped)` : ''}`, { code: 'dataset.empty-class', params: { class: name } });
    }
  }
  const train = [], test = [];
  for (let label = 0; label < classes.length; label++) {
    const members = decoded.filter((d) => d.label === label);
    const { train: tr, test: te } = splitIndices(members.length, testSplit, seed + label);
    train.push(...tr.map((i) => members[i]));
    test.push(...te.map((i) => members[i]));
  }
  const pack = (list) => {
    const images = new Uint8Array(list.length * size), labels = new Float32Array(list.length);
    list.forEach((d, i) => { images.set(d.pixels, i * size); labels[i] = d.label; });
    return { images, labels, count: list.length, rows: h, cols: w, channels: c };
  };
  return {
    title, classes, shape: [h, w, c],
    train: pack(shuffled(train, seed)), test: test.length ? pack(shuffled(test, seed + 1)) : null,
    skipped,
  };
}
