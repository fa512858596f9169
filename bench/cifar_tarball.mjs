// A synthetic cifar-10-binary.tar.gz of the real layout and size (5 x 10,000 training + 10,000
// test records, pseudo-random pixels, so it compresses no better than photos), for the memory
// benchmarks (cifar_memory.mjs: the CLI; page_datasets.mjs: the page). No network: the real
// CIFAR-10 is not on this machine.
import { createWriteStream } from 'node:fs';
import { createGzip } from 'node:zlib';
import { mulberry32 } from '../web/lib/data/split.mjs';

const RECORD = 3073, PER = 10000;

function header(name, size) {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.fill(32, 148, 156);
  h.write('0', 156);
  h.write('ustar\0' + '00', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

export async function writeTarball(path) {
  const gzip = createGzip({ level: 1 });
  const done = new Promise((ok, fail) => gzip.pipe(createWriteStream(path)).on('finish', ok).on('error', fail));
  const random = mulberry32(4);
  const write = (b) => (gzip.write(b) ? null : new Promise((ok) => gzip.once('drain', ok)));
  for (const name of ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch']) {
    await write(header(`cifar-10-batches-bin/${name}.bin`, PER * RECORD));
    for (let chunk = 0; chunk < 10; chunk++) {
      const b = Buffer.alloc((PER / 10) * RECORD);
      for (let i = 0; i < PER / 10; i++) {
        b[i * RECORD] = (chunk * 1000 + i) % 10;
        for (let k = 1; k < RECORD; k += 4) b.writeUInt32LE((random() * 2 ** 32) >>> 0, Math.min(i * RECORD + k, i * RECORD + RECORD - 4));
      }
      await write(b);
    }
    await write(Buffer.alloc((512 - ((PER * RECORD) % 512)) % 512));
  }
  await write(Buffer.alloc(1024));
  gzip.end();
  await done;
}

