// Writes dist/: the self-contained static site a teacher copies to any static host (GitHub
// Pages, an LMS file area, a USB stick behind `python3 -m http.server`). Pages, module Worker,
// wasm, vendored uPlot, the embed and its examples, and Fashion-MNIST's .gz files under
// data/fashion-mnist/ — every URL in them is relative, so the folder works at any path, and it
// needs no special headers (the single-thread build; see web/lib/engine.mjs). The page's own
// modules are minified one by one (esbuild, no bundling: the same module graph and file names,
// without the comments and spaces that are half their size): the payload students download.
//   node scripts/dist.mjs [--out dist] [--data /usr/share/datasets/fashion-mnist]
import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DATA_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

export async function buildDist({ out = join(ROOT, 'dist'), data = '/usr/share/datasets/fashion-mnist' } = {}) {
  for (const needed of ['web/wasm/convlab.wasm', 'web/vendor/uPlot.esm.js']) {
    await stat(join(ROOT, needed)).catch(() => { throw new Error(`${needed} is missing: run sh scripts/build.sh first`); });
  }
  await rm(out, { recursive: true, force: true });
  await cp(join(ROOT, 'web'), out, { recursive: true });
  await minifyModules(out);
  await mkdir(join(out, 'data', 'fashion-mnist'), { recursive: true });
  for (const f of DATA_FILES) await cp(join(data, f), join(out, 'data', 'fashion-mnist', f));
  return out;
}

// Every .mjs except the already minified ones (vendored code, Emscripten's glue), in place.
async function minifyModules(out) {
  const entries = await readdir(out, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.mjs')).map((e) => join(e.parentPath ?? e.path, e.name))
    .filter((f) => !/[\\/](vendor|wasm)[\\/]/.test(f.slice(out.length)));
  await build({
    entryPoints: files, outdir: out, outbase: out, allowOverwrite: true, bundle: false, format: 'esm',
    target: 'es2022', minify: true, legalComments: 'none', logLevel: 'warning', outExtension: { '.js': '.mjs' },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, data: { type: 'string' } } });
  const out = await buildDist({ out: values.out && resolve(values.out), data: values.data });
  console.log(`convlab: wrote ${out}/ (copy it to any static host; open index.html, embed.html or examples/)`);
}
