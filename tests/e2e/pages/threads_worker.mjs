import { loadEngine } from '/lib/engine.mjs';
import { loadFashionMnist } from '/lib/datasets.mjs';
import { PRESETS } from '/lib/presets.mjs';
import { trainFew } from './train_few.mjs';

self.onmessage = async ({ data: { threads } }) => {
  try {
    const engine = await loadEngine({ threads });
    const test = await loadFashionMnist(engine, 'test', '/data/fashion-mnist');
    const losses = trainFew(engine, PRESETS.lab, test.images.subarray(0, 320 * 784), test.labels.subarray(0, 320));
    engine.dispose();
    self.postMessage({ threads: engine.threads, isolated: self.crossOriginIsolated, losses });
  } catch (e) {
    self.postMessage({ error: String(e) });
  }
};
