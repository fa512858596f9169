// web/lib/data's readers in a module Worker, as the trainer's Worker uses them: the built-in
// MNIST digits, files fetched from /fixtures/ (made by the test) handed over as Blobs, and an
// image folder decoded by createImageBitmap/OffscreenCanvas, with a WebP made here (Chromium
// encodes WebP; Node cannot).
import { loadEngine } from '/lib/engine.mjs';
import { loadDataset } from '/lib/data/load.mjs';

const blobOf = async (path) => (await fetch(`/fixtures/${path}`)).blob();
const summary = (d) => ({
  title: d.title, classes: d.classes, shape: d.shape, train: d.train.count, test: d.test?.count ?? 0,
  trainLabels: [...d.train.labels.subarray(0, 8)], firstPixels: [...d.train.images.subarray(0, 6)],
  skipped: d.skipped?.length ?? 0,
});

async function webp(rgb) {
  const canvas = new OffscreenCanvas(12, 10);
  const context = canvas.getContext('2d');
  context.fillStyle = `rgb(${rgb.join(',')})`;
  context.fillRect(0, 0, 12, 10);
  return canvas.convertToBlob({ type: 'image/webp', quality: 1 });
}

try {
  const engine = await loadEngine();
  const out = {};
  out.mnist = summary(await loadDataset(engine, { name: 'mnist' }));
  for (const name of ['tiny.npz', 'cifar-10-binary.tar.gz']) {
    out[name] = summary(await loadDataset(engine, { files: [{ name, blob: await blobOf(name) }] }));
  }
  const images = [];
  for (let i = 0; i < 3; i++) images.push({ name: `r${i}.png`, path: `mine/red/r${i}.png`, blob: await blobOf('red.png') });
  for (let i = 0; i < 3; i++) images.push({ name: `b${i}.webp`, path: `mine/blue/b${i}.webp`, blob: await webp([0, 0, 255]) });
  images.push({ name: 'bad.jpg', path: 'mine/blue/bad.jpg', blob: new Blob([new Uint8Array([0xff, 0xd8, 1, 2])]) });
  out.images = summary(await loadDataset(engine, { files: images }, { imageShape: [4, 4, 3] }));
  try {
    await loadDataset(engine, { files: [{ name: 'cut.npz', blob: (await blobOf('tiny.npz')).slice(0, 60) }] });
  } catch (e) {
    out.bad = `${e.name}: ${e.message}`;
  }
  self.postMessage(out);
} catch (e) {
  self.postMessage({ error: `${e.name}: ${e.message}` });
}
