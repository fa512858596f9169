// Seeded shuffles and splits: a dataset's train/test split must be the same on every machine
// and every run (Math.random is neither), in the page, the CLI and the build script alike.

// mulberry32: a tiny 32-bit generator, plenty for shuffling file lists.
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A Fisher-Yates shuffle of a copy of items.
export function shuffled(items, seed) {
  const random = mulberry32(seed);
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// Indices [0, count) into {train, test}: a seeded shuffle, then the first round(count *
// testSplit) go to test: at least one when testSplit > 0 and count > 1, and never all of them.
export function splitIndices(count, testSplit, seed) {
  const order = shuffled(Array.from({ length: count }, (_, i) => i), seed);
  let n = Math.round(count * testSplit);
  if (count < 2) n = 0;  // a lone sample is for training
  else if (testSplit > 0) n = Math.min(Math.max(n, 1), count - 1);
  return { test: order.slice(0, n), train: order.slice(n) };
}
