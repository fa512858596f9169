// A streaming tar walker: push() it the archive's bytes in chunks of any size (a gunzip
// stream's), and it calls onEntry({name, size, type}) for each member; onEntry returns a sink
// {data(chunk), end()} to receive that member's bytes, or null to skip them. Only the current
// 512-byte header is buffered, so a 162 MB CIFAR-10 tarball needs no copy of itself.
// Reads ustar (with its prefix field), old v7 headers, GNU long names ('L') and pax 'path'
// records ('x'); base-256 sizes. Every error names the archive.
import { DatasetError } from './files.mjs';

const BLOCK = 512;
const MAX_META = 1 << 20;  // a long name or pax record larger than this is not a real one

const text = (bytes) => {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
};

function octal(field) {
  if (field[0] & 0x80) {  // GNU base-256 for sizes past 8 GB
    let v = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i];
    return v;
  }
  const s = text(field).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return NaN;
  return parseInt(s, 8);
}

function checksumOk(block) {
  const stored = octal(block.subarray(148, 156));
  let unsigned = 0;
  for (let i = 0; i < BLOCK; i++) unsigned += i >= 148 && i < 156 ? 32 : block[i];
  return stored === unsigned;
}

export class TarWalker {
  constructor(archiveName, onEntry) {
    this.archive = archiveName;
    this.onEntry = onEntry;
    this.header = new Uint8Array(BLOCK);
    this.filled = 0;
    this.remaining = 0;   // bytes of the current member still to come
    this.padding = 0;     // zero bytes after it, up to the next block
    this.sink = null;
    this.meta = null;     // collecting a long-name or pax member: {type, parts, size}
    this.nextName = null;
    this.entries = 0;
    this.finished = false; // saw the end-of-archive zero block
  }

  fail(what) {
    throw new DatasetError(`${this.archive}: ${what}`, { file: this.archive, code: 'dataset.corrupt' });
  }

  push(chunk) {
    let at = 0;
    while (at < chunk.length) {
      if (this.finished) return;  // anything after the end marker is padding
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - at);
        const piece = chunk.subarray(at, at + n);
        if (this.meta) this.meta.parts.push(piece.slice());
        else this.sink?.data(piece);
        this.remaining -= n;
        at += n;
        if (this.remaining === 0) this.#endMember();
      } else if (this.padding > 0) {
        const n = Math.min(this.padding, chunk.length - at);
        this.padding -= n;
        at += n;
      } else {
        const n = Math.min(BLOCK - this.filled, chunk.length - at);
        this.header.set(chunk.subarray(at, at + n), this.filled);
        this.filled += n;
        at += n;
        if (this.filled === BLOCK) {
          this.filled = 0;
          this.#readHeader();
        }
      }
    }
  }

  // Throws unless the archive ended where a member could end.
  end() {
    if (this.remaining > 0 || this.filled > 0) {
      this.fail(`truncated tar archive${this.current ? ` (in ${this.current})` : ''}`);
    }
    if (this.entries === 0) this.fail('not a tar archive (no members)');
  }

  #readHeader() {
    const h = this.header;
    if (h.every((b) => b === 0)) {
      this.finished = this.entries > 0 || this.finished;
      if (this.entries === 0) this.fail('not a tar archive (it starts with an empty block)');
      return;
    }
    if (!checksumOk(h)) this.fail(this.entries === 0 ? 'not a tar archive' : 'corrupt tar header (bad checksum)');
    const size = octal(h.subarray(124, 136));
    if (!Number.isSafeInteger(size)) this.fail('corrupt tar header (bad size field)');
    const type = String.fromCharCode(h[156] || 0x30);
    let name = text(h.subarray(0, 100));
    const magic = text(h.subarray(257, 263));
    if (magic.startsWith('ustar')) {
      const prefix = text(h.subarray(345, 500));
      if (prefix && magic === 'ustar') name = `${prefix}/${name}`;
    }
    if (this.nextName !== null) {
      name = this.nextName;
      this.nextName = null;
    }
    this.entries++;
    this.remaining = size;
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    this.current = name;
    this.sink = null;
    this.meta = null;
    if (type === 'L' || type === 'x') {
      if (size > MAX_META) this.fail(`corrupt tar header (a ${size}-byte ${type === 'L' ? 'long name' : 'pax header'})`);
      this.meta = { type, parts: [] };
    } else if (type === '0' || type === '7') {  // regular files; links, folders and the rest are skipped
      this.sink = this.onEntry({ name, size, type: 'file' });
    }
    if (size === 0) this.#endMember();
  }

  #endMember() {
    if (this.meta) {
      const all = new Uint8Array(this.meta.parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of this.meta.parts) { all.set(p, at); at += p.length; }
      if (this.meta.type === 'L') this.nextName = text(all);
      else {
        const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(all));
        if (path) this.nextName = path[1];
      }
      this.meta = null;
    } else {
      this.sink?.end?.();
    }
    this.sink = null;
  }
}
