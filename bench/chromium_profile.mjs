// Where the page's time goes while it trains (issue 17 part 4): one lab epoch on the trainer
// page in headless Chromium (puppeteer-core, whose workers have CDP sessions), with
//   - the CPU seconds of every Chromium thread during the run (/proc/<pid>/task/*/stat): the
//     cores the page's drawing takes from the engine on a 2-core machine;
//   - the DevTools CPU profile (CDP Profiler) of the page's main thread and of the training
//     Worker, summed by module (inclusive: a sample counts for every module on its stack);
//   - the main thread's rendering work from a DevTools trace (style, layout, paint, GC).
//   node bench/chromium_profile.mjs [--threads 1] [--samples 60000] [--top 12] [--view #curves-panel]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';
import { startServer } from '../scripts/serve.mjs';
import { openTrainer, timeRun, webMounts, threadTimes } from './page_epoch.mjs';

const { values } = parseArgs({
  options: { threads: { type: 'string', default: '1' }, samples: { type: 'string', default: '60000' }, view: { type: 'string' }, web: { type: 'string' }, top: { type: 'string', default: '12' } },
});
// A CDP CPU profile summed by module: self seconds per module and inclusive seconds per module.
function byModule(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const moduleOf = (n) => {
    const { url, functionName } = n.callFrame;
    if (!url) return functionName || '(anonymous native)';
    return url.replace(/^.*\/web\//, '').replace(/\?.*$/, '');
  };
  const self = {}, inclusive = {};
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1e6;
    const leaf = nodes.get(id);
    self[moduleOf(leaf)] = (self[moduleOf(leaf)] ?? 0) + dt;
    const seen = new Set();
    for (let n = leaf; n; n = nodes.get(parent.get(n.id))) seen.add(moduleOf(n));
    for (const m of seen) inclusive[m] = (inclusive[m] ?? 0) + dt;
  });
  return { self, inclusive };
}

// Main-thread rendering phases from the trace: seconds per event name.
const PHASES = ['UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit', 'HitTest', 'MajorGC', 'MinorGC',
  'FunctionCall', 'RunMicrotasks', 'TimerFire', 'FireAnimationFrame', 'RunTask', 'ParseHTML', 'EventDispatch'];
function phases(trace) {
  const events = JSON.parse(trace).traceEvents;
  // The trainer's renderer: the one whose main thread ran the most tasks.
  const mains = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const tasks = (m) => events.filter((e) => e.pid === m.pid && e.tid === m.tid && e.name === 'RunTask').length;
  const main = mains.map((m) => [tasks(m), m]).sort((a, b) => b[0] - a[0])[0]?.[1];
  const out = {};
  for (const e of events) {
    if (e.ph !== 'X' || e.pid !== main?.pid || e.tid !== main?.tid || !PHASES.includes(e.name)) continue;
    out[e.name] = (out[e.name] ?? 0) + (e.dur ?? 0) / 1e6;
  }
  return out;
}

const table = (title, entries, top) => {
  const rows = Object.entries(entries).filter(([, v]) => v >= 0.005).sort((a, b) => b[1] - a[1]).slice(0, top);
  return [`${title}`, ...rows.map(([k, v]) => `  ${v.toFixed(2).padStart(7)} s  ${k}`)].join('\n');
};

const threads = Number(values.threads);
const top = Number(values.top);
const server = await startServer({ port: 0, isolate: true, mounts: webMounts(values.web) });
const profile = await mkdtemp(join(tmpdir(), 'convlab-profile-'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, userDataDir: profile,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 720 });  // playwright's default, as in chromium_epoch.mjs
  await openTrainer(page, `http://127.0.0.1:${server.address().port}/`, { threads, samples: Number(values.samples), view: values.view });
  const trainer = page.workers().find((w) => w.url().includes('train_worker'));
  const sessions = { main: await page.createCDPSession(), worker: trainer.client };
  for (const s of Object.values(sessions)) {
    await s.send('Profiler.enable');
    await s.send('Profiler.setSamplingInterval', { interval: 500 });
  }
  await page.tracing.start({ categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing'] });
  for (const s of Object.values(sessions)) await s.send('Profiler.start');
  const before = await threadTimes(profile);
  const run = await timeRun(page);
  const after = await threadTimes(profile);
  const profiles = {};
  for (const [k, s] of Object.entries(sessions)) profiles[k] = (await s.send('Profiler.stop')).profile;
  const trace = Buffer.from(await page.tracing.stop()).toString();

  const cpu = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
  const total = Object.values(cpu).reduce((a, b) => a + b, 0);
  console.log(`lab, ${values.samples} images, ${threads} thread(s), ${new Date().toISOString()}: epoch ${run.epoch.toFixed(2)} s, ` +
    `engine ${run.engine.toFixed(2)} s, worker overhead ${run.overhead.toFixed(2)} s, wall ${run.wall.toFixed(2)} s; ` +
    `Chromium CPU ${total.toFixed(2)} s in ${run.wall.toFixed(2)} s`);
  console.log(table('CPU seconds by thread (process / thread):', cpu, top));
  const main = byModule(profiles.main), worker = byModule(profiles.worker);
  console.log(table('main thread, inclusive by module:', main.inclusive, top));
  console.log(table('main thread, self by module:', main.self, top));
  console.log(table('main thread, trace events:', phases(trace), top));
  console.log(table('training Worker, inclusive by module:', worker.inclusive, top));
  console.log(table('training Worker, self by module:', worker.self, top));
} finally {
  await browser.close();
  server.close();
  await rm(profile, { recursive: true, force: true });
}
