// The page's watch on the training Worker while a job runs (no DOM, no wasm; tests/js drives it
// with mocked timers). A Worker that is killed, or hangs in an endless loop, raises no 'error'
// event; this notices it instead. Every intervalMs the page sends a ping, which the Worker answers
// between batches (fit yields to its event loop after each batch). Any message from the Worker
// counts as an answer. When a ping has gone unanswered for timeoutMs, onDead(ms) is called once
// and the watch stops.
//
// Only an unanswered ping counts: a timer the browser throttles (a background tab) merely sends
// pings later, it never mistakes the quiet between two of them for silence.
//
// The timeout is generous because a Worker is deaf during a batch: one batch of a big model at
// a large batch size on a slow machine can take seconds. Tests lower it (the options object is
// read at every tick, so app.heartbeat.timeoutMs = 2000 takes effect at once).

export const HEARTBEAT_DEFAULTS = Object.freeze({ intervalMs: 2000, timeoutMs: 20_000 });

export function createHeartbeat({ ping, onDead, now = () => performance.now(), ...options }) {
  const watch = { ...HEARTBEAT_DEFAULTS, ...options, running: false, start, stop, alive };
  let timer = null, seq = 0, answered = true, pingAt = 0;

  function start() {
    if (timer !== null) return;
    answered = true;
    watch.running = true;
    timer = setInterval(tick, watch.intervalMs);
  }

  function stop() {
    clearInterval(timer);
    timer = null;
    watch.running = false;
  }

  // Called for every message the Worker sends.
  function alive() {
    answered = true;
  }

  function tick() {
    if (timer === null) return;  // stopped by an earlier tick this turn
    const t = now();
    if (!answered) {
      if (t - pingAt >= watch.timeoutMs) {
        stop();
        onDead(t - pingAt);
      }
      return;
    }
    answered = false;
    pingAt = t;
    ping(++seq);
  }

  return watch;
}
