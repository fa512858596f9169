// Peak memory of a CIFAR-10 CLI run (issue 14): writes a synthetic cifar-10-binary.tar.gz of the
// real layout and size (5 x 10,000 training + 10,000 test records, pseudo-random pixels, so it
// compresses no better than photos), then runs seed 004's settings on it under /usr/bin/time
// and prints the peak RSS. No network: the real CIFAR-10 is not on this machine.
//   node bench/cifar_memory.mjs [--epochs 1] [--keep]
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeTarball } from './cifar_tarball.mjs';

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '1' }, keep: { type: 'boolean', default: false } } });

const dir = await mkdtemp(join(tmpdir(), 'convlab-cifar-memory-'));
const tarball = join(dir, 'cifar-10-binary.tar.gz');
await writeTarball(tarball);
const size = (await stat(tarball)).size;
const cli = new URL('../bin/convlab.mjs', import.meta.url).pathname;
const args = ['-f', '%M %e', 'node', cli, 'train', '--model', 'cifar-bn-dropout', '--loss', 'categorical_crossentropy',
  '--batch-size', '64', '--validation-split', '0.2', '--epochs', values.epochs, '--data', tarball];
const { stdout, stderr } = await new Promise((ok, fail) => execFile('/usr/bin/time', args, { maxBuffer: 1 << 26 }, (e, out, err) => (e ? fail(new Error(err)) : ok({ stdout: out, stderr: err }))));
const [kb, seconds] = stderr.trim().split('\n').at(-1).split(' ').map(Number);
process.stdout.write(stdout.split('\n').filter((l) => !l.includes('\r')).slice(-4).join('\n'));
console.log(`\ncifar-10-binary.tar.gz (synthetic, ${(size / 1e6).toFixed(0)} MB): peak RSS ${(kb / 1024).toFixed(0)} MB over ${seconds} s (${values.epochs} epoch(s), batch 64, validation_split 0.2)`);
if (!values.keep) await rm(dir, { recursive: true, force: true });
