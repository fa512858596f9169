// A restricted pickle reader, enough for Keras's cifar-10-python.tar.gz: each batch is a
// pickled dict {'data': a uint8 numpy array (10000, 3072), 'labels': [ints], ...}. It runs the
// pickle machine's data opcodes only; the one callable it knows is numpy's array
// reconstruction (numpy.core.multiarray._reconstruct, numpy.ndarray, numpy.dtype), which it
// builds as plain data, never by calling anything. Any other global is refused by name, so a
// pickle cannot make this code do anything but build dicts, lists, strings and numbers.
import { DatasetError } from './files.mjs';

const ALLOWED = new Set([
  'numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct', 'numpy.ndarray', 'numpy.dtype',
]);
const MARK = Symbol('mark');

class NdArray {
  constructor() { this.shape = null; this.dtype = null; this.data = null; }
}

export function readPickle(bytes, name) {
  const fail = (what) => { throw new DatasetError(`${name}: ${what}`, { file: name, code: 'dataset.corrupt' }); };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const latin1 = new TextDecoder('latin1'), utf8 = new TextDecoder();
  const stack = [], memo = new Map();
  let at = 0;
  const need = (n) => { if (at + n > bytes.length) fail('truncated pickle'); };
  const u8 = () => { need(1); return bytes[at++]; };
  const u16 = () => { need(2); const v = view.getUint16(at, true); at += 2; return v; };
  const u32 = () => { need(4); const v = view.getUint32(at, true); at += 4; return v; };
  const i32 = () => { need(4); const v = view.getInt32(at, true); at += 4; return v; };
  const take = (n) => { need(n); const out = bytes.subarray(at, at + n); at += n; return out; };
  const line = () => { const end = bytes.indexOf(10, at); if (end < 0) fail('truncated pickle'); const s = latin1.decode(bytes.subarray(at, end)); at = end + 1; return s; };
  const pop = () => { if (stack.length === 0) fail('corrupt pickle (stack underflow)'); return stack.pop(); };
  const popMark = () => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) fail('corrupt pickle (no mark)');
    const items = stack.splice(i);
    items.shift();
    return items;
  };
  const global = (module, attr) => {
    const full = `${module}.${attr}`;
    if (!ALLOWED.has(full)) fail(`the pickle refers to ${full}, which this restricted reader does not load (it reads CIFAR-10's batches only)`);
    return { global: full };
  };
  const setItems = (dict, items) => {
    if (!(dict instanceof Map)) fail('corrupt pickle (SETITEMS on a non-dict)');
    for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i], items[i + 1]);
  };
  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: u8(); break;                            // PROTO
      case 0x95: take(8); break;                         // FRAME
      case 0x2e: return pop();                           // STOP
      case 0x28: stack.push(MARK); break;                // MARK
      case 0x7d: stack.push(new Map()); break;           // EMPTY_DICT
      case 0x5d: stack.push([]); break;                  // EMPTY_LIST
      case 0x29: stack.push([]); break;                  // EMPTY_TUPLE (tuples are arrays)
      case 0x4e: stack.push(null); break;                // NONE
      case 0x88: stack.push(true); break;                // NEWTRUE
      case 0x89: stack.push(false); break;               // NEWFALSE
      case 0x4b: stack.push(u8()); break;                // BININT1
      case 0x4d: stack.push(u16()); break;               // BININT2
      case 0x4a: stack.push(i32()); break;               // BININT
      case 0x49: { const s = line(); stack.push(s === '01' ? true : s === '00' ? false : Number(s)); break; } // INT
      case 0x8a: {                                       // LONG1
        const n = u8(), b = take(n);
        let v = 0;
        for (let i = n - 1; i >= 0; i--) v = v * 256 + b[i];
        if (n > 0 && b[n - 1] & 0x80) v -= 2 ** (8 * n);
        stack.push(v);
        break;
      }
      case 0x47: { need(8); stack.push(view.getFloat64(at, false)); at += 8; break; } // BINFLOAT
      case 0x55: stack.push(take(u8())); break;          // SHORT_BINSTRING (Python 2 str: bytes)
      case 0x54: stack.push(take(u32())); break;         // BINSTRING
      case 0x43: stack.push(take(u8())); break;          // SHORT_BINBYTES
      case 0x42: stack.push(take(u32())); break;         // BINBYTES
      case 0x8e: { need(8); const n = Number(view.getBigUint64(at, true)); at += 8; stack.push(take(n)); break; } // BINBYTES8
      case 0x58: stack.push(utf8.decode(take(u32()))); break;   // BINUNICODE
      case 0x8c: stack.push(utf8.decode(take(u8()))); break;    // SHORT_BINUNICODE
      case 0x71: memo.set(u8(), stack.at(-1)); break;    // BINPUT
      case 0x72: memo.set(u32(), stack.at(-1)); break;   // LONG_BINPUT
      case 0x94: memo.set(memo.size, stack.at(-1)); break; // MEMOIZE
      case 0x68: case 0x6a: {                            // BINGET, LONG_BINGET
        const k = op === 0x68 ? u8() : u32();
        if (!memo.has(k)) fail('corrupt pickle (unknown memo key)');
        stack.push(memo.get(k));
        break;
      }
      case 0x61: { const v = pop(); const list = stack.at(-1); if (!Array.isArray(list)) fail('corrupt pickle (APPEND)'); list.push(v); break; }
      case 0x65: { const items = popMark(); const list = stack.at(-1); if (!Array.isArray(list)) fail('corrupt pickle (APPENDS)'); list.push(...items); break; }
      case 0x73: { const v = pop(), k = pop(); setItems(stack.at(-1), [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(stack.at(-1), items); break; }      // SETITEMS
      case 0x74: stack.push(popMark()); break;           // TUPLE
      case 0x85: stack.push([pop()]); break;             // TUPLE1
      case 0x86: { const b = pop(), a = pop(); stack.push([a, b]); break; }             // TUPLE2
      case 0x87: { const c = pop(), b = pop(), a = pop(); stack.push([a, b, c]); break; } // TUPLE3
      case 0x63: { const module = line(); stack.push(global(module, line())); break; }  // GLOBAL
      case 0x93: { const attr = pop(), module = pop(); stack.push(global(String(module), String(attr))); break; } // STACK_GLOBAL
      case 0x52: {                                       // REDUCE: only the allowed constructors
        const args = pop(), f = pop();
        if (!f?.global || !Array.isArray(args)) fail('corrupt pickle (REDUCE)');
        if (f.global === 'numpy.dtype') stack.push({ dtype: args[0] instanceof Uint8Array ? latin1.decode(args[0]) : String(args[0]) });
        else if (f.global.endsWith('_reconstruct')) stack.push(new NdArray());
        else fail(`the pickle calls ${f.global}, which this reader does not`);
        break;
      }
      case 0x62: {                                       // BUILD: numpy's __setstate__, as data
        const state = pop(), obj = stack.at(-1);
        if (obj instanceof NdArray) {
          if (!Array.isArray(state) || state.length < 5) fail('corrupt pickle (ndarray state)');
          const [, shape, dtype, fortran, data] = state;
          obj.shape = shape;
          obj.dtype = dtype?.dtype ?? null;
          obj.fortran = fortran;
          obj.data = data;
        }
        break;
      }
      default:
        fail(`unsupported pickle opcode 0x${op.toString(16)} at byte ${at - 1}`);
    }
  }
}

const key = (dict, name) => dict.get(name) ?? [...dict].find(([k]) => k instanceof Uint8Array && new TextDecoder().decode(k) === name)?.[1];

// One CIFAR-10 python batch: {images: planar rows (count x 3072), labels, count}.
export function cifarBatchFromPickle(dict, name) {
  if (!(dict instanceof Map)) throw new DatasetError(`${name}: not a CIFAR-10 batch (the pickle is not a dict)`, { file: name, code: 'dataset.corrupt' });
  const data = key(dict, 'data'), labels = key(dict, 'labels');
  if (!(data instanceof NdArray) || !Array.isArray(labels)) {
    throw new DatasetError(`${name}: not a CIFAR-10 batch (no 'data' array and 'labels' list)`, { file: name, code: 'dataset.corrupt' });
  }
  const [count, width] = data.shape ?? [];
  if (data.dtype !== 'u1' || width !== 3072 || data.fortran || !(data.data instanceof Uint8Array) || data.data.length !== count * 3072) {
    throw new DatasetError(`${name}: 'data' is not a (N, 3072) uint8 array in C order`, { file: name, code: 'dataset.corrupt' });
  }
  if (labels.length !== count) throw new DatasetError(`${name}: ${count} images but ${labels.length} labels`, { file: name, code: 'dataset.count' });
  return { images: data.data, labels, count };
}
