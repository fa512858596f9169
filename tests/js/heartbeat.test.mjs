// The page's heartbeat on the training Worker (web/worker/heartbeat.mjs), on mocked timers: pings
// every interval, death only after a ping has gone unanswered for the whole timeout.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { createHeartbeat, HEARTBEAT_DEFAULTS } from '../../web/worker/heartbeat.mjs';

beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'Date'], now: 0 }));
afterEach(() => mock.timers.reset());

// Time moves in steps of at most one interval, so each tick sees the clock at its own time.
function advance(ms, step) {
  for (let done = 0; done < ms; done += step) mock.timers.tick(Math.min(step, ms - done));
}

function watch(options = {}) {
  const pings = [], deaths = [];
  const hb = createHeartbeat({
    ping: (seq) => pings.push(seq), onDead: (ms) => deaths.push(ms), now: () => Date.now(), ...options,
  });
  return { hb, pings, deaths };
}

test('defaults: a ping every 2 s, dead 20 s after a ping nothing answered', () => {
  assert.deepEqual({ ...HEARTBEAT_DEFAULTS }, { intervalMs: 2000, timeoutMs: 20_000 });
  const { hb, pings, deaths } = watch();
  hb.start();
  assert.equal(hb.running, true);
  advance(2000, 2000);
  assert.deepEqual(pings, [1]);
  advance(18_000, 2000);  // 20 s: the ping has waited 18 s
  assert.deepEqual(deaths, []);
  assert.deepEqual(pings, [1], 'no new ping while one is unanswered');
  advance(2000, 2000);  // 22 s: 20 s since the ping
  assert.deepEqual(deaths, [20_000]);
  assert.equal(hb.running, false);
  advance(20_000, 2000);
  assert.deepEqual(deaths, [20_000], 'onDead is called once');
  assert.deepEqual(pings, [1]);
});

test('a worker that answers between batches is never declared dead', () => {
  const { hb, pings, deaths } = watch({ intervalMs: 100, timeoutMs: 1000 });
  hb.start();
  for (let i = 0; i < 100; i++) {
    advance(100, 100);
    hb.alive();  // the pong (or any other message) arrives before the next tick
  }
  assert.equal(pings.length, 100);
  assert.deepEqual(pings.slice(0, 3), [1, 2, 3]);
  assert.deepEqual(deaths, []);
  assert.equal(hb.running, true);
  hb.stop();
});

test('a slow batch shorter than the timeout is waited for; the answer resets the watch', () => {
  const { hb, pings, deaths } = watch({ intervalMs: 100, timeoutMs: 1000 });
  hb.start();
  advance(100, 100);  // ping 1 at 100 ms, then a 900 ms batch
  advance(900, 100);
  assert.deepEqual(deaths, []);
  hb.alive();
  advance(100, 100);  // answered: ping 2 at 1100 ms
  assert.deepEqual(pings, [1, 2]);
  advance(900, 100);
  assert.deepEqual(deaths, []);
  advance(100, 100);
  assert.deepEqual(deaths, [1000]);
});

test('a throttled timer only sends pings late: a long quiet gap between answered pings is no death', () => {
  const { hb, pings, deaths } = watch({ intervalMs: 60_000, timeoutMs: 1000 });
  hb.start();
  for (let i = 0; i < 5; i++) {
    advance(60_000, 60_000);
    hb.alive();
  }
  assert.equal(pings.length, 5);
  assert.deepEqual(deaths, []);
  hb.stop();
});

test('stop ends the watch; start again begins with no ping outstanding', () => {
  const { hb, pings, deaths } = watch({ intervalMs: 100, timeoutMs: 300 });
  hb.start();
  advance(100, 100);  // ping 1, never answered
  hb.stop();
  assert.equal(hb.running, false);
  advance(10_000, 100);
  assert.deepEqual(deaths, []);
  assert.deepEqual(pings, [1]);
  hb.start();
  hb.start();  // idempotent: one timer
  advance(100, 100);
  assert.deepEqual(pings, [1, 2]);
  advance(300, 100);
  assert.deepEqual(deaths, [300]);
});

test('the timeout can be changed on a running watch (the e2e test shortens it)', () => {
  const { hb, deaths } = watch({ intervalMs: 100 });
  hb.start();
  advance(100, 100);
  hb.timeoutMs = 500;
  advance(400, 100);
  assert.deepEqual(deaths, []);
  advance(100, 100);
  assert.deepEqual(deaths, [500]);
});
