// The page's run lifecycle, written once: which state the trainer is in, which events move it,
// and which controls each state enables. Pure (no DOM, no worker): the controller feeds it
// events, the panels read `controls()`, and tests/js/lifecycle_model.test.mjs drives it with
// random command sequences.
//
//   loading ──dataReady──▶ idle ──buildStart──▶ building ──buildOk──▶ ready
//      ▲                    ▲                      │ buildFail           │ trainStart / evaluateStart
//      │ workerFailed       └──────────────────────┘                     ▼
//   (from any state)                         training ◀─resumed── paused      evaluating
//                                              │ stopRequested ─▶ stopping     │ evaluateEnd
//                                              └──── runEnded (any of the three) ──▶ ready
//
// idle: the data is there but the worker holds no model matching the editor (none built yet, or
// the last build failed). The context says what the states alone do not:
//   dirty     the editor changed since the last build (Train builds first)
//   trained   the current weights come from at least one run (Continue makes sense)
export const STATES = Object.freeze(['loading', 'idle', 'building', 'ready', 'training', 'paused', 'stopping', 'evaluating']);

const MOVES = {
  dataReady: { loading: (c) => (c.hasModel ? 'ready' : 'idle') },
  buildStart: { idle: 'building', ready: 'building' },
  buildOk: { building: 'ready' },
  buildFail: { building: (c) => (c.hasModel && !c.dirty ? 'ready' : 'idle') },
  trainStart: { ready: 'training' },
  paused: { training: 'paused' },
  resumed: { paused: 'training' },
  stopRequested: { training: 'stopping', paused: 'stopping' },
  runEnded: { training: 'ready', paused: 'ready', stopping: 'ready' },
  evaluateStart: { ready: 'evaluating' },
  evaluateEnd: { evaluating: 'ready' },
};

// The next state, or the same one when the event does not apply there (a late 'paused' after
// the run ended, say). workerFailed goes to loading from anywhere: a fresh worker starts.
// The states in which the worker is busy with a job: no build starts, and the heartbeat watches.
export const BUSY = Object.freeze(['training', 'paused', 'stopping', 'evaluating']);

export function transition(state, event, context = {}) {
  if (event === 'workerFailed') return 'loading';
  const to = MOVES[event]?.[state];
  if (to === undefined) return state;
  return typeof to === 'function' ? to(context) : to;
}

export const CONTROLS = Object.freeze(['train', 'continue', 'pause', 'resume', 'step', 'stop', 'reset', 'evaluate',
  'editor', 'preset', 'saveRun']);

// Which controls are enabled. Train is enabled while building too: it waits for the build.
// fitProblem (page/dataset_fit.mjs) or a dataset being read keeps Train and Continue disabled.
export function controls(state, { dirty = false, trained = false, fitProblem = null, datasetLoading = false } = {}) {
  const settled = state === 'ready' && !dirty;
  const running = state === 'training' || state === 'paused';
  const fits = !fitProblem && !datasetLoading;
  return {
    train: fits && (state === 'ready' || state === 'building' || (state === 'idle' && dirty)),
    continue: fits && settled && trained,
    pause: state === 'training',
    resume: state === 'paused',
    step: state === 'paused',
    stop: running,
    reset: settled,
    evaluate: settled,
    editor: !running && state !== 'stopping' && state !== 'evaluating',
    preset: !running && state !== 'stopping' && state !== 'evaluating',
    saveRun: settled,
  };
}

// Where focus goes when the focused control becomes disabled: the control that takes over.
export const FOCUS_NEXT = Object.freeze({
  train: ['pause', 'stop'], continue: ['pause', 'stop'], pause: ['resume', 'step', 'train'],
  resume: ['pause', 'train'], step: ['step', 'resume', 'pause', 'train'], stop: ['train', 'continue'],
  reset: ['train'], evaluate: ['evaluate', 'train'],
});
