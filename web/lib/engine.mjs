// Loads the convlab wasm module the same way on a page, in a module Worker and under Node.
// In the browser the .wasm is fetched from beside convlab.mjs; Node has no fetch for file URLs
// in Emscripten 3.1.6's loader, so there the bytes are read from disk and handed over.
import createConvlab from '../wasm/convlab.mjs';

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

// Which build to run. The single-thread SIMD build needs no special headers, so it works on any
// static host and in an iframe of any page; a threaded build needs SharedArrayBuffer, which
// browsers give only to cross-origin-isolated pages (COOP/COEP headers). So threads are chosen
// only when crossOriginIsolated is true AND such a build is shipped; none is yet, so this is
// 'simd' everywhere today and the one place to change when a threaded build lands.
export const THREADED_BUILD_AVAILABLE = false;
export function engineVariant({ isolated = globalThis.crossOriginIsolated === true } = {}) {
  return isolated && THREADED_BUILD_AVAILABLE ? 'threads' : 'simd';
}

export async function loadEngine() {
  if (!isNode) return createConvlab();
  const { readFile } = await import('node:fs/promises');
  const wasmBinary = await readFile(new URL('../wasm/convlab.wasm', import.meta.url));
  return createConvlab({ wasmBinary });
}
