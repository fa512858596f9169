// What every reader shares: the error type, the file wrapper (a Blob-like with a name and a
// path), the size limit, gunzip as a stream, and zip through fflate (vendored for the page by
// scripts/vendor.sh; the same file under Node). Works in a Worker and in Node 20 alike.
// fflate is imported when a zip is first read: most pages never read one (12 KB gzipped less).

// One sentence that names the file. code + params let the page render it in its own words.
export class DatasetError extends Error {
  constructor(message, { code = 'dataset.bad-file', file, params = {} } = {}) {
    super(message);
    this.name = 'DatasetError';
    this.code = code;
    this.params = { file, ...params };
  }
}

// 256 MiB: CIFAR-10's tarballs (163 MB) fit, a stray video does not.
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

const MB = (n) => (n < 1e6 ? `${n} bytes` : `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`);

// A dataset file: {name, path, size, blob}. `path` keeps the folders above the file (a folder
// upload's webkitRelativePath, a zip member's name), which image folders need for class names.
// Accepts a File/Blob (name from .name), {name, bytes} or {name, path, blob}.
export function asFile(input) {
  if (input && typeof input === 'object' && 'blob' in input && input.blob) {
    const path = input.path ?? input.name;
    return { name: input.name ?? path.split('/').pop(), path, size: input.blob.size, blob: input.blob };
  }
  if (input && typeof input === 'object' && input.bytes instanceof Uint8Array) {
    const path = input.path ?? input.name;
    return { name: input.name ?? path.split('/').pop(), path, size: input.bytes.length, blob: new Blob([input.bytes]) };
  }
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    const path = input.webkitRelativePath || input.path || input.name || 'file';
    return { name: input.name || path.split('/').pop(), path, size: input.size, blob: input };
  }
  throw new DatasetError(`not a file: expected a File, a Blob or {name, bytes}, got ${input?.constructor?.name ?? typeof input}`, { code: 'dataset.not-a-file' });
}

export function checkSize(file, maxBytes = DEFAULT_MAX_BYTES) {
  if (file.size > maxBytes) {
    throw new DatasetError(`${file.name}: ${MB(file.size)} is over the ${MB(maxBytes)} limit for a dataset file`, {
      code: 'dataset.too-large', file: file.name, params: { size: file.size, limit: maxBytes },
    });
  }
  if (file.size === 0) throw new DatasetError(`${file.name}: the file is empty`, { file: file.name });
}

export async function readAll(file) {
  return new Uint8Array(await file.blob.arrayBuffer());
}

export const isGzip = (bytes) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

export async function head(file, n) {
  return new Uint8Array(await file.blob.slice(0, n).arrayBuffer());
}

// The file's bytes as a stream of chunks, gunzipped when it starts with gzip's magic. A reader
// that walks the chunks keeps only one chunk in memory at a time.
export async function chunks(file) {
  const gz = isGzip(await head(file, 2));
  const raw = file.blob.stream();
  return gz ? raw.pipeThrough(new DecompressionStream('gzip')) : raw;
}

// Calls onChunk for each chunk of the (gunzipped) file; corrupt or truncated gzip becomes one
// sentence naming the file (DecompressionStream's own errors are zlib's or a bare TypeError).
export async function eachChunk(file, onChunk) {
  const reader = (await chunks(file)).getReader();
  for (;;) {
    let step;
    try {
      step = await reader.read();
    } catch (e) {
      throw new DatasetError(`${file.name}: truncated or corrupt gzip data`, { file: file.name, code: 'dataset.corrupt' });
    }
    if (step.done) return;
    onChunk(step.value);
  }
}

export async function gunzipAll(file) {
  const parts = [];
  let total = 0;
  await eachChunk(file, (c) => { parts.push(c); total += c.length; });
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

// Zip members as {path: Uint8Array}; `keep(path)` picks which to inflate (stored and deflated
// members alike). Directory entries and macOS's __MACOSX/ shadows are left out.
export async function unzip(bytes, name, keep = () => true) {
  const { unzipSync } = await import('../../vendor/fflate.mjs');
  try {
    return unzipSync(bytes, { filter: (f) => !f.name.endsWith('/') && !f.name.startsWith('__MACOSX/') && keep(f.name) });
  } catch (e) {
    throw new DatasetError(`${name}: not a valid zip file or truncated (${e.message})`, { file: name, code: 'dataset.corrupt' });
  }
}

export const isZip = (bytes) => bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4;
