// Loads the convlab wasm module the same way on a page, in a module Worker and under Node.
// In the browser the .wasm is fetched from beside convlab.mjs; Node has no fetch for file URLs
// in Emscripten 3.1.6's loader, so there the bytes are read from disk and handed over.
import createConvlab from '../wasm/convlab.mjs';

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

export async function loadEngine() {
  if (!isNode) return createConvlab();
  const { readFile } = await import('node:fs/promises');
  const wasmBinary = await readFile(new URL('../wasm/convlab.wasm', import.meta.url));
  return createConvlab({ wasmBinary });
}
