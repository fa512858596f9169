// The training Worker (a module Worker): owns the engine and the data; the page only draws.
import { createModel, engine } from '../lib/convlab.mjs';
import { loadFashionMnist, FASHION_MNIST_CLASSES } from '../lib/datasets.mjs';
import { createHandler } from './handler.mjs';

const DATA = new URL('../data/fashion-mnist', import.meta.url).href;
// ?threads=N|auto (the page's `threads` setting, embed/config.mjs): fixed before the engine loads.
const threads = new URL(import.meta.url).searchParams.get('threads');
engine({ threads: threads === null || threads === 'auto' ? 'auto' : Number(threads) });

async function loadData() {
  const e = await engine();
  const [train, test] = await Promise.all([loadFashionMnist(e, 'train', DATA), loadFashionMnist(e, 'test', DATA)]);
  return { name: 'fashion-mnist', classes: FASHION_MNIST_CLASSES, train, test, threadInfo: e.threadInfo };
}

const handle = createHandler({
  post: (msg, transfer = []) => self.postMessage(msg, transfer),
  loadData,
  createModel,
});
self.onmessage = (e) => handle(e.data);
