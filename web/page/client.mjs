// The page's one connection to the training Worker: requests with ids (protocol.mjs), events to
// onEvent, and the heartbeat. A worker that raises an error or stops answering is replaced:
// every request in flight is rejected with {code: 'worker.failed'}, onFailure(reason) runs, and
// a fresh worker starts (its 'ready' event follows as for the first one).
import { createRequester } from '../worker/protocol.mjs';
import { createHeartbeat } from '../worker/heartbeat.mjs';

export function createClient({ url, onEvent, onFailure, Worker = globalThis.Worker }) {
  let worker = null;
  let requester = null;

  const heartbeat = createHeartbeat({
    ping: (seq) => worker.postMessage({ type: 'ping', seq }),
    onDead: (ms) => fail({ code: 'worker.silent', params: { seconds: Math.round(ms / 1000) } }),
  });

  function start() {
    const w = new Worker(url, { type: 'module' });
    const r = createRequester((msg, transfer) => w.postMessage(msg, transfer));
    worker = w;
    requester = r;
    // A replaced worker's last messages are ignored: they would land on the fresh worker's page.
    w.onmessage = (e) => {
      if (w !== worker) return;
      heartbeat.alive();
      if (!r.settle(e.data)) onEvent(e.data);
    };
    w.onerror = (e) => {
      e.preventDefault?.();
      if (w === worker) fail({ code: 'worker.error', params: { detail: e.message ?? '' } });
    };
  }

  function fail(reason) {
    const old = requester;
    worker.terminate();
    heartbeat.stop();
    start();
    old.failAll({ code: 'worker.failed', params: { reason } });
    onFailure(reason);
  }

  start();
  return {
    request: (type, payload, transfer) => requester.request(type, payload, transfer),
    // The heartbeat runs while a job may keep the worker busy (training, evaluating).
    watch(on) { on ? heartbeat.start() : heartbeat.stop(); },
    heartbeat,
    get worker() { return worker; },
  };
}
