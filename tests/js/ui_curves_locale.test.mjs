// The vendored uPlot 1.6.32 throws at import when navigator.language is not a BCP 47 tag (WebKitGTK
// under LANG=C.UTF-8 says 'C'); loadUPlot must still load it. A minimal window stands in for the
// page (uPlot only reads devicePixelRatio and matchMedia, and listens on window, at import).
import { test } from 'node:test';
import assert from 'node:assert/strict';

const mediaQuery = () => Object.assign(new EventTarget(), { matches: false, addListener() {}, removeListener() {} });
globalThis.window = Object.assign(new EventTarget(), { matchMedia: mediaQuery });
globalThis.document = {};
globalThis.devicePixelRatio = 1;
globalThis.matchMedia = mediaQuery;
Object.defineProperty(globalThis, 'navigator', { value: { language: 'C' }, configurable: true, writable: true });

test('uPlot as published fails to import under navigator.language "C" (the bug)', async () => {
  await assert.rejects(import('../../web/vendor/uPlot.esm.js?unfixed'), RangeError);
});

test('loadUPlot imports uPlot under navigator.language "C" and formats numbers in en-US', async () => {
  const { loadUPlot } = await import('../../web/ui/curves.mjs');
  const uPlot = await loadUPlot();
  assert.equal(typeof uPlot, 'function');
  assert.equal(uPlot.fmtNum(12345.5), '12,345.5');
  assert.equal(navigator.language, 'en-US');
});
