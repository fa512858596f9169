// Firefox and WebKit (Safari's engine) behind the same small interface the cross-browser suite
// drives, beside Chromium's:
//   { name, goto(url), reload(), evaluate(fn, arg), screenshot(path), errors(), close() }
// evaluate(fn, arg) runs `fn(arg)` in the page (its promise awaited) and returns the result.
// - Firefox ESR through WebDriver BiDi (puppeteer-core; Debian's firefox-esr).
// - WebKitGTK's MiniBrowser through WebKitWebDriver (selenium-webdriver) under Xvfb, since
//   MiniBrowser has no headless mode. It has no BiDi, so errors are caught by hooks the suite
//   installs in the page (installErrorHooks) rather than by protocol events; it runs under
//   LANG=C.UTF-8, where WebKit once reported the language "C".
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { launchBrowser } from './browser.mjs';

const WEBKIT_DIR = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1';
const VIEWPORT = { width: 1280, height: 900 };

const call = (fn, arg) => `(${fn})(${JSON.stringify(arg ?? null)})`;

// Page-side error hooks (every browser, so the three report the same way).
function installErrorHooks() {
  if (window.__errors) return;
  window.__errors = [];
  window.addEventListener('error', (e) => window.__errors.push(`error: ${e.message}`));
  window.addEventListener('unhandledrejection', (e) => window.__errors.push(`rejection: ${e.reason?.message ?? e.reason}`));
  document.addEventListener('securitypolicyviolation', (e) => window.__errors.push(`CSP ${e.violatedDirective}: ${e.blockedURI}`));
}

// A Playwright or Puppeteer page (they share goto/reload/evaluate/screenshot and 'pageerror').
async function fromPage(name, page, close) {
  const seen = [];
  page.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`));
  return {
    name,
    goto: (url) => page.goto(url),
    reload: () => page.reload(),
    evaluate: (fn, arg) => page.evaluate(call(fn, arg)),
    screenshot: (path) => page.screenshot({ path }),
    errors: async () => [...seen, ...await page.evaluate(() => window.__errors ?? [])],
    close,
  };
}

export async function openChromium() {
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  await page.setViewportSize(VIEWPORT);
  await page.addInitScript(installErrorHooks);
  return fromPage('chromium', page, () => browser.close());
}

export async function openFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox', protocol: 'webDriverBiDi', headless: true,
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    // No update checks, telemetry or captive-portal probes: this network is closed.
    extraPrefsFirefox: { 'network.captive-portal-service.enabled': false, 'app.update.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false },
  });
  const page = await browser.newPage();
  await page.setViewport(VIEWPORT);
  await page.evaluateOnNewDocument(installErrorHooks);
  return fromPage('firefox', page, () => browser.close());
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForDriver(port, child) {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('WebKitWebDriver did not start within 10 s');
}

export async function openWebKit() {
  const { Builder } = await import('selenium-webdriver');
  const port = await freePort();
  // xvfb-run gives the driver (and the MiniBrowser it starts) a display of its own.
  const child = spawn('xvfb-run', ['-a', '/usr/bin/WebKitWebDriver', `--port=${port}`],
    { stdio: 'ignore', env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' }, detached: true });
  await waitForDriver(port, child);
  const driver = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities({
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': { binary: `${WEBKIT_DIR}/MiniBrowser`, args: ['--automation'] },
  }).build();
  await driver.manage().window().setRect(VIEWPORT).catch(() => {});
  const evaluate = async (fn, arg) => driver.executeScript(`return ${call(fn, arg)};`);
  const hooked = async () => evaluate(installErrorHooks);
  return {
    name: 'webkit',
    goto: async (url) => { await driver.get(url); await hooked(); },
    reload: async () => { await driver.navigate().refresh(); await hooked(); },
    evaluate,
    // Viewport screenshots only: WebKitWebDriver's element screenshots fail under Xvfb.
    screenshot: async (path) => writeFile(path, Buffer.from(await driver.takeScreenshot(), 'base64')),
    errors: async () => evaluate(() => window.__errors ?? []),
    close: async () => {
      await driver.quit().catch(() => {});
      try { process.kill(-child.pid); } catch { /* already gone */ }
    },
  };
}
