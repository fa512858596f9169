// What the page downloads before a student can train (issue 16: wasm + JS ≤ 400 KB gzipped in
// all): Chromium opens the trainer (no service worker, not cross-origin isolated, so the
// one-thread engine: what a plain static host serves) and every JavaScript and wasm response up
// to "Ready" is counted at gzip -9, the page's and its Worker's alike, by group. CSS, HTML and
// the dataset are listed apart (the budget is about code).
// --dist measures dist/ (npm run build: the page's modules minified), as a teacher hosts it.
//   node bench/page_payload.mjs [--lang en] [--dist] [--json]
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { startServer } from '../scripts/serve.mjs';
import { launchBrowser } from '../tests/e2e/browser.mjs';
import { buildDist } from '../scripts/dist.mjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { values } = parseArgs({ options: { lang: { type: 'string', default: 'en' }, dist: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
const BUDGET_KB = 400;

const groupOf = (path) => {
  if (/\/wasm\//.test(path)) return 'engine (wasm + glue)';
  if (/\/vendor\/codemirror/.test(path)) return 'code editor (CodeMirror)';
  if (/\/vendor\//.test(path)) return 'other vendored (fflate)';
  if (/\/i18n\//.test(path)) return 'message catalogs';
  if (/\.(mjs|js)$/.test(path)) return 'page and worker modules';
  if (/\/data\//.test(path)) return 'dataset (not code)';
  return 'HTML, CSS, icons (not code)';
};
const isCode = (group) => !/not code/.test(group);

const dist = values.dist ? await buildDist({ out: join(await mkdtemp(join(tmpdir(), 'convlab-payload-')), 'dist') }) : null;
const server = await startServer(dist ? { port: 0, mounts: { '/': dist } } : { port: 0 });
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launchBrowser({ serviceWorkers: 'block' });
const files = new Map();
browser.context.on('response', async (response) => {
  const url = new URL(response.url());
  if (url.origin !== origin || files.has(url.pathname)) return;
  const body = await response.body().catch(() => null);
  if (body) files.set(url.pathname, { bytes: body.length, gzip: gzipSync(body, { level: 9 }).length });
});
const page = await browser.context.newPage();
await page.goto(`${origin}/?lang=${values.lang}`);
await page.waitForFunction(() => window.convlab?.state === 'ready', null, { timeout: 120_000 });
await page.waitForTimeout(500); // responses still being read
await browser.close();
server.close();
if (dist) await rm(join(dist, '..'), { recursive: true, force: true });

const groups = new Map();
for (const [path, f] of files) {
  const g = groups.get(groupOf(path)) ?? { files: 0, bytes: 0, gzip: 0 };
  groups.set(groupOf(path), { files: g.files + 1, bytes: g.bytes + f.bytes, gzip: g.gzip + f.gzip });
}
const kb = (n) => (n / 1024).toFixed(1);
const code = [...groups].filter(([g]) => isCode(g)).reduce((s, [, g]) => s + g.gzip, 0);
if (values.json) {
  console.log(JSON.stringify({ lang: values.lang, codeGzipBytes: code, groups: Object.fromEntries(groups), files: Object.fromEntries(files) }, null, 1));
} else {
  console.log(`page payload until Ready (${dist ? 'dist/' : 'web/'}, ?lang=${values.lang}), gzip -9 per file:`);
  for (const [name, g] of [...groups].sort((a, b) => b[1].gzip - a[1].gzip)) {
    console.log(`  ${name.padEnd(32)} ${String(g.files).padStart(3)} files  ${kb(g.bytes).padStart(8)} KB  ${kb(g.gzip).padStart(7)} KB gz`);
  }
  console.log(`  code (wasm + JS) in all: ${kb(code)} KB gz; budget ${BUDGET_KB} KB: ${code <= BUDGET_KB * 1024 ? 'within' : 'over'}`);
}
