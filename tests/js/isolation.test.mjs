// page/isolation.mjs: when the page reloads once to become cross-origin isolated through its
// service worker, and when it must not (a frame, no service worker, a reload that already failed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isolationPlan, startServiceWorker } from '../../web/page/isolation.mjs';

const base = { isolated: false, hasServiceWorker: true, httpPage: true, framed: false, tried: false };

test('the plan: reload only a plain, top-level, service-worker page not tried before', () => {
  assert.equal(isolationPlan(base), 'reload');
  assert.equal(isolationPlan({ ...base, isolated: true }), 'isolated');
  assert.equal(isolationPlan({ ...base, framed: true }), 'framed');
  assert.equal(isolationPlan({ ...base, tried: true }), 'refused');
  assert.equal(isolationPlan({ ...base, hasServiceWorker: false }), 'unsupported');
  assert.equal(isolationPlan({ ...base, httpPage: false, isolated: true }), 'unsupported');
});

// A window with a fake service worker container; `takeOver` fires controllerchange.
function fakeWindow({ isolated = false, controller = null, storage = new Map(), framed = false, registerFails = false } = {}) {
  const listeners = [];
  const win = {
    crossOriginIsolated: isolated,
    location: { protocol: 'https:', reloads: 0, reload() { this.reloads += 1; } },
    sessionStorage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => storage.set(k, v), removeItem: (k) => storage.delete(k) },
    navigator: {
      serviceWorker: {
        controller,
        registered: [],
        register(url) { this.registered.push(url); return registerFails ? Promise.reject(new Error('refused')) : Promise.resolve({}); },
        addEventListener(type, fn) { if (type === 'controllerchange') listeners.push(fn); },
      },
    },
    takeOver() { win.navigator.serviceWorker.controller = {}; listeners.splice(0).forEach((fn) => fn()); },
  };
  win.top = framed ? {} : win;
  return win;
}

test('a first visit reloads once, after the worker takes over, and remembers it tried', async () => {
  const storage = new Map();
  const win = fakeWindow({ storage });
  const result = startServiceWorker({ win, url: 'sw.js', waitMs: 1000 });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(win.location.reloads, 0, 'no reload before the worker controls the page');
  win.takeOver();
  assert.equal(await result, 'reloading');
  assert.equal(win.location.reloads, 1);
  assert.deepEqual(win.navigator.serviceWorker.registered, ['sw.js']);
  // The reloaded page is still not isolated (a browser that ignores the headers): no loop.
  const again = fakeWindow({ storage, controller: {} });
  assert.equal(await startServiceWorker({ win: again, url: 'sw.js' }), 'refused');
  assert.equal(again.location.reloads, 0);
});

test('an isolated page clears the mark, so a later visit may try again', async () => {
  const storage = new Map([['convlab.isolationReload', '1']]);
  const win = fakeWindow({ storage, isolated: true, controller: {} });
  assert.equal(await startServiceWorker({ win, url: 'sw.js' }), 'isolated');
  assert.equal(storage.size, 0);
  assert.equal(win.navigator.serviceWorker.registered.length, 1, 'still registered, for offline use');
});

test('no reload in a frame, without a worker taking over in time, or when registration fails', async () => {
  const framed = fakeWindow({ framed: true });
  assert.equal(await startServiceWorker({ win: framed, url: 'sw.js' }), 'framed');
  const slow = fakeWindow();
  assert.equal(await startServiceWorker({ win: slow, url: 'sw.js', waitMs: 20 }), 'timeout');
  const refused = fakeWindow({ registerFails: true });
  assert.equal(await startServiceWorker({ win: refused, url: 'sw.js', waitMs: 20 }), 'timeout');
  for (const w of [framed, slow, refused]) assert.equal(w.location.reloads, 0);
  const none = fakeWindow();
  delete none.navigator.serviceWorker;
  assert.equal(await startServiceWorker({ win: none, url: 'sw.js' }), 'unsupported');
});
