// Loads the convlab wasm module the same way on a page, in a module Worker and under Node.
// In the browser the .wasm is fetched from beside convlab.mjs; Node has no fetch for file URLs
// in Emscripten 3.1.6's loader, so there the bytes are read from disk and handed over.
//
// Two builds of the same C++: convlab.mjs (one thread, SIMD; the default) and a threaded one
// (the caller plus N - 1 helpers, each in a Worker preloaded with the module; results
// bit-identical to one thread). Threads need SharedArrayBuffer, so the choice is made here at run
// time (web/lib/threads.mjs):
//   - browser: the threaded build only when the page is cross-origin isolated (COOP/COEP, so
//     `crossOriginIsolated === true`), one thread per core up to 8, unless { threads: N } says;
//   - Node: one thread unless asked for, with { threads: N | 'auto' } or CONVLAB_THREADS=N|auto.
// The engine says what it got: engine.threads. engine.dispose() ends the helper threads (Node's
// are also unref'd, so a process that forgets to dispose still exits).
import createConvlab from '../wasm/convlab.mjs';
import { decideHere, checkThreads } from './threads.mjs';

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

// What the caller asked for: a count or 'auto' (one per core where the platform allows it).
function requested(threads) {
  if (threads === undefined) {
    const env = isNode ? process.env.CONVLAB_THREADS : undefined;
    if (env === undefined || env === '') return isNode ? 1 : 'auto';
    threads = env === 'auto' ? env : Number(env);
  }
  return checkThreads(threads, 'loadEngine: threads');
}

// engine.threadInfo is the decision ({threads, isolated, reason}, web/lib/threads.mjs).
export async function loadEngine({ threads } = {}) {
  const decision = await decideHere(requested(threads));
  const engine = decision.threads > 1 ? await loadThreaded(decision.threads) : await loadSingle();
  engine.threads = engine.numThreads();
  engine.threadInfo = decision;
  engine.dispose ??= () => {};
  return engine;
}

async function loadSingle() {
  if (!isNode) return createConvlab();
  const { readFile } = await import('node:fs/promises');
  const wasmBinary = await readFile(new URL('../wasm/convlab.wasm', import.meta.url));
  return createConvlab({ wasmBinary });
}

// helperThreads: how many Workers the module preloads (CMakeLists.txt's PTHREAD_POOL_SIZE).
async function loadThreaded(threads) {
  const helperThreads = threads - 1;
  if (!isNode) {
    // Imported only here, so single-thread pages never fetch the threaded build.
    const { default: create } = await import('../wasm/convlab-mt.mjs');
    const engine = await create({ helperThreads });
    engine.setNumThreads(threads);
    engine.dispose = () => engine.PThread?.terminateAllThreads();
    return engine;
  }
  // Emscripten's pthreads under Node need its CommonJS output (TOOLCHAIN.md).
  const { readFile } = await import('node:fs/promises');
  const { createRequire } = await import('node:module');
  const create = createRequire(import.meta.url)('../wasm/convlab-mt-node.cjs');
  const wasmBinary = await readFile(new URL('../wasm/convlab-mt-node.wasm', import.meta.url));
  const engine = await create({ wasmBinary, helperThreads });
  engine.setNumThreads(threads);
  // The pool's worker_threads would keep Node's event loop alive forever; the helper only ever
  // runs while the main thread is inside a (synchronous) engine call, so nothing is lost.
  for (const w of [...engine.PThread.unusedWorkers, ...engine.PThread.runningWorkers]) w.unref();
  engine.dispose = () => engine.PThread.terminateAllThreads();
  return engine;
}
