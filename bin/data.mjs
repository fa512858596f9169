// Datasets for the CLI: a folder with an IDX pair per split (Fashion-MNIST, MNIST) or CIFAR-10
// binary batches. Images stay bytes (the engine scales them by 1/255).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { engine } from '../web/lib/convlab.mjs';
import { loadIdxPair, loadCifar10, toCategorical } from '../web/lib/datasets.mjs';

const FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

function idxSplit(files, dir, prefix) {
  const images = files.find((f) => f.startsWith(prefix) && /images-idx3-ubyte(\.gz)?$/.test(f));
  const labels = files.find((f) => f.startsWith(prefix) && /labels-idx1-ubyte(\.gz)?$/.test(f));
  return images && labels ? [join(dir, images), join(dir, labels)] : null;
}

export async function loadData(dir = FASHION_MNIST) {
  const files = readdirSync(dir).sort();
  const e = await engine();
  let train, test, shape, classes = 10;
  const trainIdx = idxSplit(files, dir, 'train');
  if (trainIdx) {
    train = await loadIdxPair(e, ...trainIdx);
    const testIdx = idxSplit(files, dir, 't10k') ?? idxSplit(files, dir, 'test');
    test = testIdx ? await loadIdxPair(e, ...testIdx) : null;
    shape = [train.rows, train.cols, 1];
  } else if (files.some((f) => /^data_batch_\d+\.bin$/.test(f))) {
    train = await loadCifar10(files.filter((f) => /^data_batch_\d+\.bin$/.test(f)).map((f) => join(dir, f)));
    test = files.includes('test_batch.bin') ? await loadCifar10([join(dir, 'test_batch.bin')]) : null;
    shape = [32, 32, 3];
  } else {
    throw new Error(`--data: ${dir} holds neither an IDX pair (train-images-idx3-ubyte.gz + train-labels-idx1-ubyte.gz) nor CIFAR-10 batches (data_batch_N.bin)`);
  }
  return {
    dir, shape, train, test,
    oneHot: (split) => toCategorical(split === 'test' ? test.labels : train.labels, classes),
  };
}
