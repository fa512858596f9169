// Peer rows from PyTorch CPU (Debian's python3-torch: oneDNN, AVX2), on 1 and 2 threads: the same
// Keras models in bench/torch_peer.py, run by Debian's Python (the `python3` on PATH may be
// another one without Debian's packages). Asked for with `npm run bench -- --peers tfjs,torch`;
// the package is installed then, as setup.sh installs the others (root or sudo).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch_peer.py', import.meta.url));

function hasTorch() {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function ensureTorch() {
  if (hasTorch()) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  console.error('bench: installing python3-torch for the PyTorch rows');
  const apt = (args) => execFileSync(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), ...args],
    { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  apt(['update', '-q']);
  apt(['install', '-y', '-q', '--no-install-recommends', 'python3-torch', 'python3-numpy']);
  if (!hasTorch()) throw new Error(`bench: ${PYTHON} still cannot import torch`);
}

// {train: [img/s...], infer: [img/s...]} or {train: {error}, infer: {error}}.
export function benchTorch(preset, dataDir, threads, { runs, minSeconds, warmup }) {
  const out = execFileSync(PYTHON, [SCRIPT, JSON.stringify(preset), dataDir, String(threads), String(minSeconds),
    String(runs), String(Math.min(warmup, 10))], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const result = JSON.parse(out.trim().split('\n').at(-1));
  if (result.error) return { train: { error: result.error }, infer: { error: result.error } };
  return { train: result.train, infer: result.infer, version: result.version };
}

export function torchVersion() {
  return execFileSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();
}
