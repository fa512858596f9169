import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideThreads, threadsStatus, decideHere } from '../../web/lib/threads.mjs';

test('an isolated page with SharedArrayBuffer gets the threaded build', () => {
  const d = decideThreads({ crossOriginIsolated: true, sharedArrayBuffer: true });
  assert.deepEqual(d, { threads: 2, isolated: true, reason: 'threads.isolated' });
  assert.equal(threadsStatus(d), '2 threads');
});

test('a page that is not isolated, or has no SharedArrayBuffer, or asked for 1, runs one thread and says why', () => {
  const plain = decideThreads({ crossOriginIsolated: false, sharedArrayBuffer: true });
  assert.equal(threadsStatus(plain), '1 thread: the page is not cross-origin isolated');
  assert.equal(plain.isolated, false);
  const webkit = decideThreads({ crossOriginIsolated: true, sharedArrayBuffer: false });
  assert.equal(threadsStatus(webkit), '1 thread: this browser has no SharedArrayBuffer');
  const asked = decideThreads({ requested: 1, crossOriginIsolated: true, sharedArrayBuffer: true });
  assert.equal(asked.threads, 1);
  assert.equal(threadsStatus(asked), '1 thread: one thread was asked for');
});

test('Node is always "isolated"; here the decision follows the request', () => {
  assert.equal(decideHere('auto').threads, 2);
  assert.equal(decideHere(1).threads, 1);
  assert.equal(decideHere('auto').isolated, true);
});
