// Timing and summary helpers shared by the bench's engines.

// Calls step() (sync or async; each handles perStep images) until minSeconds have passed and
// at least minSteps ran; returns img/s.
export async function timedRun(step, perStep, { minSeconds = 1, minSteps = 1 } = {}) {
  const t0 = performance.now();
  let images = 0, steps = 0, elapsed = 0;
  do {
    await step();
    images += perStep;
    steps++;
    elapsed = (performance.now() - t0) / 1000;
  } while (elapsed < minSeconds || steps < minSteps);
  return images / elapsed;
}

export async function measure(step, perStep, { warmup, runs, ...opts }) {
  for (let i = 0; i < warmup; i++) await step();
  const out = [];
  for (let r = 0; r < runs; r++) out.push(await timedRun(step, perStep, opts));
  return out;
}

export function summarize(runs) {
  const s = [...runs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}
