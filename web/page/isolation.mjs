// Cross-origin isolation on hosts that send no headers (GitHub Pages, an LMS, a USB stick behind
// `python3 -m http.server`): the service worker (sw.js) re-serves every response of the page
// with COOP/COEP, so a page it controls is cross-origin isolated and the engine gets its
// threads. The first visit is not controlled yet, so the page reloads once as soon as the worker
// has taken over (the technique of coi-serviceworker). No reload where it cannot help: inside a
// frame (isolation there needs the parent's headers too), without service workers (file://,
// some private modes), or when a reload already failed to isolate the page in this tab.
//   startServiceWorker({ win }) -> 'isolated' | 'reloading' | 'unsupported' | 'framed' | 'refused' | 'timeout'
// The caller stops booting on 'reloading' (the page is about to be replaced).
const TRIED = 'convlab.isolationReload';
// The first visit waits this long for the service worker (installing caches the app shell); past
// it the page starts on one thread and the next visit is isolated.
const WAIT_MS = 8000;

export function isolationPlan({ isolated, hasServiceWorker, httpPage, framed, tried }) {
  if (!hasServiceWorker || !httpPage) return 'unsupported';
  if (isolated) return 'isolated';
  if (framed) return 'framed';
  if (tried) return 'refused';
  return 'reload';
}

// sessionStorage can throw on access (storage blocked in a third-party frame): no storage, no
// reload, so never a loop.
function readTried(win) {
  try { return win.sessionStorage.getItem(TRIED) !== null; } catch { return true; }
}

function controlled(sw, ms) {
  if (sw.controller) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    sw.addEventListener('controllerchange', () => { clearTimeout(timer); resolve(true); }, { once: true });
  });
}

export async function startServiceWorker({ win = globalThis, url, waitMs = WAIT_MS } = {}) {
  let sw;
  try { sw = win.navigator.serviceWorker; } catch { /* a sandboxed frame: none */ }
  const plan = isolationPlan({
    isolated: win.crossOriginIsolated === true,
    hasServiceWorker: sw !== undefined,
    httpPage: /^https?:$/.test(win.location.protocol),
    framed: win.top !== win,
    tried: readTried(win),
  });
  if (plan === 'unsupported') return plan;
  // Registration failing (private mode, a host that refuses sw.js) only loses offline use.
  const registered = sw.register(url).then(() => true, () => false);
  if (plan === 'isolated') {
    try { win.sessionStorage.removeItem(TRIED); } catch { /* nothing to clear */ }
    return plan;
  }
  if (plan !== 'reload') return plan;
  if (!(await registered) || !(await controlled(sw, waitMs))) return 'timeout';
  try { win.sessionStorage.setItem(TRIED, '1'); } catch { return 'refused'; }
  win.location.reload();
  return 'reloading';
}
