// How many threads the engine gets here, and why: one pure decision, shared by loadEngine (which
// acts on it) and the Worker's 'ready' message (which the page shows: "4 threads" / "1 thread:
// the page is not cross-origin isolated").
//   decideThreads({requested, isNode, sharedArrayBuffer, crossOriginIsolated, cores})
//     -> {threads, isolated, reason}   reason: a message-catalog key (web/i18n/en.mjs)
// requested: 'auto' (one per core, at most MAX_THREADS) or a count 1 .. MAX_THREADS (more threads
// than cores is allowed: the tests check 3, 4 and 8 on a 2-core machine). sharedArrayBuffer:
// whether the global exists (WebKitGTK has none unless JSC_useSharedArrayBuffer=1). cores:
// navigator.hardwareConcurrency or os.availableParallelism() (2 when unknown).
import { t } from './i18n.mjs';

// The engine's cap (max_threads() in src/core/thread_pool.hpp).
export const MAX_THREADS = 8;

export function checkThreads(requested, where = 'threads') {
  if (requested === 'auto' || (Number.isInteger(requested) && requested >= 1 && requested <= MAX_THREADS)) return requested;
  throw new Error(`${where} must be 'auto' or an integer from 1 to ${MAX_THREADS}, got ${JSON.stringify(requested)}`);
}

export function decideThreads({ requested = 'auto', isNode = false, sharedArrayBuffer, crossOriginIsolated, cores = 2 }) {
  checkThreads(requested);
  const isolated = isNode || crossOriginIsolated === true;
  if (requested === 1) return { threads: 1, isolated, reason: 'threads.asked' };
  if (!isNode && crossOriginIsolated !== true) {
    return { threads: 1, isolated, reason: 'threads.notIsolated' };
  }
  if (!sharedArrayBuffer) return { threads: 1, isolated, reason: 'threads.noSharedArrayBuffer' };
  const threads = requested === 'auto' ? Math.min(MAX_THREADS, Math.max(1, Math.floor(cores) || 1)) : requested;
  if (threads === 1) return { threads: 1, isolated, reason: 'threads.oneCore' };
  return { threads, isolated, reason: isNode ? 'threads.node' : 'threads.isolated' };
}

// The status line for a decision: "4 threads" or "1 thread: <reason>".
export function threadsStatus({ threads, reason }) {
  return threads === 1 ? t('threads.one', { reason: t(reason) }) : t('threads.many', { threads });
}

// The decision for this JS context (a page, a Worker or Node).
export async function decideHere(requested) {
  const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  const cores = isNode ? (await import('node:os')).availableParallelism() : globalThis.navigator?.hardwareConcurrency;
  return decideThreads({
    requested,
    isNode,
    sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
    crossOriginIsolated: globalThis.crossOriginIsolated,
    cores,
  });
}
