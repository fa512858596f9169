// How many threads the engine gets here, and why: one pure decision, shared by loadEngine (which
// acts on it) and the Worker's 'ready' message (which the page shows: "2 threads" / "1 thread:
// the page is not cross-origin isolated").
//   decideThreads({requested, isNode, sharedArrayBuffer, crossOriginIsolated, maxThreads})
//     -> {threads, isolated, reason}
// requested: 1, 2 or 'auto'. sharedArrayBuffer: whether the global exists (WebKitGTK has none
// unless JSC_useSharedArrayBuffer=1). maxThreads: what the threaded build runs (2 today).
export function decideThreads({ requested = 'auto', isNode = false, sharedArrayBuffer, crossOriginIsolated, maxThreads = 2 }) {
  const isolated = isNode || crossOriginIsolated === true;
  if (requested === 1) return { threads: 1, isolated, reason: 'one thread was asked for' };
  if (!isNode && crossOriginIsolated !== true) {
    return { threads: 1, isolated, reason: 'the page is not cross-origin isolated' };
  }
  if (!sharedArrayBuffer) return { threads: 1, isolated, reason: 'this browser has no SharedArrayBuffer' };
  return { threads: maxThreads, isolated, reason: isNode ? 'Node worker threads' : 'the page is cross-origin isolated' };
}

// The status line for a decision: "2 threads" or "1 thread: <reason>".
export function threadsStatus({ threads, reason }) {
  return threads === 1 ? `1 thread: ${reason}` : `${threads} threads`;
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
