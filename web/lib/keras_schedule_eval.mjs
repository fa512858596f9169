// Evaluates the plain-data schedule that keras_schedule.mjs reads from a def or lambda: an AST
// walk (no eval, no new Function: the page runs under a strict CSP). No wasm, no DOM: the page's
// panels, the worker and the CLI all use it.
import { fail } from './keras_python_layers.mjs';

const IS = (n) => typeof n === 'number';
const floorDiv = (a, b) => Math.floor(a / b);
// Python's round: halves to even.
const roundHalfEven = (x) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x));
// Callable names → [implementation, arity (-n: at least n), the Python spellings].
export const FUNCTIONS = {
  exp: [Math.exp, 1, ['math.exp', 'np.exp', 'tf.math.exp', 'tf.exp']],
  pow: [Math.pow, 2, ['math.pow', 'pow', 'np.power', 'tf.math.pow', 'tf.pow']],
  floor: [Math.floor, 1, ['math.floor', 'np.floor', 'tf.math.floor']],
  ceil: [Math.ceil, 1, ['math.ceil', 'np.ceil', 'tf.math.ceil']],
  sqrt: [Math.sqrt, 1, ['math.sqrt', 'np.sqrt', 'tf.math.sqrt', 'tf.sqrt']],
  log: [Math.log, 1, ['math.log', 'np.log', 'tf.math.log']],
  abs: [Math.abs, 1, ['abs', 'np.abs']],
  min: [Math.min, -2, ['min', 'np.minimum', 'tf.minimum', 'tf.math.minimum']],
  max: [Math.max, -2, ['max', 'np.maximum', 'tf.maximum', 'tf.math.maximum']],
  int: [Math.trunc, 1, ['int']],
  float: [(x) => x, 1, ['float', 'np.float32', 'np.float64']],
  round: [roundHalfEven, 1, ['round']],
};
// ---- Evaluation ----
// (epoch, lr) => the rate, or a KerasSyntaxError naming the line (division by zero, a variable
// read before it is assigned, no return on the path taken).
export function scheduleFunction(schedule) {
  return (epoch, lr) => {
    const env = new Map(Object.entries(schedule.globals));
    const args = [epoch, lr];
    schedule.params.forEach((p, i) => env.set(p, args[i]));
    const ev = new Evaluator(schedule, env, epoch);
    const result = ev.block(schedule.body);
    if (!result) fail(schedule, `the schedule ${schedule.name} returned None for epoch ${epoch} (no return on that path)`);
    const value = ev.number(result.value, result.at);
    return value;
  };
}

// The rate each epoch trains with, as Keras's LearningRateScheduler chains it: the schedule gets
// the optimizer's current rate, which the optimizer holds as a float32.
export function scheduleRates(schedule, epochs, initialLr) {
  const f = scheduleFunction(schedule);
  const rates = [];
  let lr = Math.fround(initialLr);
  for (let epoch = 0; epoch < epochs; epoch++) rates.push((lr = Math.fround(f(epoch, lr))));
  return rates;
}

class Evaluator {
  constructor(schedule, env, epoch) {
    this.schedule = schedule;
    this.env = env;
    this.locals = new Set(schedule.params);
    this.epoch = epoch;
  }
  error(at, text) { fail(at, `${this.schedule.name}(epoch=${this.epoch}): ${text}`); }
  // Runs statements; returns {value, at} once a return runs, else undefined.
  block(statements) {
    for (const s of statements) {
      if (s.type === 'return') {
        if (!s.value) this.error(s, 'returned None (return needs a value)');
        return { value: this.eval(s.value), at: s };
      }
      if (s.type === 'assign') {
        const v = this.eval(s.value);
        if (s.op === '=') this.env.set(s.name, v);
        else this.env.set(s.name, this.arith(s.op.slice(0, -1), this.read({ id: s.name, ...s }), v, s));
        this.locals.add(s.name);
        continue;
      }
      const branch = s.branches.find((b) => truthy(this.eval(b.test)));
      const result = this.block(branch ? branch.body : s.orelse ?? []);
      if (result) return result;
    }
    return undefined;
  }
  read(node) {
    if (!this.env.has(node.id) || (this.isLocal(node.id) && !this.locals.has(node.id))) {
      this.error(node, `local variable '${node.id}' referenced before assignment`);
    }
    return this.env.get(node.id);
  }
  // A name assigned anywhere in the function is local throughout it, as in Python.
  isLocal(id) {
    this.assigned ??= new Set(assignedNames(this.schedule.body));
    return this.assigned.has(id);
  }
  number(value, at) {
    if (typeof value === 'boolean') return Number(value);
    if (!IS(value)) this.error(at, `expected a number, got ${value}`);
    return value;
  }
  eval(n) {
    switch (n.k) {
      case 'num': return n.v;
      case 'name': return this.read(n);
      case 'unary': { const x = this.number(this.eval(n.x), n); return n.op === '-' ? -x : x; }
      case 'not': return !truthy(this.eval(n.x));
      case 'and': case 'or': {
        let v;
        for (const x of n.xs) {
          v = this.eval(x);
          if (truthy(v) === (n.k === 'or')) return v;
        }
        return v;
      }
      case 'if': return truthy(this.eval(n.test)) ? this.eval(n.a) : this.eval(n.b);
      case 'cmp': {
        let left = this.number(this.eval(n.xs[0]), n);
        for (let i = 0; i < n.ops.length; i++) {
          const right = this.number(this.eval(n.xs[i + 1]), n);
          if (!compare(n.ops[i], left, right)) return false;
          left = right;
        }
        return true;
      }
      case 'bin': return this.arith(n.op, this.eval(n.l), this.eval(n.r), n);
      case 'call': {
        const args = n.args.map((a) => this.number(this.eval(a), a));
        return FUNCTIONS[n.fn][0](...args);
      }
      default: return this.error(n, `cannot evaluate ${n.k}`);
    }
  }
  arith(op, a, b, at) {
    a = this.number(a, at);
    b = this.number(b, at);
    if (['/', '//', '%'].includes(op) && b === 0) this.error(at, op === '/' ? 'division by zero' : 'integer division or modulo by zero');
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/': return a / b;
      case '//': return floorDiv(a, b);
      case '%': return a - b * floorDiv(a, b); // the sign of the divisor, as in Python
      default: {
        if (a === 0 && b < 0) this.error(at, '0.0 cannot be raised to a negative power');
        const v = a ** b;
        if (Number.isNaN(v)) this.error(at, `${a} ** ${b} is not a real number`);
        return v;
      }
    }
  }
}

function compare(op, a, b) {
  switch (op) {
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
    case '==': return a === b;
    default: return a !== b;
  }
}
const truthy = (v) => v !== 0 && v !== false;
function assignedNames(body) {
  return body.flatMap((s) => (s.type === 'assign' ? [s.name]
    : s.type === 'if' ? [...s.branches.flatMap((b) => assignedNames(b.body)), ...assignedNames(s.orelse ?? [])] : []));
}
