// One full epoch of the lab model (60,000 images, batch 32, one thread) on the trainer page in
// headless Chromium, timed by the page itself (the Worker's 'done' event). The bound:
// 20 s.   node bench/chromium_epoch.mjs [--model lab] [--runs 1]
import { parseArgs } from 'node:util';
import { startServer } from '../scripts/serve.mjs';
import { launchBrowser } from '../tests/e2e/browser.mjs';

const { values } = parseArgs({ options: { model: { type: 'string', default: 'lab' }, runs: { type: 'string', default: '1' } } });
const server = await startServer({ port: 0 });
const browser = await launchBrowser();
try {
  const page = await browser.context.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => /^Ready/.test(document.getElementById('status').textContent), null, { timeout: 120_000 });
  await page.selectOption('#preset', values.model);
  await page.waitForFunction(() => window.convlab.model && window.convlab.state === 'idle');
  await page.fill('#samples', '60000');
  await page.fill('#epochs', '1');
  await page.fill('#validation-split', '0');
  for (let run = 0; run < Number(values.runs); run++) {
    const before = await page.evaluate(() => window.convlab.runs.length);
    await page.click('#reset');
    await page.waitForTimeout(500);
    await page.click('#train');
    await page.waitForFunction((n) => window.convlab.runs.length > n && window.convlab.state === 'idle', before, { timeout: 600_000 });
    const r = await page.evaluate(() => window.convlab.runs.at(-1));
    const seconds = r.seconds.reduce((a, b) => a + b, 0);
    console.log(JSON.stringify({ engine: 'convlab wasm, Chromium worker', model: values.model, epochSeconds: Number(seconds.toFixed(1)), imagesPerSecond: Math.round(60000 / seconds), trainAccuracy: r.epochs.at(-1).accuracy }));
  }
} finally {
  await browser.close();
  server.close();
}
