// Writes dist/: the self-contained static site a teacher copies to any static host (GitHub
// Pages, an LMS file area, a USB stick behind `python3 -m http.server`). Pages, module Worker,
// wasm, vendored CodeMirror and fflate, the embed and its examples, and Fashion-MNIST's .gz
// files under data/fashion-mnist/ — every URL in them is relative, so the folder works at any path, and it
// needs no special headers (the single-thread build; see web/lib/engine.mjs).
// The page's, the Worker's and the embed's modules are bundled by esbuild into js/ (three entries
// and the chunks they share, minified together: 118 -> 93 KB gzipped for the page, README "What
// the page downloads"); app.mjs, worker/train_worker.mjs and embed/convlab-trainer.mjs stay where
// pages and teachers' HTML expect them, as one-line modules that load their bundle.
//   node scripts/dist.mjs [--out dist] [--data /usr/share/datasets/fashion-mnist]
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DATA_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
// The modules HTML pages load, and the names of their bundles in js/.
const ENTRIES = { 'app.mjs': 'app', 'worker/train_worker.mjs': 'train_worker', 'embed/convlab-trainer.mjs': 'convlab-trainer' };

export async function buildDist({ out = join(ROOT, 'dist'), data = '/usr/share/datasets/fashion-mnist' } = {}) {
  for (const needed of ['web/wasm/convlab.wasm', 'web/vendor/codemirror.mjs']) {
    await stat(join(ROOT, needed)).catch(() => { throw new Error(`${needed} is missing: run sh scripts/build.sh first`); });
  }
  await rm(out, { recursive: true, force: true });
  await cp(join(ROOT, 'web'), out, { recursive: true });
  await bundleModules(out);
  await listShell(out);
  await mkdir(join(out, 'data', 'fashion-mnist'), { recursive: true });
  for (const f of DATA_FILES) await cp(join(data, f), join(out, 'data', 'fashion-mnist', f));
  return out;
}

const posix = (path) => path.split(sep).join('/');
const fromDir = (dir, file) => { const r = posix(relative(dir, file)); return r.startsWith('.') ? r : `./${r}`; };

// Every bundle and chunk is in js/, so a URL a module makes from its own location
// (`new URL('../wasm/convlab.wasm', import.meta.url)`) is rewritten to start from the module's
// old place as seen from js/; imports of the vendored and Emscripten files stay imports of them.
function keepUrls(js) {
  return {
    name: 'keep-urls',
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, external: true }));
      b.onResolve({ filter: /\/(vendor|wasm)\// }, (a) => ({ path: fromDir(js, resolve(a.resolveDir, a.path)), external: true }));
      b.onLoad({ filter: /\.mjs$/ }, async (a) => ({
        loader: 'js',
        contents: (await readFile(a.path, 'utf8'))
          .replaceAll('import.meta.url', `new URL(${JSON.stringify(fromDir(js, a.path))}, import.meta.url).href`),
      }));
    },
  };
}

async function bundleModules(out) {
  const js = join(out, 'js');
  const { metafile } = await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([file, name]) => [name, join(out, file)])),
    outdir: js, bundle: true, splitting: true, format: 'esm', target: 'es2022', minify: true, metafile: true,
    chunkNames: 'chunk-[hash]', outExtension: { '.js': '.mjs' }, legalComments: 'none', logLevel: 'warning',
    plugins: [keepUrls(js)],
  });
  // The bundled sources go; what no entry reaches (Node-only modules) stays, as the sources are.
  for (const input of Object.keys(metafile.inputs)) await rm(resolve(input));
  for (const [file, name] of Object.entries(ENTRIES)) {
    const bundle = fromDir(dirname(join(out, file)), join(js, `${name}.mjs`));
    await writeFile(join(out, file), `export * from '${bundle}';\n`);
  }
}

// The service worker caches what the page and its Worker load: in dist/ that is the bundles, not
// web/'s module list, so sw.js's SHELL is rewritten from the files actually there.
async function listShell(out) {
  const entries = await readdir(out, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => posix(relative(out, join(e.parentPath ?? e.path, e.name))))
    .filter((f) => !/^(data|examples)\/|LICENSE|-node\.|package\.json$|^sw\.js$/.test(f)).sort();
  const sw = await readFile(join(out, 'sw.js'), 'utf8');
  const shell = /const SHELL = \[[\s\S]*?\n\];/;
  if (!shell.test(sw)) throw new Error('dist: web/sw.js has no `const SHELL = [...];` list to rewrite');
  await writeFile(join(out, 'sw.js'), sw.replace(shell, `const SHELL = ${JSON.stringify(['./', ...files])};`));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, data: { type: 'string' } } });
  const out = await buildDist({ out: values.out && resolve(values.out), data: values.data });
  console.log(`convlab: wrote ${out}/ (copy it to any static host; open index.html, embed.html or examples/)`);
}
