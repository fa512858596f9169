// The training Worker (a module Worker): owns the engine and the data; the page only draws.
import { createModel, engine } from '../lib/convlab.mjs';
import { loadFashionMnist, FASHION_MNIST_CLASSES } from '../lib/datasets.mjs';
import { loadDataset } from '../lib/data/load.mjs';
import { createHandler } from './handler.mjs';

const DATA = new URL('../data/fashion-mnist', import.meta.url).href;
// ?threads=N|auto (the page's `threads` setting, embed/config.mjs): fixed before the engine loads.
const threads = new URL(self.location.href).searchParams.get('threads');
engine({ threads: threads === null || threads === 'auto' ? 'auto' : Number(threads) });

async function loadFashion(e) {
  const [train, test] = await Promise.all([loadFashionMnist(e, 'train', DATA), loadFashionMnist(e, 'test', DATA)]);
  return { name: 'fashion-mnist', title: 'Fashion-MNIST', classes: FASHION_MNIST_CLASSES, train, test, threadInfo: e.threadInfo };
}

// source: none (the start: Fashion-MNIST), {name} (a built-in set) or {files: [{name, path, blob}]}.
async function loadData(source, options = {}) {
  const e = await engine();
  if (!source || source.name === 'fashion-mnist') return loadFashion(e);
  return loadDataset(e, source, options);
}

const handle = createHandler({
  post: (msg, transfer = []) => self.postMessage(msg, transfer),
  loadData,
  createModel,
});
self.onmessage = (e) => handle(e.data);
