// The learning-rate schedule a notebook hands to LearningRateScheduler, read from its Python and
// evaluated without running Python (no eval: the page runs under a strict CSP):
//
//   def lr_schedule(epoch):             lambda epoch: 0.001 * 0.95 ** epoch
//       lrate = 0.001                   def scheduler(epoch, lr):
//       if epoch > 75:                      if epoch < 10: return lr
//           lrate = 0.0005                  else: return lr * tf.math.exp(-0.1)
//       return lrate
//
// readSchedule turns the def or lambda into a plain-data AST (it crosses postMessage to the
// worker); scheduleFunction(schedule) gives (epoch, lr) => rate. A schedule may use assignments
// (= += -= *= /= //= **=), if/elif/else, return, pass and print (ignored), and expressions of
// numbers, True/False, its arguments and variables, numbers assigned at the top level, + - * /
// // % **, comparisons, and/or/not, `a if c else b` and a few functions (FUNCTIONS). Anything else
// is a KerasSyntaxError naming its line, as in the rest of the parser.
import { KerasSyntaxError, fail, short } from './keras_python_layers.mjs';
import { FUNCTIONS } from './keras_schedule_eval.mjs';

export { scheduleFunction, scheduleRates } from './keras_schedule_eval.mjs';

const CALLEES = Object.fromEntries(Object.entries(FUNCTIONS).flatMap(([key, [, , names]]) => names.map((n) => [n, key])));
const CONSTANTS = { 'math.e': Math.E, 'np.e': Math.E, 'math.pi': Math.PI, 'np.pi': Math.PI, True: true, False: false };
const CAN_USE = 'a schedule can use assignments, if/elif/else, return, arithmetic, comparisons, and/or/not, math.exp, math.pow, math.floor, min, max, int and float';
const AUGMENTED = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '**=']);
const COMPARISONS = new Set(['<', '>', '<=', '>=', '==', '!=']);
const MAX_NESTING = 200;

// `ctx` is the main parser's: tokens, import aliases, `functions` (name → token index of its def
// or lambda) and `numbers` (top-level `name = number` assignments). `node` is the first argument
// of LearningRateScheduler(...): a name or an inline lambda.
export function readSchedule(node, ctx) {
  let index = node.index;
  if (node.kind === 'name' && node.parts.length === 1) index = ctx.functions.get(node.parts[0]);
  if (index === undefined) {
    if (node.kind === 'name') fail(node, `LearningRateScheduler: '${node.text}' is not a function defined above (write def ${node.text}(epoch): ... before it)`);
    fail(node, `LearningRateScheduler: the schedule must be a function name or a lambda, got ${short(node.text)}`);
  }
  return new ScheduleParser(ctx, index).function();
}

class ScheduleParser {
  constructor(ctx, index) {
    this.ctx = ctx;
    this.tokens = ctx.tokens;
    this.pos = index;
    this.depth = 0;
  }
  get tok() { return this.tokens[this.pos]; }
  at(value) { return this.tok.type === 'op' && this.tok.value === value; }
  atWord(word) { return this.tok.type === 'name' && this.tok.value === word; }
  next() {
    const t = this.tok;
    if (t.error) throw new KerasSyntaxError(t.error, t.line, t.col);
    if (t.type !== 'eof') this.pos++;
    return t;
  }
  expect(value, what) {
    if (!this.at(value)) fail(this.tok, `expected '${value}' ${what}, got ${this.describe(this.tok)}`);
    return this.next();
  }
  describe(t) { return t.type === 'eof' ? 'the end of the code' : t.type === 'newline' ? 'the end of the line' : `'${short(t.text, 20)}'`; }
  unsupported(at, what) { fail(at, `unsupported Python in the schedule ${this.name}: ${what} (${CAN_USE})`); }

  // def NAME(params): block   |   lambda params: expression
  function() {
    const start = this.next();
    const isDef = start.value === 'def';
    this.name = isDef ? this.next().value : 'lambda';
    if (isDef) this.expect('(', `after def ${this.name}`);
    const params = [];
    while (this.tok.type === 'name') {
      params.push(this.next().value);
      if (this.at('=') || this.at('*') || this.at('**')) this.unsupported(this.tok, 'default or starred arguments');
      if (!this.at(',')) break;
      this.next();
    }
    if (isDef) this.expect(')', `to close the arguments of ${this.name}`);
    this.expect(':', isDef ? `after def ${this.name}(...)` : 'after the lambda\'s arguments');
    if (params.length < 1 || params.length > 2) fail(start, `LearningRateScheduler: ${this.name} must take (epoch) or (epoch, lr), got (${params.join(', ')})`);
    this.locals = new Set(params);
    this.reads = [];
    const body = isDef ? this.suite(start) : [{ type: 'return', value: this.expr(), line: start.line, col: start.col }];
    const globals = {};
    for (const read of this.reads) {
      if (this.locals.has(read.id)) continue;
      if (!this.ctx.numbers.has(read.id)) fail(read, `the schedule ${this.name}: name '${read.id}' is not defined (a schedule reads its arguments, its own variables and numbers assigned at the top level)`);
      globals[read.id] = this.ctx.numbers.get(read.id);
    }
    return { name: this.name, params, body, globals, line: start.line, col: start.col };
  }

  // After a ':': simple statements on the same line, or an indented block of statements.
  suite(header) {
    if (this.tok.type !== 'newline') return this.simpleStatements();
    this.next();
    const col = this.tok.col;
    if (this.tok.type === 'eof' || col <= header.col) fail(this.tok.type === 'eof' ? header : this.tok, `expected an indented block after '${header.value}' on line ${header.line}`);
    const body = [];
    while (this.tok.type !== 'eof' && this.tok.col >= col) {
      if (this.tok.col > col) fail(this.tok, 'unexpected indent');
      body.push(...this.statement());
    }
    if (this.tok.type !== 'eof' && this.tok.col > header.col && !this.atWord('elif') && !this.atWord('else')) {
      fail(this.tok, 'unindent does not match any outer indentation level');
    }
    return body;
  }

  statement() {
    if (this.atWord('if')) return [this.ifStatement()];
    return this.simpleStatements();
  }

  ifStatement() {
    const first = this.tok;
    const branches = [];
    let orelse = null;
    for (;;) {
      const header = this.next(); // if / elif
      const test = this.expr();
      this.expect(':', `after the condition of '${header.value}'`);
      branches.push({ test, body: this.suite(header) });
      if (this.tok.col !== first.col) break;
      if (this.atWord('elif')) continue;
      if (this.atWord('else')) {
        const e = this.next();
        this.expect(':', "after 'else'");
        orelse = this.suite(e);
      }
      break;
    }
    return { type: 'if', branches, orelse, line: first.line, col: first.col };
  }

  simpleStatements() {
    const out = [this.simple()];
    while (this.at(';')) {
      this.next();
      if (this.tok.type === 'newline' || this.tok.type === 'eof') break;
      out.push(this.simple());
    }
    if (this.tok.type !== 'newline' && this.tok.type !== 'eof') fail(this.tok, `expected the end of the line, got ${this.describe(this.tok)}`);
    if (this.tok.type === 'newline') this.next();
    return out.filter(Boolean);
  }

  simple() {
    const t = this.tok;
    const at = { line: t.line, col: t.col };
    if (this.atWord('return')) {
      this.next();
      const value = this.tok.type === 'newline' || this.tok.type === 'eof' || this.at(';') ? null : this.expr();
      return { type: 'return', value, ...at };
    }
    if (this.atWord('pass')) return this.next(), null;
    if (t.type === 'string') return this.next(), null; // a docstring
    if (t.type === 'name' && /^(tf\.)?print$/.test(this.dotted(this.pos))) return this.skipCall(), null;
    const next = this.tokens[this.pos + 1];
    if (t.type === 'name' && next.type === 'op' && (next.value === '=' || AUGMENTED.has(next.value)) && !KEYWORDS.has(t.value)) {
      this.next();
      const op = this.next().value;
      const value = this.expr();
      if (this.at('=')) this.unsupported(this.tok, 'chained assignment');
      this.locals.add(t.value);
      return { type: 'assign', name: t.value, op, value, ...at };
    }
    if (t.type === 'name' && KEYWORDS.has(t.value)) this.unsupported(t, `'${t.value}'`);
    this.unsupported(t, `the statement '${short(t.text, 20)}...'`);
  }

  // print(...) / tf.print(...): Keras prints; a schedule here computes, so it is skipped.
  skipCall() {
    const name = this.dotted(this.pos);
    for (let i = 0; i < 2 * name.split('.').length - 1; i++) this.next();
    if (!this.at('(')) this.unsupported(this.tok, `${name} without brackets`);
    const close = this.tok.match;
    while (this.pos <= close) this.next();
  }
  dotted(i) {
    const parts = [this.tokens[i].value];
    while (this.tokens[i + 1]?.value === '.' && this.tokens[i + 2]?.type === 'name') parts.push(this.tokens[(i += 2)].value);
    return parts.join('.');
  }

  // -- expressions, with Python's precedence --
  expr() {
    if (++this.depth > MAX_NESTING) fail(this.tok, `too deeply nested (more than ${MAX_NESTING} levels)`);
    try {
      const t = this.tok;
      if (this.atWord('lambda')) this.unsupported(t, 'a lambda inside the schedule');
      const value = this.orTest();
      if (!this.atWord('if')) return value;
      this.next();
      const test = this.orTest();
      if (!this.atWord('else')) fail(this.tok, `expected 'else' in the conditional expression, got ${this.describe(this.tok)}`);
      this.next();
      return { k: 'if', test, a: value, b: this.expr(), line: t.line, col: t.col };
    } finally {
      this.depth--;
    }
  }
  boolChain(word, operand) {
    const t = this.tok;
    const xs = [operand()];
    while (this.atWord(word)) this.next(), xs.push(operand());
    return xs.length === 1 ? xs[0] : { k: word, xs, line: t.line, col: t.col };
  }
  orTest() { return this.boolChain('or', () => this.andTest()); }
  andTest() { return this.boolChain('and', () => this.notTest()); }
  notTest() {
    const t = this.tok;
    if (!this.atWord('not')) return this.comparison();
    this.next();
    return { k: 'not', x: this.nested(() => this.notTest()), line: t.line, col: t.col };
  }
  comparison() {
    const t = this.tok;
    const xs = [this.sum()];
    const ops = [];
    while (this.tok.type === 'op' && COMPARISONS.has(this.tok.value)) ops.push(this.next().value), xs.push(this.sum());
    if (this.atWord('in') || this.atWord('is')) this.unsupported(this.tok, `'${this.tok.value}'`);
    return ops.length ? { k: 'cmp', ops, xs, line: t.line, col: t.col } : xs[0];
  }
  binary(ops, operand) {
    let left = operand();
    while (this.tok.type === 'op' && ops.includes(this.tok.value)) {
      const t = this.next();
      left = { k: 'bin', op: t.value, l: left, r: operand(), line: t.line, col: t.col };
    }
    return left;
  }
  sum() {
    const value = this.binary(['+', '-'], () => this.term());
    if (this.tok.type === 'op' && ['|', '&', '^', '<<', '>>', '@'].includes(this.tok.value)) this.unsupported(this.tok, `the operator '${this.tok.value}'`);
    return value;
  }
  term() { return this.binary(['*', '/', '//', '%'], () => this.factor()); }
  factor() {
    const t = this.tok;
    if (this.at('-') || this.at('+')) {
      this.next();
      return { k: 'unary', op: t.value, x: this.nested(() => this.factor()), line: t.line, col: t.col };
    }
    if (this.at('~')) this.unsupported(t, "the operator '~'");
    return this.power();
  }
  power() {
    const base = this.atom();
    if (!this.at('**')) return base;
    const t = this.next();
    return { k: 'bin', op: '**', l: base, r: this.nested(() => this.factor()), line: t.line, col: t.col }; // right-associative
  }
  nested(parse) {
    if (++this.depth > MAX_NESTING) fail(this.tok, `too deeply nested (more than ${MAX_NESTING} levels)`);
    try { return parse(); } finally { this.depth--; }
  }

  atom() {
    const t = this.tok;
    if (t.error) throw new KerasSyntaxError(t.error, t.line, t.col);
    if (t.type === 'number') return this.next(), { k: 'num', v: t.value };
    if (this.at('(')) {
      this.next();
      const value = this.expr();
      if (this.at(',')) this.unsupported(this.tok, 'a tuple');
      this.expect(')', 'to close the bracket');
      return value;
    }
    if (t.type === 'name' && !KEYWORDS.has(t.value)) {
      const name = this.dotted(this.pos);
      const parts = name.split('.');
      for (let i = 0; i < 2 * parts.length - 1; i++) this.next();
      const canonical = this.canonical(parts);
      if (this.at('(')) return this.call(t, name, canonical);
      if (canonical in CONSTANTS) return { k: 'num', v: CONSTANTS[canonical] };
      if (parts.length > 1) this.unsupported(t, `'${name}'`);
      const read = { k: 'name', id: name, line: t.line, col: t.col };
      this.reads.push(read);
      return read;
    }
    if (t.type === 'string') this.unsupported(t, 'a string');
    if (this.atWord('None')) this.unsupported(t, 'None (a schedule returns a number)');
    if (this.at('[') || this.at('{')) this.unsupported(t, this.at('[') ? 'a list' : 'a dict or set');
    return fail(t, `expected a value, got ${this.describe(t)}`);
  }
  // tf.math.exp, np.exp, exp (from math import exp): the import aliases, then short module names.
  canonical(parts) {
    const alias = this.ctx.aliases.get(parts[0]);
    const full = [...(alias ? alias.split('.') : [parts[0]]), ...parts.slice(1)].join('.');
    return full.replace(/^tensorflow\./, 'tf.').replace(/^numpy\./, 'np.').replace(/^keras\.backend\./, 'tf.');
  }
  call(t, name, canonical) {
    const fn = CALLEES[canonical];
    if (!fn) this.unsupported(t, `a call to ${name}(...)`);
    this.next();
    const args = [];
    while (!this.at(')')) {
      if (this.tok.type === 'name' && this.tokens[this.pos + 1].value === '=') this.unsupported(this.tok, `the keyword argument ${this.tok.value}=`);
      args.push(this.expr());
      if (!this.at(',')) break;
      this.next();
    }
    this.expect(')', `to close ${name}(...)`);
    const arity = FUNCTIONS[fn][1];
    if (arity > 0 ? args.length !== arity : args.length < -arity) {
      fail(t, `${name}() takes ${arity > 0 ? `${arity} argument${arity > 1 ? 's' : ''}` : `at least ${-arity} arguments`}, got ${args.length}`);
    }
    return { k: 'call', fn, name, args, line: t.line, col: t.col };
  }
}

const KEYWORDS = new Set(['and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass',
  'raise', 'return', 'try', 'while', 'with', 'yield', 'None']);
