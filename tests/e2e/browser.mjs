// Shared set-up for browser tests: Debian's Chromium, headless, driven by playwright-core
// (flags from the toolchain notes: without the background-networking ones Chromium tries to
// reach Google's hosts, which this closed network refuses).
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// extraArgs: more Chromium flags (the soak test adds --enable-precise-memory-info).
// serviceWorkers: 'block' for a browser without them (the one-thread fallback of a plain host).
export async function launchBrowser({ extraArgs = [], serviceWorkers = 'allow' } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'convlab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    serviceWorkers,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
  return {
    context,
    profile,  // the profile folder: names this browser's processes (bench/page_datasets.mjs)
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

// After a resize: ResizeObserver-driven charts redraw (a short wait), then two frames are drawn,
// so a layout measured next is the settled one however busy the machine is.
export async function settle(page) {
  await page.waitForTimeout(150);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}
