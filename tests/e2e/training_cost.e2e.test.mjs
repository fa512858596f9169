// What the page draws while it trains (issue 17 part 4): its drawing takes CPU from the engine,
// so the charts wait on a timer between draws (not on a chain of animation frames) and the live
// feature maps are asked for only while the maps are on screen. Counts, not timings: speed is
// measured in bench/chromium_epoch.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../scripts/serve.mjs';
import { launchBrowser } from './browser.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
let server, browser, page;
const errors = [];

before(async () => {
  server = await startServer({ port: 0, headers: { 'Content-Security-Policy': CSP } });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  // Every animation frame the page's own modules ask for (playwright's waitForFunction polls
  // with animation frames too: those are not counted), and every request it makes of the Worker.
  await page.addInitScript(() => {
    window.frames_ = 0;
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (fn) => {
      if (new Error().stack.includes(location.origin)) window.frames_ += 1;
      return raf(fn);
    };
  });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.convlab?.state === 'ready' && window.convlab.model, null, { timeout: 120_000 });
  await page.evaluate(() => {
    window.requests_ = [];
    window.updates_ = 0;  // progress and epoch events that reached the store
    const { client, store } = window.convlab;
    store.subscribe((s, p) => {
      if (s.run && (s.run.progress !== p?.run?.progress || s.run.epochs !== p?.run?.epochs)) window.updates_ += 1;
    });
    const request = client.request;
    client.request = (type, ...rest) => {
      window.requests_.push({ type, at: performance.now(), live: store.get().run?.progress != null });
      return request(type, ...rest);
    };
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

const runs = () => page.evaluate(() => window.convlab.store.get().rows.length);
const scrollTo = (selector) => page.evaluate((s) => document.querySelector(s).scrollIntoView({ block: 'start' }), selector);

test('with the curves on screen, training asks for a few animation frames a second, not one per frame', async () => {
  await page.fill('#samples', '4800');
  await page.fill('#epochs', '1');
  const before = await runs();
  const [framesBefore, updatesBefore] = await page.evaluate(() => [window.frames_, window.updates_]);
  await page.click('#train');  // scrolls the button into view: the charts are scrolled to after
  await scrollTo('#curves-panel');
  await page.waitForFunction((n) => window.convlab.store.get().rows.length > n && window.convlab.state === 'ready', before, { timeout: 120_000 });
  const [frames, updates] = (await page.evaluate(() => [window.frames_, window.updates_])).map((n, i) => n - [framesBefore, updatesBefore][i]);
  const row = await page.evaluate(() => window.convlab.store.get().rows.at(-1));
  assert.equal(row.ending, 'finished');
  const perSecond = frames / row.secondsPerEpoch;
  // Two charts, each drawn at most every 100 ms on screen (20 a second at most) and at most once
  // for each update (the run's start and end add a few). A chart that re-asked for a frame
  // until its interval had passed asked for many more.
  assert.ok(frames > 0, 'the charts were drawn');
  const said = `${frames} animation frames for ${updates} updates in ${row.secondsPerEpoch.toFixed(1)} s of training`;
  assert.ok(perSecond <= 20, said);
  assert.ok(frames <= 2 * updates + 4, said);
  assert.ok(await page.evaluate(() => window.convlab.store.get().log.lines.some((l) => /^150\/150 .* - loss: /.test(l))), 'the Keras epoch line');
  assert.deepEqual(errors, []);
});

test('a chart fed every 20 ms draws at most every 100 ms on screen and every 2 s off screen', async () => {
  const frames = await page.evaluate(async () => {
    const { createCurves } = await import('./ui/curves.mjs');
    const feed = async (style) => {
      const box = document.createElement('div');
      box.style.cssText = `width: 400px; ${style}`;
      document.body.append(box);
      const chart = createCurves(box, { metric: 'loss' });
      await chart.ready;
      await new Promise((ok) => setTimeout(ok, 100));  // the observer has said where it is
      const before = window.frames_, started = performance.now();
      for (let step = 1; step <= 50; step++) {
        chart.addBatch(step, 1 / step);
        await new Promise((ok) => setTimeout(ok, 20));
      }
      const asked = { frames: window.frames_ - before, ms: performance.now() - started };
      chart.destroy();
      box.remove();
      return asked;
    };
    return { onScreen: await feed('position: fixed; top: 0'), offScreen: await feed('position: absolute; top: 20000px') };
  });
  // 50 updates over >= 1 s: one draw per 100 ms; a chart that asked for a frame until its
  // interval had passed asked for one every frame (~60 a second).
  const { onScreen: on, offScreen: off } = frames;
  assert.ok(on.frames >= 3 && on.frames <= on.ms / 100 + 2, `on screen: ${on.frames} frames in ${Math.round(on.ms)} ms`);
  assert.ok(off.frames <= off.ms / 2000 + 1, `off screen: ${off.frames} frames in ${Math.round(off.ms)} ms`);
});

test('live feature maps are asked for only while the maps are on screen, and catch up when scrolled to', async () => {
  await page.fill('#samples', '60000');
  await page.click('#train');
  await scrollTo('#train-panel');
  await page.waitForFunction(() => window.convlab.store.get().run?.progress?.batch >= 0);
  const started = await page.evaluate(() => performance.now());
  // Long enough for two live refreshes, had the panel been on screen.
  await page.waitForFunction((t) => performance.now() - t > 4500, started, { timeout: 60_000 });
  await page.click('#pause');
  await page.waitForFunction(() => window.convlab.state === 'paused');
  const offScreen = await page.evaluate((t) => window.requests_.filter((r) => r.type === 'featureMaps' && r.at > t).length, started);
  assert.equal(offScreen, 0, 'no live maps while the panel is scrolled away');
  await scrollTo('#maps-panel');
  await page.waitForFunction((t) => window.requests_.some((r) => r.type === 'featureMaps' && r.at > t && r.live), started, { timeout: 5_000 });
  await page.waitForFunction(() => document.querySelectorAll('#feature-grid canvas').length >= 12);
  await page.click('#stop');
  await page.waitForFunction(() => window.convlab.state === 'ready', null, { timeout: 60_000 });
  assert.equal(await page.evaluate(() => window.convlab.store.get().rows.at(-1).ending), 'stopped');
  assert.deepEqual(errors, []);
});
