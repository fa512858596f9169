import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { decideThreads, threadsStatus, decideHere, MAX_THREADS } from '../../web/lib/threads.mjs';

test('an isolated page with SharedArrayBuffer gets one thread per core, at most 8', () => {
  const d = decideThreads({ crossOriginIsolated: true, sharedArrayBuffer: true, cores: 2 });
  assert.deepEqual(d, { threads: 2, isolated: true, reason: 'threads.isolated' });
  assert.equal(threadsStatus(d), '2 threads');
  assert.equal(decideThreads({ crossOriginIsolated: true, sharedArrayBuffer: true, cores: 6 }).threads, 6);
  assert.equal(decideThreads({ crossOriginIsolated: true, sharedArrayBuffer: true, cores: 16 }).threads, MAX_THREADS);
  // An unknown core count (no navigator.hardwareConcurrency) counts as 2; one core says so.
  assert.equal(decideThreads({ crossOriginIsolated: true, sharedArrayBuffer: true, cores: undefined }).threads, 2);
  const single = decideThreads({ crossOriginIsolated: true, sharedArrayBuffer: true, cores: 1 });
  assert.equal(threadsStatus(single), '1 thread: this device reports one core');
});

test('a count asked for is given, even beyond the cores; anything else is an error', () => {
  assert.equal(decideThreads({ requested: 8, crossOriginIsolated: true, sharedArrayBuffer: true, cores: 2 }).threads, 8);
  assert.equal(decideThreads({ requested: 3, isNode: true, sharedArrayBuffer: true, cores: 2 }).threads, 3);
  for (const bad of [0, 9, 2.5, '2', null]) {
    assert.throws(() => decideThreads({ requested: bad, isNode: true }), /threads must be 'auto' or an integer from 1 to 8/);
  }
});

test('a page that is not isolated, or has no SharedArrayBuffer, or asked for 1, runs one thread and says why', () => {
  const plain = decideThreads({ crossOriginIsolated: false, sharedArrayBuffer: true, cores: 4 });
  assert.equal(threadsStatus(plain), '1 thread: the page is not cross-origin isolated');
  assert.equal(plain.isolated, false);
  const webkit = decideThreads({ crossOriginIsolated: true, sharedArrayBuffer: false, cores: 4 });
  assert.equal(threadsStatus(webkit), '1 thread: this browser has no SharedArrayBuffer');
  const asked = decideThreads({ requested: 1, crossOriginIsolated: true, sharedArrayBuffer: true, cores: 4 });
  assert.equal(asked.threads, 1);
  assert.equal(threadsStatus(asked), '1 thread: one thread was asked for');
});

test('Node is always "isolated"; here auto follows os.availableParallelism()', async () => {
  assert.equal((await decideHere('auto')).threads, Math.min(MAX_THREADS, availableParallelism()));
  assert.equal((await decideHere(1)).threads, 1);
  assert.equal((await decideHere(4)).threads, 4);
  assert.equal((await decideHere('auto')).isolated, true);
});
