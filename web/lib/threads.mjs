// How many threads the engine gets here, and why: one pure decision, shared by loadEngine (which
// acts on it) and the Worker's 'ready' message (which the page shows: "2 threads" / "1 thread:
// the page is not cross-origin isolated").
//   decideThreads({requested, isNode, sharedArrayBuffer, crossOriginIsolated, maxThreads})
//     -> {threads, isolated, reason}   reason: a message-catalog key (web/i18n/en.mjs)
// requested: 1, 2 or 'auto'. sharedArrayBuffer: whether the global exists (WebKitGTK has none
// unless JSC_useSharedArrayBuffer=1). maxThreads: what the threaded build runs (2 today).
import { t } from './i18n.mjs';

export function decideThreads({ requested = 'auto', isNode = false, sharedArrayBuffer, crossOriginIsolated, maxThreads = 2 }) {
  const isolated = isNode || crossOriginIsolated === true;
  if (requested === 1) return { threads: 1, isolated, reason: 'threads.asked' };
  if (!isNode && crossOriginIsolated !== true) {
    return { threads: 1, isolated, reason: 'threads.notIsolated' };
  }
  if (!sharedArrayBuffer) return { threads: 1, isolated, reason: 'threads.noSharedArrayBuffer' };
  return { threads: maxThreads, isolated, reason: isNode ? 'threads.node' : 'threads.isolated' };
}

// The status line for a decision: "2 threads" or "1 thread: <reason>".
export function threadsStatus({ threads, reason }) {
  return threads === 1 ? t('threads.one', { reason: t(reason) }) : t('threads.many', { threads });
}

// The decision for this JS context (a page, a Worker or Node).
export function decideHere(requested) {
  return decideThreads({
    requested,
    isNode: typeof process !== 'undefined' && process.versions?.node !== undefined,
    sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
    crossOriginIsolated: globalThis.crossOriginIsolated,
  });
}
