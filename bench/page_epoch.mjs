// The trainer page driven for timing (bench/chromium_epoch.mjs, bench/chromium_profile.mjs):
// opened on N engine threads, one model and N images set up, then one Train timed inside the
// page. A run's three times:
//   engine  the Worker's time inside train steps (the engine alone, as `npm run bench` measures)
//   epoch   the Worker's epoch time, as the Keras log prints it (engine + callbacks, progress
//           messages and the page's requests served between batches)
//   wall    the page's click on Train to the run's row (adds building the fresh model, the test
//           set's evaluation and the replies' trip)
// The page's own overhead is epoch - engine, plus the CPU its other threads (main thread,
// compositor, raster) take from the engine's cores: threadTimes() before and after a run.
import { readFile, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_MOUNTS } from '../scripts/serve.mjs';

// --web DIR: serve another copy of web/ (an older version, to compare before and after).
export const webMounts = (dir) => (dir ? { ...DEFAULT_MOUNTS, '/': resolve(dir) } : DEFAULT_MOUNTS);

// Waits until cond (a page function of arg) holds, on a playwright or a puppeteer page (their
// waitForFunction take the argument and the options in opposite order).
export function waitIn(page, cond, arg = null, timeout = 120_000) {
  const puppeteer = typeof page.target === 'function';
  return puppeteer ? page.waitForFunction(cond, { timeout, polling: 50 }, arg) : page.waitForFunction(cond, arg, { timeout });
}

// page: a playwright or puppeteer page. threads: a number, or null for the page's default.
// view: an element scrolled to the top of the window before training ('#curves-panel' puts the
// curves and the feature maps on screen; the page's top shows the log and the progress bar).
export async function openTrainer(page, base, { threads = null, model = 'lab', samples = 60000, epochs = 1, batchSize = 32, view = null } = {}) {
  await page.goto(`${base}${threads ? `#threads=${threads}` : ''}`);
  await waitIn(page, () => window.convlab?.state === 'ready' && window.convlab.model);
  await page.evaluate((name) => {
    const select = document.getElementById('preset');
    select.value = name;
    select.dispatchEvent(new Event('change'));
  }, model);
  await waitIn(page, () => window.convlab.state === 'ready' && !window.convlab.store.get().dirty);
  const got = await page.evaluate(() => window.convlab.store.get().data.threads ?? 1);
  if (threads && got !== threads) throw new Error(`asked for ${threads} engine threads, the page has ${got}`);
  // The form follows the settings; Train reads the form.
  await page.evaluate((s) => window.convlab.controller.setSettings(s), { samples, epochs, batchSize, validationSplit: 0 });
  if (view) await page.evaluate((selector) => document.querySelector(selector).scrollIntoView({ block: 'start' }), view);
  return got;
}

// One fresh Train, timed in the page: {engine, epoch, wall} seconds, images per second of the
// epoch, and the final training accuracy.
export async function timeRun(page) {
  const r = await page.evaluate(() => new Promise((done, fail) => {
    const app = window.convlab;
    const { client, store } = app;
    const request = client.request;
    const before = store.get().rows.length;
    let result = null;
    // The controller calls client.request('train', ...): the reply carries the Worker's times.
    client.request = (type, ...rest) => {
      const reply = request(type, ...rest);
      if (type === 'train') reply.then((x) => { result = x; }, fail);
      return reply;
    };
    const started = performance.now();
    const off = store.subscribe((s) => {
      if (s.rows.length === before || s.lifecycle !== 'ready' || !result) return;
      off();
      client.request = request;
      const row = s.rows.at(-1);
      done({
        wall: (performance.now() - started) / 1000, epoch: result.seconds, engine: result.engineSeconds,
        ending: row.ending, trainAccuracy: row.trainAccuracy, images: row.images * row.epochs,
      });
    });
    document.getElementById('train').click();
  }));
  if (r.ending !== 'finished') throw new Error(`the run ended ${r.ending}`);
  return { ...r, imagesPerSecond: r.images / r.epoch, overhead: r.epoch - r.engine };
}

const TICK = 100;  // clock ticks a second in /proc's stat (USER_HZ)

// {"process type / thread name": CPU seconds} of every Chromium process started with `profile`.
export async function threadTimes(profile) {
  const out = {};
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      if (!cmd.includes(profile)) continue;
      const type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
      for (const tid of await readdir(`/proc/${pid}/task`)) {
        const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, 'N');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const key = `${type} / ${name}`;
        out[key] = (out[key] ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICK;
      }
    } catch { /* the process or thread ended */ }
  }
  return out;
}

// timeRun(page) with the CPU seconds Chromium's other threads spent meanwhile (pageCpu: all but
// the Workers, whose time is the engine's and the epoch's): what the page's drawing takes from
// the engine's cores.
export async function timeRunWithCpu(page, profile) {
  const before = await threadTimes(profile);
  const r = await timeRun(page);
  const after = await threadTimes(profile);
  const cpu = Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));
  const pageCpu = Object.entries(cpu).filter(([k]) => !k.endsWith('/ DedicatedWorker')).reduce((a, [, v]) => a + v, 0);
  return { ...r, pageCpu, cpu };
}
