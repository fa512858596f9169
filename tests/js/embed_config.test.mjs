// The embed's configuration (attributes, URL hash, "share this setup"), the saved-run file
// format, embed.html kept in step with index.html, and the service worker's file list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig, configFromHash, configToHash, shareSetup, PANELS } from '../../web/embed/config.mjs';
import { encodeRun, decodeRun, toBase64, fromBase64 } from '../../web/lib/run_file.mjs';
import { embedPage } from '../../scripts/embed_page.mjs';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));

test('the hash gives a config; bad values are reported, not thrown', () => {
  const { config, problems } = configFromHash('#model=lab64&epochs=3&batch-size=64&optimizer=SGD&threshold=0.9&seed=4&images=1,%202,x&filter=5&hide=maps,pause&show=model,train,curves&autostart&compact=0');
  assert.deepEqual(config, {
    model: 'lab64', epochs: 3, batchSize: 64, threshold: 0.9, seed: 4, filter: 5, optimizer: 'sgd', images: [1, 2],
    hide: ['maps', 'pause'], show: ['model', 'train', 'curves'], autostart: true,
  });
  assert.deepEqual(problems, []);
  const bad = configFromHash('epochs=many&optimizer=adamw&hide=maps,sidebar');
  assert.deepEqual(bad.config, { hide: ['maps'] });
  assert.equal(bad.problems.length, 3);
  assert.equal(bad.problems[2].code, 'embed.unknownNames');
  assert.deepEqual([bad.problems[2].params.key, bad.problems[2].params.names], ['hide', 'sidebar']);
});

test('threads: auto or 1 to 8; anything else is reported', () => {
  assert.equal(configFromHash('#threads=4').config.threads, 4);
  assert.equal(configFromHash('#threads=auto').config.threads, 'auto');
  assert.deepEqual(configFromHash('#threads=4').problems, []);
  for (const bad of ['0', '9', 'many', '2.5']) {
    const { config, problems } = configFromHash(`#threads=${bad}`);
    assert.equal(config.threads, undefined, bad);
    assert.deepEqual(problems, [{ code: 'embed.threads', params: { value: bad, max: 8 } }], bad);
  }
  assert.deepEqual(configFromHash(configToHash({ threads: 3 })).config, { threads: 3 });
});

test('attributes read like the hash, and a config survives hash and back', () => {
  const attrs = { model: 'Sequential([Flatten(), Dense(10, activation="softmax")])', 'learning-rate': '0.01', compact: '' };
  const { config } = readConfig((k) => attrs[k] ?? null);
  assert.deepEqual(config, { model: attrs.model, learningRate: 0.01, compact: true });
  assert.deepEqual(configFromHash(configToHash(config)).config, config);
});

test('share gives the page link, an iframe and a custom-element snippet, all escaped', () => {
  const s = shareSetup({ model: 'lab', epochs: 2, hide: ['eval'], autostart: true }, 'https://school.example/ml/convlab/');
  assert.equal(s.pageUrl, 'https://school.example/ml/convlab/index.html#model=lab&epochs=2&hide=eval&autostart=1');
  assert.match(s.iframe, /^<iframe src="https:\/\/school\.example\/ml\/convlab\/embed\.html#model=lab&amp;epochs=2&amp;hide=eval&amp;autostart=1" title="/);
  assert.equal(s.element.split('\n')[1], '<convlab-trainer model="lab" epochs="2" hide="eval" autostart></convlab-trainer>');
  assert.match(shareSetup({ model: 'Dense(10, name="a")' }, 'http://h/').element, /model="Dense\(10, name=&quot;a&quot;\)"/);
});

test('the page and the embed have the same ids, and every panel the config names exists', async () => {
  const ids = (html) => [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]).sort();
  const index = await readFile(join(WEB, 'index.html'), 'utf8');
  const embed = embedPage(index);
  assert.match(embed, /<body class="embed">/);
  assert.match(embed, /<title>convlab \(embedded\)/);
  assert.deepEqual(ids(embed), ids(index));
  for (const id of Object.values(PANELS)) assert.ok(ids(index).includes(id), id);
  for (const html of [index, embed]) assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)|\sstyle=|<style/, 'no inline scripts or styles');
});

test('the embed page generator names the piece of index.html it can no longer find', () => {
  assert.throws(() => embedPage('<!doctype html>\n<title>x</title><body>'), /^Error: embed_page: web\/index\.html has no .*h1.* any more/);
});

test('a run file round-trips, and broken ones give one clear sentence', () => {
  const weights = Float32Array.from({ length: 7 }, (_, i) => i / 3);
  const modelJson = { modelTopology: { class_name: 'Sequential', config: { layers: [] } }, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'dense/kernel', shape: [7], dtype: 'float32' }] }] };
  const text = encodeRun({ name: 'r', modelJson, weightData: weights.buffer, code: 'x', settings: { epochs: 2 }, history: [{ step: 1, loss: 1 }] });
  const run = decodeRun(text, 'r.json');
  assert.deepEqual(new Float32Array(run.weightData), weights);
  assert.deepEqual([run.name, run.code, run.settings, run.history], ['r', 'x', { epochs: 2 }, [{ step: 1, loss: 1 }]]);
  assert.throws(() => decodeRun('{', 'r.json'), /^Error: r\.json is not a convlab run \(not JSON\)$/);
  assert.throws(() => decodeRun('{"format": "other"}', 'r.json'), /is not a convlab run/);
  const short = JSON.parse(text);
  short.weights = toBase64(new Float32Array(3).buffer);
  assert.throws(() => decodeRun(JSON.stringify(short), 'r.json'), /^Error: r\.json \(weights\): 12 bytes but r\.json \(model\) describes 7 float32 values/);
  assert.throws(() => fromBase64('***'), /not valid base64/);
  const big = new Uint8Array(200_000).map((_, i) => i % 251);
  assert.deepEqual(new Uint8Array(fromBase64(toBase64(big.buffer))), big);
});

test('the service worker caches every file the page and its Worker load', async () => {
  const sw = await readFile(join(WEB, 'sw.js'), 'utf8');
  const listed = new Set([...sw.slice(sw.indexOf('const SHELL'), sw.indexOf('];')).matchAll(/'([^']+)'/g)].map((m) => m[1]));
  const files = [];
  const walk = async (dir) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) await walk(path);
      else files.push(relative(WEB, path));
    }
  };
  await walk(WEB);
  // Not needed offline: the example pages (they embed what is listed), licences, the worker
  // itself, and the Node-only threaded build (CommonJS).
  // The datasets' .gz files are in the DATA list, made from the folder names.
  const needed = files.filter((f) => !f.startsWith('examples/') && !/LICENSE|^sw\.js$|^wasm\/(convlab-mt-node\.|package\.json)|^data\//.test(f));
  for (const dir of new Set(files.filter((f) => f.startsWith('data/')).map((f) => f.slice(0, f.lastIndexOf('/') + 1)))) {
    assert.ok(sw.includes(`'${dir}'`), `sw.js caches ${dir}`);
  }
  assert.deepEqual(needed.filter((f) => !listed.has(f)), []);
  assert.deepEqual([...listed].filter((f) => f !== './' && !files.includes(f)), [], 'listed files exist');
});
