// A small static server for web/ (no dependencies): correct MIME types for .mjs and .wasm, the
// Fashion-MNIST .gz files from Debian's dataset-fashion-mnist under /data/fashion-mnist/, and,
// (unless --no-isolate) the COOP/COEP headers that make a page cross-origin isolated (needed for
// SharedArrayBuffer, hence for the threaded build).
//   node scripts/serve.mjs [--port 8080] [--no-isolate]
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain',
  '.gz': 'application/octet-stream', '.webmanifest': 'application/manifest+json',
};

export const DEFAULT_MOUNTS = {
  '/data/fashion-mnist/': '/usr/share/datasets/fashion-mnist',
  '/': join(ROOT, 'web'),
};

// mounts: URL prefix -> folder, longest prefix first. headers: added to every response.
export function startServer({ port = 8080, host = '127.0.0.1', mounts = DEFAULT_MOUNTS, isolate = false, headers = {} } = {}) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const prefix = prefixes.find((p) => path.startsWith(p));
    const base = prefix && mounts[prefix];
    let file = base && normalize(join(base, path.slice(prefix.length)));
    // Any lesson page may load the lab's module and files (<convlab-trainer> from another
    // origin): CORS for the module script, CORP for pages that are cross-origin isolated.
    const common = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin', ...headers };
    if (isolate) {
      common['Cross-Origin-Opener-Policy'] = 'same-origin';
      common['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    try {
      if (!file || !file.startsWith(base)) throw new Error('outside');
      let info = await stat(file);
      if (info.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file);
      }
      res.writeHead(200, {
        ...common,
        'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'no-cache',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { ...common, 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Cross-origin isolated by default (issue 17: threads for everyone); --no-isolate serves the
  // page as a header-less static host would. --isolate is kept for old scripts.
  const { values } = parseArgs({ options: { port: { type: 'string', default: process.env.PORT ?? '8080' }, isolate: { type: 'boolean', default: true }, 'no-isolate': { type: 'boolean', default: false } } });
  values.isolate = !values['no-isolate'];
  const server = await startServer({ port: Number(values.port), isolate: values.isolate });
  console.log(`convlab: serving on http://localhost:${server.address().port}/${values.isolate ? ' (cross-origin isolated)' : ''}`);
}
