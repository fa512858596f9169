// Fuzz harness for the tar walker (web/lib/data/tar.mjs), which is JS: a seeded mutation fuzzer
// (byte flips, inserts, cuts, splices of valid archives; random chunk sizes) run by ctest in the
// fuzz phase. Invariants: only a DatasetError comes out; every member's sink gets exactly the
// bytes its header declares (never more); a walk that ends cleanly saw at least one member.
//   node tests/fuzz/fuzz_tar.mjs [--seconds 60] [--seed 1]
import { writeFileSync } from 'node:fs';
import { TarWalker } from '../../web/lib/data/tar.mjs';
import { DatasetError } from '../../web/lib/data/files.mjs';
import { mulberry32 } from '../../web/lib/data/split.mjs';
import { tar } from '../js/data_fixtures.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 60);
const random = mulberry32(arg('seed', 1));
const below = (n) => Math.floor(random() * n);

const corpus = [
  tar({ 'a.bin': new Uint8Array(10).fill(1) }),
  tar({ 'cifar-10-batches-bin/data_batch_1.bin': new Uint8Array(3073 * 2).fill(5), 'x/readme.txt': new Uint8Array(0) }),
  tar({ [`${'deep/'.repeat(25)}file.bin`]: new Uint8Array(513).fill(2), 'b': new Uint8Array(512) }),
];

function mutate(input) {
  let b = input.slice();
  for (let k = 1 + below(4); k > 0; k--) {
    switch (below(5)) {
      case 0: if (b.length) b[below(b.length)] ^= 1 << below(8); break;
      case 1: if (b.length) b[below(b.length)] = below(256); break;
      case 2: b = b.subarray(0, below(b.length + 1)); break;
      case 3: { const at = below(b.length + 1); const extra = new Uint8Array(below(600)).map(() => below(256)); b = Uint8Array.from([...b.subarray(0, at), ...extra, ...b.subarray(at)]); break; }
      default: { const other = corpus[below(corpus.length)]; const at = below(b.length + 1); b = Uint8Array.from([...b.subarray(0, at), ...other.subarray(below(other.length))]); }
    }
  }
  return b;
}

function run(input) {
  const members = [];
  const walker = new TarWalker('fuzz.tar', ({ name, size }) => {
    if (typeof name !== 'string' || !Number.isSafeInteger(size) || size < 0) throw new Error(`bad entry ${name} ${size}`);
    const m = { size, got: 0, ended: false };
    members.push(m);
    return { data: (c) => { m.got += c.length; if (m.got > size) throw new Error(`member got ${m.got} > ${size} bytes`); }, end: () => { m.ended = true; } };
  });
  try {
    for (let at = 0; at < input.length;) {
      const n = 1 + below(1200);
      walker.push(input.subarray(at, at + n));
      at += n;
    }
    walker.end();
  } catch (e) {
    if (e instanceof DatasetError) return;
    throw e;
  }
  for (const m of members) if (m.ended && m.got !== m.size) throw new Error(`member ended with ${m.got} of ${m.size} bytes`);
  if (walker.entries === 0) throw new Error('a clean walk with no members');
}

const end = Date.now() + seconds * 1000;
let runs = 0;
for (const c of corpus) run(c);
while (Date.now() < end) {
  const input = mutate(corpus[below(corpus.length)]);
  try {
    run(input);
  } catch (e) {
    const path = `crash-tar-${runs}.bin`;
    writeFileSync(path, input);
    console.error(`fuzz_tar: ${e.stack}\ninput written to ${path}`);
    process.exit(1);
  }
  runs++;
}
console.log(`fuzz_tar: ${runs} runs in ${seconds} s, no failures`);
