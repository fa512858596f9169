// Datasets for the CLI: --data NAME (mnist, fashion-mnist) or --data PATH, a file (.npz,
// cifar-10-binary.tar.gz, cifar-10-python.tar.gz, a zip of class folders) or a folder (an IDX
// pair or two, CIFAR-10 .bin batches, or one sub-folder of images per class). The readers are
// web/lib/data's, the same the page's Worker uses; images stay bytes (the engine scales by 1/255).
import { openAsBlob, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { engine } from '../web/lib/convlab.mjs';
import { toCategorical } from '../web/lib/datasets.mjs';
import { BUILTIN_DATASETS, DatasetError, loadDataset } from '../web/lib/data/load.mjs';
import { decodeImage } from './decode_image.mjs';

const IDX_OR_BIN = /(-ubyte(\.gz)?|^(data_batch_\d+|test_batch)\.bin(\.gz)?)$/;

// Every file under dir (relative paths, for class names) and every folder (so an empty class
// folder is seen). Hidden files and folders are left out.
function walk(dir) {
  const files = [], folders = [];
  // Deep enough for root/class/image and root/set/class/image; a folder deeper than that
  // (or a whole home folder passed by mistake) is not walked.
  const visit = (at, depth) => {
    for (const entry of readdirSync(at, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith('.')) continue;
      const path = join(at, entry.name);
      if (entry.isDirectory()) {
        if (depth >= 2) continue;
        folders.push(relative(dir, path));
        visit(path, depth + 1);
      } else if (entry.isFile()) {
        files.push({ abs: path, path: relative(dir, path) });
      }
    }
  };
  visit(dir, 0);
  return { files, folders };
}

async function sources(path) {
  if (statSync(path).isDirectory()) {
    const { files, folders } = walk(path);
    // An IDX/CIFAR folder: its top-level data files only (a README beside them is fine).
    const data = files.filter((f) => !f.path.includes('/') && IDX_OR_BIN.test(f.path));
    const chosen = data.length ? data : files;
    if (chosen.length === 0) throw new DatasetError(`${path}: the folder is empty`, { file: path, code: 'dataset.none' });
    return {
      files: await Promise.all(chosen.map(async (f) => ({ name: f.path.split('/').pop(), path: f.path, blob: await openAsBlob(f.abs) }))),
      folders: data.length ? [] : folders,
    };
  }
  return { files: [{ name: path.split('/').pop(), path: path.split('/').pop(), blob: await openAsBlob(path) }] };
}

// spec: undefined (Fashion-MNIST), a built-in name or a path. imageShape: the model's input,
// which image folders are resized to.
export async function loadData(spec = 'fashion-mnist', { imageShape, maxBytes } = {}) {
  const e = await engine();
  const source = BUILTIN_DATASETS[spec] ? { name: spec } : await sources(spec);
  const data = await loadDataset(e, source, { imageShape, maxBytes, decodeImage });
  return {
    ...data, dir: spec,
    oneHot: (split) => toCategorical(split === 'test' ? data.test.labels : data.train.labels, data.classes.length),
  };
}
