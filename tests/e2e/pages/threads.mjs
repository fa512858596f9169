// Trains the same few batches in a module Worker twice: with the engine loadEngine() picks on a
// cross-origin isolated page (the threaded build) and with the one-thread build, and publishes
// both for the e2e test.
function inWorker(threads) {
  const worker = new Worker(new URL('./threads_worker.mjs', import.meta.url), { type: 'module' });
  worker.postMessage({ threads });
  return new Promise((ok, fail) => {
    worker.onmessage = (e) => {
      worker.terminate();
      return e.data.error ? fail(new Error(e.data.error)) : ok(e.data);
    };
    worker.onerror = (e) => fail(new Error(e.message));
  });
}

Promise.all([inWorker(undefined), inWorker(1)]).then(
  ([auto, one]) => {
    window.threadsResult = { isolated: globalThis.crossOriginIsolated, auto, one };
  },
  (e) => { window.threadsResult = { error: String(e) }; });
