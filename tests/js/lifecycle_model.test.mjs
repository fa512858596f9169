// Model-based test of the page's run lifecycle (page/controller.mjs + page/lifecycle.mjs): random
// sequences of what a student does (edit, Train, Continue, Pause, Step, Resume, Stop, Reset,
// Evaluate, a preset) interleaved with randomly timed worker messages, against a fake worker
// that follows worker/protocol.mjs. After every step the invariants hold: one row per ended run,
// rows never mislabelled, enabled controls that fit the state, no result on another run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createStore } from '../../web/page/store.mjs';
import { createController, initialState } from '../../web/page/controller.mjs';
import { controls, STATES, transition } from '../../web/page/lifecycle.mjs';
import { createRequester, RemoteError } from '../../web/worker/protocol.mjs';
import { DEFAULTS } from '../../web/lib/settings.mjs';
import { memoryExperimentsStore } from '../../web/page/experiments_store.mjs';

// Codes the fake parser knows: A and B build; 'syntax' fails to parse; 'engine' parses, then the
// worker refuses it naming layer 1.
const CODES = ['A', 'B', 'syntax', 'engine'];
function parse(code) {
  if (code === 'syntax') throw Object.assign(new Error('bad'), { line: 2, reason: 'bad' });
  return { config: { code }, layerLines: [1, 2], compile: null, fit: null, stop: null };
}

// The worker: handles each request at once (its outgoing messages are queued, in order), except
// a run, which moves one batch each time the schedule says so.
function fakeWorker() {
  const out = [];  // messages to the page, delivered in order by the schedule
  let model = null, run = null;
  const trained = new Map();  // runId -> the code the run trained
  const send = (m) => out.push(m);
  const reply = (id, result) => send({ type: 'reply', id, result });
  const refuse = (id, code, params = {}) => send({ type: 'reply', id, error: { code, params } });
  const handle = (m) => {
    switch (m.type) {
      case 'build':
        if (run) return refuse(m.id, 'worker.busy');
        if (m.config.code === 'engine') return refuse(m.id, 'engine.layer', { layer: 'dense', index: 1, detail: 'x' });
        model = m.config.code;
        return reply(m.id, { summary: model, layers: [{ name: 'dense', className: 'Dense', countParams: 1 }], params: model.length, config: m.config });
      case 'reset':
        if (run) return refuse(m.id, 'worker.busy');
        return reply(m.id, { summary: model, layers: [], params: 1, config: { code: model } });
      case 'train':
        if (run || !model) return refuse(m.id, run ? 'worker.busy' : 'worker.noModel');
        run = { id: m.id, runId: m.runId, batch: 0, state: 'training', stopped: false };
        trained.set(m.runId, model);
        return send({ type: 'state', runId: m.runId, state: 'training' });
      case 'pause':
        if (run?.state === 'training') { run.state = 'paused'; send({ type: 'state', runId: run.runId, state: 'paused' }); }
        return reply(m.id, true);
      case 'resume':
      case 'step':
        if (run?.state === 'paused') { run.state = 'training'; send({ type: 'state', runId: run.runId, state: 'training' }); }
        return reply(m.id, true);
      case 'stop':
        if (run) { run.stopped = true; run.state = 'stopping'; send({ type: 'state', runId: run.runId, state: 'stopping' }); }
        return reply(m.id, Boolean(run));
      case 'evaluate':
        if (run) return refuse(m.id, 'worker.busy');
        return reply(m.id, { loss: 1, accuracy: 0.5, probabilities: new Float32Array(0), classes: 10, steps: 1, seconds: 0 });
      default:
        return reply(m.id, null);
    }
  };
  // One batch of the run; the last one (or a stop) ends it with its result.
  const advance = () => {
    if (!run || run.state === 'paused') return;
    const { runId } = run;
    run.batch += 1;
    send({ type: 'progress', runId, points: [{ step: run.batch, loss: 1, accuracy: 0.5 }], epoch: 0, epochs: 1, batch: run.batch - 1, batches: 3, logs: { loss: 1, accuracy: 0.5 }, elapsed: 1, imagesPerSecond: 1, etaSeconds: 1 });
    if (run.batch === 3 || run.stopped) {
      send({ type: 'epoch', runId, epoch: 0, epochs: 1, batches: 3, steps: run.batch, step: run.batch, logs: { loss: 1, accuracy: 0.5 }, seconds: 1 });
      // The test accuracy names the run, so a result on the wrong row would show.
      reply(run.id, { runId, ending: run.stopped ? 'stopped' : 'finished', stoppedAt: run.stopped ? { epoch: 0, batch: run.batch } : null, history: {}, seconds: 1, test: { loss: 1, accuracy: runId / 1000, steps: 1, seconds: 0 } });
      run = null;
    }
  };
  return { out, handle, advance, trained };
}

function setup() {
  const worker = fakeWorker();
  let controller;
  const requester = createRequester((m) => worker.handle(m));
  const client = { request: (type, payload) => requester.request(type, payload) };
  const timers = { pending: new Map(), next: 1 };
  const fakeTimers = {
    setTimeout: (fn) => { const id = timers.next++; timers.pending.set(id, fn); return id; },
    clearTimeout: (id) => timers.pending.delete(id),
  };
  const store = createStore(initialState({ ...DEFAULTS }));
  const rowsStore = memoryExperimentsStore();
  controller = createController({ client, store, parse, rowsStore, timers: fakeTimers });
  const deliver = () => {
    const m = worker.out.shift();
    if (m && !requester.settle(m)) controller.onEvent(m);
  };
  const fire = () => { for (const [id, fn] of [...timers.pending]) { timers.pending.delete(id); fn(); } };
  return { worker, controller, store, deliver, fire, rowsStore };
}

const settle = async () => { for (let i = 0; i < 5; i++) await new Promise((ok) => setImmediate(ok)); };

const command = fc.oneof(
  fc.record({ kind: fc.constant('edit'), code: fc.constantFrom(...CODES) }),
  fc.constantFrom(...['train', 'continue', 'pause', 'resume', 'step', 'stop', 'reset', 'evaluate', 'build'].map((kind) => ({ kind }))),
  fc.record({ kind: fc.constant('deliver'), n: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('advance'), n: fc.integer({ min: 1, max: 4 }) }),
  fc.constant({ kind: 'tick' }),
);

function checkInvariants(h, born) {
  const s = h.store.get();
  assert.ok(STATES.includes(s.lifecycle), `unknown state ${s.lifecycle}`);
  const c = controls(s.lifecycle, s);
  const running = ['training', 'paused', 'stopping'].includes(s.lifecycle);
  // Controls that fit the state.
  if (running) assert.ok(!c.train && !c.continue && !c.reset && !c.evaluate, `start enabled while ${s.lifecycle}`);
  if (c.pause) assert.equal(s.lifecycle, 'training');
  if (c.resume || c.step) assert.equal(s.lifecycle, 'paused');
  if (c.continue) assert.ok(s.trained && !s.dirty);
  assert.equal(Boolean(s.run), running, `a run exists exactly while running (${s.lifecycle})`);
  // One row per ended run, never two; each row is its own run's result and its code is what
  // the worker trained.
  const ids = s.rows.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'a run has two rows');
  for (const row of s.rows) {
    assert.ok(born.has(row.id), `row ${row.id} for a run never started`);
    assert.equal(row.code, h.worker.trained.get(row.id), `row ${row.id} labelled with other code`);
    if (row.testAccuracy !== null) assert.equal(row.testAccuracy, row.id / 1000, `row ${row.id} got another run's result`);
  }
  for (const id of born) if (s.run?.id !== id) assert.ok(ids.includes(id), `run ${id} ended without a row`);
}

test('random command sequences keep every run honest', async () => {
  await fc.assert(fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 60 }), async (commands) => {
    const h = setup();
    const born = new Set();
    h.store.subscribe((s) => { if (s.run) born.add(s.run.id); });
    h.worker.out.push({ type: 'ready', dataset: 'fashion-mnist', trainCount: 96, testCount: 10, testLabels: new Float32Array(10), testImages: new Uint8Array(7840), imageShape: [28, 28, 1] });
    h.controller.edit('A');
    h.deliver();
    await settle();
    for (const cmd of commands) {
      switch (cmd.kind) {
        case 'edit': h.controller.edit(cmd.code); break;
        case 'train': h.controller.train({ fresh: true }); break;
        case 'continue': h.controller.train({ fresh: false }); break;
        case 'deliver': for (let i = 0; i < cmd.n; i++) h.deliver(); break;
        case 'advance': for (let i = 0; i < cmd.n; i++) h.worker.advance(); break;
        case 'tick': h.fire(); break;
        default: h.controller[cmd.kind]();
      }
      await settle();
      checkInvariants(h, born);
    }
    // Drain: every started run ends in exactly one row.
    for (let i = 0; i < 200 && (h.worker.out.length || h.store.get().run); i++) {
      h.controller.resume();
      h.worker.advance();
      h.deliver();
      await settle();
    }
    checkInvariants(h, born);
    assert.equal(h.store.get().rows.length, born.size);
    assert.deepEqual((await h.rowsStore.list()).map((r) => r.id), h.store.get().rows.map((r) => r.id));
  }), { numRuns: 150 });
});

test('Train right after an edit trains the edited code; a failed build starts no run', async () => {
  const h = setup();
  h.worker.out.push({ type: 'ready', dataset: 'fashion-mnist', trainCount: 96, testCount: 10, testLabels: new Float32Array(10), testImages: new Uint8Array(7840), imageShape: [28, 28, 1] });
  h.controller.edit('A');
  h.deliver();
  await settle();
  h.deliver();  // A built
  await settle();
  h.controller.edit('B');  // the debounce has not fired
  h.controller.train();
  await settle();
  h.deliver();  // B built, then the run starts
  await settle();
  assert.equal(h.store.get().run.code, 'B');
  while (h.store.get().run) { h.worker.advance(); h.deliver(); h.deliver(); await settle(); }
  assert.equal(h.worker.trained.get(1), 'B');
  h.controller.edit('engine');
  h.controller.train();
  await settle();
  h.deliver();
  await settle();
  assert.equal(h.store.get().run, null);
  assert.equal(h.store.get().editorError.code, 'engine.layer');
  assert.equal(h.store.get().editorError.line, 2, 'the engine error points at the line of layer 1');
  assert.equal(controls(h.store.get().lifecycle, h.store.get()).train, false, 'Train stays off until the code changes');
  assert.equal(h.store.get().rows.length, 1);
});

test('the lifecycle ignores events that do not apply and restarts on a worker failure', () => {
  assert.equal(transition('ready', 'paused'), 'ready');
  assert.equal(transition('training', 'workerFailed'), 'loading');
  assert.equal(transition('building', 'buildFail', { hasModel: false }), 'idle');
  assert.equal(transition('stopping', 'runEnded'), 'ready');
  assert.ok(new RemoteError({ code: 'x.y', params: {} }) instanceof Error);
});
