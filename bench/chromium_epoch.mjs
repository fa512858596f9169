// One full epoch of the lab model (60,000 images, batch 32) on the trainer page in headless
// Chromium, on 1 and 2 engine threads, timed by the page (bench/page_epoch.mjs): the engine's
// time inside train steps, the epoch as the Keras log prints it, and the wall time from the
// click to the run's row, and the CPU seconds the page's other threads took meanwhile; median
// [min–max] of --runs. Issue 17's bounds: the epoch ≤ 12 s on
// one thread and ≤ 8 s on two.
//   node bench/chromium_epoch.mjs [--model lab] [--runs 3] [--threads 1,2] [--samples 60000]
//                                 [--view #curves-panel] (scrolled there: curves and maps on screen)
//                                 [--web DIR] (another copy of web/, to compare)
import { parseArgs } from 'node:util';
import { startServer } from '../scripts/serve.mjs';
import { launchBrowser } from '../tests/e2e/browser.mjs';
import { openTrainer, timeRunWithCpu, webMounts } from './page_epoch.mjs';
import { summarize } from './stats.mjs';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'lab' }, runs: { type: 'string', default: '3' },
    threads: { type: 'string', default: '1,2' }, samples: { type: 'string', default: '60000' }, view: { type: 'string' }, web: { type: 'string' },
  },
});
const runs = Number(values.runs);
const samples = Number(values.samples);
// Cross-origin isolated by its headers (the threaded build), no service worker between.
const server = await startServer({ port: 0, isolate: true, mounts: webMounts(values.web) });
const browser = await launchBrowser({ serviceWorkers: 'block' });
const fmt = ({ median, min, max }, digits = 2) => `${median.toFixed(digits)} [${min.toFixed(digits)}–${max.toFixed(digits)}]`;
try {
  for (const threads of values.threads.split(',').map(Number)) {
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openTrainer(page, `http://127.0.0.1:${server.address().port}/`, { threads, model: values.model, samples, view: values.view });
    const times = [];
    for (let run = 0; run < runs; run++) {
      const { cpu, ...r } = await timeRunWithCpu(page, browser.profile);
      times.push(r);
      console.log(JSON.stringify({ model: values.model, threads, run: run + 1, ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toFixed(3)) : v])) }));
    }
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    const of = (key) => summarize(times.map((r) => r[key]));
    console.log(`${values.model}, ${samples} images, ${threads} thread${threads > 1 ? 's' : ''}, ${runs} runs (${new Date().toISOString().slice(0, 10)}): ` +
      `epoch ${fmt(of('epoch'))} s (${fmt(of('imagesPerSecond'), 0)} img/s), engine ${fmt(of('engine'))} s, ` +
      `worker overhead ${fmt(of('overhead'))} s, page CPU (main thread, compositor, raster) ${fmt(of('pageCpu'))} s, wall ${fmt(of('wall'))} s`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
