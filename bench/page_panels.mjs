// What the explaining panels cost training (issue 15: at most 5 % fewer img/s, and the page
// at ≥ 50 frames a second while training). One page, one engine thread, runs alternating
// between the panels closed (the page's top on screen) and open: an own image given to "Try
// your own image" (its prediction and maps refresh while training, on screen) and the
// step-through playing at its fastest, both scrolled on screen. Frames are counted on the main thread with
// requestAnimationFrame during each run. Median [min–max] of --runs per side.
//   node bench/page_panels.mjs [--runs 3] [--samples 12800] [--model lab]
import { parseArgs } from 'node:util';
import { startServer } from '../scripts/serve.mjs';
import { launchBrowser } from '../tests/e2e/browser.mjs';
import { openTrainer, timeRun, waitIn } from './page_epoch.mjs';
import { summarize } from './stats.mjs';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, samples: { type: 'string', default: '12800' }, model: { type: 'string', default: 'lab' } },
});
const runs = Number(values.runs);
const server = await startServer({ port: 0, isolate: true });
const browser = await launchBrowser({ serviceWorkers: 'block' });
const fmt = ({ median, min, max }, digits = 0) => `${median.toFixed(digits)} [${min.toFixed(digits)}–${max.toFixed(digits)}]`;

// Test image 0, upscaled 4×, dropped on the own-image panel as a PNG file.
async function giveOwnImage(page) {
  await page.evaluate(async () => {
    const { data } = window.convlab.store.get();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 112;
    const ctx = canvas.getContext('2d');
    const image = ctx.createImageData(28, 28);
    for (let p = 0; p < 784; p++) image.data.fill(data.testImages[p], p * 4, p * 4 + 3), (image.data[p * 4 + 3] = 255);
    const small = document.createElement('canvas');
    small.width = small.height = 28;
    small.getContext('2d').putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, 0, 0, 112, 112);
    const blob = await new Promise((r) => canvas.toBlob(r, 'image/png'));
    const dt = new DataTransfer();
    dt.items.add(new File([blob], 'shoe.png', { type: 'image/png' }));
    document.getElementById('own-image-panel').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await waitIn(page, () => document.getElementById('own-image-panel').ownImage);
}

async function setPanels(page, open) {
  await page.evaluate((open) => {
    const button = document.getElementById('step-open');
    if ((button.getAttribute('aria-expanded') === 'true') !== open) button.click();
    // The step-through animates only on screen; the own image's prediction refreshes anywhere.
    // The step-through at the top, the end of the own-image panel above it: both on screen.
    (open ? document.getElementById('step-panel') : document.body).scrollIntoView({ block: 'start' });
    if (open) window.scrollBy(0, -120);
  }, open);
  if (!open) return;
  await page.selectOption('#step-speed', String(16));
  await waitIn(page, () => document.getElementById('step-text').textContent !== '');
  if (await page.getAttribute('#step-play', 'aria-pressed') !== 'true') await page.click('#step-play');
}

// timeRun with the main thread's frames a second meanwhile.
async function timedWithFrames(page) {
  await page.evaluate(() => {
    window.benchFrames = 0;
    window.benchFramesRun = true;
    // Positions the step-through showed, and own-image predictions drawn, during the run.
    window.benchSteps = 0;
    window.benchPredictions = 0;
    window.benchObservers = [
      new MutationObserver(() => window.benchSteps++),
      new MutationObserver(() => window.benchPredictions++),
    ];
    window.benchObservers[0].observe(document.getElementById('step-text'), { childList: true, characterData: true, subtree: true });
    window.benchObservers[1].observe(document.getElementById('own-image-probabilities'), { childList: true });
    const tick = () => { window.benchFrames++; if (window.benchFramesRun) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const r = await timeRun(page);
  const counts = await page.evaluate(() => {
    window.benchFramesRun = false;
    for (const o of window.benchObservers) o.disconnect();
    return { frames: window.benchFrames, steps: window.benchSteps, predictions: window.benchPredictions };
  });
  return { ...r, fps: counts.frames / r.wall, steps: counts.steps, predictions: counts.predictions };
}

try {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openTrainer(page, `http://127.0.0.1:${server.address().port}/`, { threads: 1, model: values.model, samples: Number(values.samples) });
  await giveOwnImage(page);
  const sides = { closed: [], open: [] };
  for (let run = 0; run < runs; run++) {
    for (const side of run % 2 ? ['open', 'closed'] : ['closed', 'open']) {
      await setPanels(page, side === 'open');
      const r = await timedWithFrames(page);
      sides[side].push(r);
      console.log(JSON.stringify({ side, run: run + 1, imagesPerSecond: Math.round(r.imagesPerSecond), fps: Number(r.fps.toFixed(1)), steps: r.steps, predictions: r.predictions, epoch: Number(r.epoch.toFixed(2)) }));
    }
  }
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  if (sides.open.some((r) => r.steps < 2 || r.predictions < 1)) throw new Error('the panels did not work during an open run');
  const of = (side, key) => summarize(sides[side].map((r) => r[key]));
  const closed = of('closed', 'imagesPerSecond'), open = of('open', 'imagesPerSecond');
  console.log(`${values.model}, ${values.samples} images, 1 thread, ${runs} runs a side (${new Date().toISOString().slice(0, 10)}): ` +
    `panels closed ${fmt(closed)} img/s at ${fmt(of('closed', 'fps'), 1)} fps; open (own image + step-through playing) ` +
    `${fmt(open)} img/s at ${fmt(of('open', 'fps'), 1)} fps; slowdown ${((1 - open.median / closed.median) * 100).toFixed(1)} %`);
} finally {
  await browser.close();
  server.close();
}
