// A run's Experiments row, made once when the run ends (pure). The row keeps what the table
// shows and what the overlays draw: the epoch points (train and validation) and the per-batch
// curve, thinned to at most MAX_BATCH_POINTS so a stored row stays small.
export const MAX_BATCH_POINTS = 400;

// points: [[step, loss, accuracy], ...] → at most `max` points, each the mean of its bucket
// (so a thinned curve is still the curve, not a sample of its noise).
export function batchCurve(points, max = MAX_BATCH_POINTS) {
  if (points.length <= max) return points.map((p) => [...p]);
  const out = [];
  const size = points.length / max;
  for (let b = 0; b < max; b++) {
    const from = Math.floor(b * size), to = Math.floor((b + 1) * size);
    let loss = 0, accuracy = 0;
    for (let i = from; i < to; i++) [loss, accuracy] = [loss + points[i][1], accuracy + points[i][2]];
    out.push([points[to - 1][0], loss / (to - from), accuracy / (to - from)]);
  }
  return out;
}

const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

// run: the controller's run record; result: the worker's runResult or {ending: 'failed', error}.
export function runRow(run, result) {
  const last = run.epochs.at(-1) ?? {};
  const epochs = run.epochs.length;
  return {
    id: run.id, name: `#${run.id}`, architecture: run.architecture, params: run.params,
    dataset: run.dataset, images: run.images, start: run.fresh ? 'fresh' : 'continued',
    epochs, totalEpochs: run.priorEpochs + epochs, secondsPerEpoch: mean(run.epochs.map((e) => e.seconds)),
    trainAccuracy: last.accuracy ?? null, valAccuracy: last.val_accuracy ?? null,
    testAccuracy: result.test?.accuracy ?? null, testLoss: result.test?.loss ?? null,
    ending: result.ending, stoppedAt: result.stoppedAt ?? null, message: result.message ?? null,
    error: result.error ?? null, seed: run.seed, settings: run.settings, code: run.code,
    startedAt: run.startedAt, curves: { epochs: run.epochs, batches: batchCurve(run.points) },
    losses: run.points.slice(0, 100).map((p) => p[1]),
  };
}
