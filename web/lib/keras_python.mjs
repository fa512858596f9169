// The notebook's own Keras Python → the engine's terse model config (see presets.mjs), with
// errors that name the line and the argument:
//
//   const { config, layerLines, compile, fit } = parseKerasPython(cellText);
//   const model = await createModel(config);   // an engine error about layer i → layerLines[i]
//   model.compile(compile);  await model.fit(x, y, fit);
//
// A hand-written tokenizer and recursive-descent parser for the small part of Python involved
// (no eval, no DOM: it runs under a strict CSP and in Node). Only four kinds of statement
// matter — `m = ...Sequential(...)`, `m.add(...)`, `m.compile(...)`, `m.fit(...)` — plus imports
// (for their aliases); every other statement is tokenized (so broken Python is still reported
// where Python would report it) and skipped, save what fit's extras need (keras_python_fit.mjs).
// Values must be literals: Python is not run, so a variable such as Dense(n_units) is refused.
import {
  KerasSyntaxError, fail, short, describe, bindArgs, newModel, addLayer, modelResult, convertSequential, convertCompile,
} from './keras_python_layers.mjs';
import { convertTraining } from './keras_python_fit.mjs';

export { KerasSyntaxError };

// The config is JSON unless it is Python: the editor takes either.
export function isKerasPython(text) {
  return !/^\s*\{/.test(text);
}

export function parseKerasPython(source) {
  return new Parser(String(source)).program();
}

// ---- Tokenizer ----
// Tokens: {type: 'name'|'number'|'string'|'op'|'newline'|'eof', value, text, line, col, start, end}.
// Like Python's tokenizer, newlines inside brackets are not statement ends. Problems (an
// unterminated string, a ')' closing a '[') are not thrown here but stored as `error` on the
// token, so that they surface in source order, after any error the parser finds earlier — and
// a parser expectation at the same token ("expected '(' after MaxPooling2D") can say more.
const OPERATORS = ['**=', '//=', '>>=', '<<=', '...', '->', '**', '//', '==', '!=', '<=', '>=', '<<', '>>', ':=',
  '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=', ...'()[]{},:.;@=+-*/%&|^~<>'];
const OPENERS = { ')': '(', ']': '[', '}': '{' };
const NUMBER = /0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?/y;
const NAME = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/uy;
const STRING_START = /([rRbBuUfF]{1,2})?('''|"""|'|")/y;
const ESCAPES = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', 0: '\0' };
const HEX_ESCAPE = /x([\da-fA-F]{2})|u([\da-fA-F]{4})|U([\da-fA-F]{8})/y;

function tokenize(src) {
  const tokens = [];
  const open = []; // indices of the brackets not closed yet
  let i = 0, line = 1, lineStart = 0, logicalLineHasTokens = false;
  const sticky = (re) => ((re.lastIndex = i), re.exec(src));
  const add = (type, start, at, props) => {
    tokens.push({ type, text: src.slice(start, i), start, end: i, line: at.line, col: at.col, ...props });
    logicalLineHasTokens = true;
    return tokens.at(-1);
  };
  while (i < src.length) {
    const c = src[i];
    const at = { line, col: i - lineStart + 1 }, start = i;
    let m;
    if (c === '\n') {
      if (!open.length && logicalLineHasTokens) tokens.push({ type: 'newline', text: '\n', start, end: i + 1, ...at });
      if (!open.length) logicalLineHasTokens = false;
      i++, line++, lineStart = i;
    } else if (' \t\r\f'.includes(c)) {
      i++;
    } else if (c === '#' || ('%!'.includes(c) && !logicalLineHasTokens && !open.length)) {
      while (i < src.length && src[i] !== '\n') i++; // a comment, or an IPython magic: %matplotlib, !pip
    } else if (c === '\\') {
      if (src[i + 1] !== '\n') return end(add('error', i++, at, { error: "unexpected character after line continuation '\\'" }));
      i += 2, line++, lineStart = i;
    } else if ((m = sticky(STRING_START))) {
      const prefix = m[1] ?? '', quote = m[2], raw = /r/i.test(prefix);
      let value = '', closed = false;
      for (i += m[0].length; i < src.length;) {
        if (src.startsWith(quote, i)) { i += quote.length, closed = true; break; }
        const ch = src[i];
        if (ch === '\n' && quote.length === 1) break;
        if (ch === '\n') lineStart = i + 1, line++;
        if (ch !== '\\' || i + 1 >= src.length) { value += ch, i++; continue; }
        const next = src[i + 1];
        if (next === '\n') line++, lineStart = i + 2; // a continued line inside the string
        if (raw) value += ch + next, i += 2;
        else if (next === '\n') i += 2;
        else if (next in ESCAPES) value += ESCAPES[next], i += 2;
        else if ((i++, (m = sticky(HEX_ESCAPE)))) value += String.fromCodePoint(parseInt(m[1] ?? m[2] ?? m[3], 16)), i += m[0].length;
        else value += '\\';
      }
      if (!closed) {
        const error = quote.length === 3 ? `unterminated string: the ${quote} here is never closed` : `unterminated string: no closing ${quote} on this line`;
        return end(add('error', start, at, { error }));
      }
      add('string', start, at, { value, fstring: /f/i.test(prefix) });
    } else if ((/\d/.test(c) || (c === '.' && /\d/.test(src[i + 1] ?? ''))) && (m = sticky(NUMBER))) {
      i += m[0].length;
      add('number', start, at, { value: Number(m[0].replace(/_/g, '')) });
    } else if ((m = sticky(NAME))) {
      i += m[0].length;
      add('name', start, at, { value: m[0] });
    } else if ((m = OPERATORS.find((op) => src.startsWith(op, i)))) {
      i += m.length;
      const tok = add('op', start, at, { value: m });
      if ('([{'.includes(m)) open.push(tokens.length - 1);
      else if (!OPENERS[m]) continue;
      else if (!open.length) tok.error = `unmatched '${m}'`;
      else {
        const opener = tokens[open.pop()];
        opener.match = tokens.length - 1;
        if (opener.value !== OPENERS[m]) tok.error = `'${m}' does not match '${opener.value}' on line ${opener.line}`;
      }
    } else {
      return end(add('error', i++, at, { error: `invalid character '${c}'` }));
    }
  }
  return end();

  function end() {
    if (logicalLineHasTokens && !open.length) tokens.push({ type: 'newline', text: '', start: i, end: i, line, col: i - lineStart + 1 });
    const eof = { type: 'eof', text: '', start: src.length, end: src.length, line, col: i - lineStart + 1 };
    const unclosed = tokens[open.at(-1)];
    if (unclosed) Object.assign(eof, { error: `'${unclosed.value}' was never closed`, line: unclosed.line, col: unclosed.col });
    tokens.push(eof);
    return tokens;
  }
}

// ---- Parser ----
// Expressions become nodes {kind, line, col, start, text, ...}: num, str, const (True/False/None),
// name (dotted: parts), tuple, list, call (callee, args: [{name?, star?, value, line, col}]) and
// `unsupported` (what: 'arithmetic', 'a lambda', ...) for Python that is parsed but has no
// literal value; those fail only if a value that matters is one of them.
const KEYWORDS = new Set(['and', 'as', 'assert', 'async', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'nonlocal', 'or', 'pass', 'raise', 'return',
  'try', 'while', 'with', 'yield']);
const CONSTANTS = { True: true, False: false, None: null };
// Number literals joined by + - * / (Rescaling(1./255), Dropout(1 - 0.75)) are folded to their
// value, with Python's precedence; anything else (names, other operators) stays unsupported.
function foldNumbers(operands, ops) {
  if (!operands.every((o) => o.kind === 'num') || !ops.every((op) => ['+', '-', '*', '/'].includes(op))) return undefined;
  const terms = [operands[0].value], signs = [];
  ops.forEach((op, i) => {
    const v = operands[i + 1].value;
    if (op === '*') terms[terms.length - 1] *= v;
    else if (op === '/') {
      if (v === 0) fail(operands[i + 1], 'division by zero');
      terms[terms.length - 1] /= v;
    } else terms.push(v), signs.push(op);
  });
  return signs.reduce((sum, sign, i) => (sign === '+' ? sum + terms[i + 1] : sum - terms[i + 1]), terms[0]);
}

const BINARY = new Set(['+', '-', '*', '/', '//', '%', '**', '@', '<<', '>>', '&', '|', '^', '==', '!=', '<', '>', '<=', '>=']);
const METHODS = new Set(['add', 'compile', 'fit', 'fit_generator']);
const REMEMBERED = new Set(['ImageDataGenerator', 'LearningRateScheduler', 'flow']); // `x = X(...)`s fit() may name
const tokenError = (t) => new KerasSyntaxError(t.error, t.line, t.col);
const describeToken = (t) => (t.type === 'eof' ? 'the end of the code' : t.type === 'newline' ? 'the end of the line' : `'${short(t.text, 20)}'`);
const MAX_NESTING = 200;

class Parser {
  constructor(source) {
    this.src = source.replace(/\r\n?/g, '\n');
    this.tokens = tokenize(this.src);
    this.pos = 0;
    this.last = null; // the last token consumed
    // aliases: 'tf' → 'tensorflow', 'Dense' → 'keras.layers.Dense'; for fit's extras, values: `name = X(...)`
    // calls, functions: def/lambda token indices, numbers: top-level `name = number`.
    this.ctx = { aliases: new Map(), values: new Map(), functions: new Map(), numbers: new Map(), tokens: this.tokens };
    this.models = new Map(); // variable name → model under construction
    this.current = null; // the model created last: the one returned
    this.depth = 0; // expression nesting, bounded so that deep brackets cannot overflow the JS stack
  }

  get tok() { return this.tokens[this.pos]; }
  at(value, ahead = 0) {
    const t = this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
    return t.type === 'op' && t.value === value;
  }
  atWord(word) { return this.tok.type === 'name' && this.tok.value === word; }
  atStatementEnd() { return this.tok.type === 'newline' || this.tok.type === 'eof' || this.at(';'); }
  next() {
    const t = this.tok;
    if (t.error) throw tokenError(t);
    if (t.type !== 'eof') this.pos++;
    return (this.last = t);
  }
  node(kind, from, props) {
    const text = this.src.slice(from.start, this.last.end).replace(/\s+/g, ' ');
    return { kind, line: from.line, col: from.col, start: from.start, text, ...props };
  }
  unsupported(what, from) { return this.node('unsupported', from, { what }); }
  skipPast(open) { // up to and including the bracket that closes `open`
    while (this.next().type !== 'eof') if (this.pos - 1 === open.match) return;
    fail(open, `'${open.value}' was never closed`);
  }

  // -- statements --
  program() {
    while (this.tok.type !== 'eof') {
      if (this.atStatementEnd()) this.next();
      else this.statement();
    }
    this.next(); // throws if a bracket is still open
    return modelResult(this.current);
  }

  statement() {
    if (this.atWord('import') || this.atWord('from')) return this.importStatement();
    // `target = a.b.Sequential(`, `return Sequential(`, `[x =] model.add|compile|fit(`
    let p = this.pos, target = null;
    if (this.tok.type === 'name' && this.at('=', 1)) target = this.tok.value, p += 2;
    else if (this.atWord('return')) target = 'model', p += 1;
    const rhs = this.tokens[p], { functions, numbers } = this.ctx;
    if (this.atWord('def') && rhs.type === 'name' && this.tokens[p + 1].type === 'name') functions.set(this.tokens[p + 1].value, p);
    if (target && rhs.value === 'lambda' && rhs.type === 'name') functions.set(target, p);
    if (target && rhs.type === 'number' && ['newline', 'eof'].includes(this.tokens[p + 1].type)) numbers.set(target, rhs.value);
    const chain = [];
    for (let q = p; this.tokens[q].type === 'name'; q += 2) {
      chain.push(this.tokens[q].value);
      if (this.tokens[q + 1].value === '(') {
        const isModel = chain.length === 2 && METHODS.has(chain[1]) && (this.models.has(chain[0]) || chain[0] === 'model');
        const kind = chain.at(-1) === 'Sequential' && target ? 'Sequential' : isModel ? chain[1]
          : target && REMEMBERED.has(chain.at(-1)) && (chain.at(-1) !== 'flow' || chain.length === 2) ? 'remember' : null;
        if (!kind) break;
        this.pos = p;
        const from = this.tok;
        while (this.pos <= q) this.next();
        const call = this.parseCall(this.node('name', from, { parts: chain }));
        this[kind](call, kind === 'Sequential' || kind === 'remember' ? target : chain[0]);
        return this.endStatement(call);
      }
      if (this.tokens[q + 1].value !== '.') break;
    }
    this.skipStatement();
  }

  endStatement(call) {
    if (this.at(',')) this.next(); // `model.add(...),` is a one-element tuple: harmless
    if (this.at('.') || this.at('[')) this.skipStatement(); // model.fit(...).history
    if (this.atStatementEnd()) return;
    if (this.tok.error) throw tokenError(this.tok);
    fail(this.tok, `expected the end of the statement after ${describe(call)}, got ${describeToken(this.tok)}`);
  }

  // Records aliases (import tensorflow as tf, from tensorflow.keras import layers) so that
  // dotted names can be checked; anything it does not follow is skipped like other statements.
  importStatement() {
    const dotted = () => {
      const parts = [this.next().value];
      while (this.at('.') && this.tokens[this.pos + 1].type === 'name') this.next(), parts.push(this.next().value);
      return parts.join('.');
    };
    const from = this.atWord('from') && (this.next(), this.tok.type === 'name' ? dotted() : null);
    if (from !== false && !(from && this.atWord('import'))) return this.skipStatement();
    this.next();
    if (this.at('(')) this.next();
    while (this.tok.type === 'name') {
      const path = from ? `${from}.${this.next().value}` : dotted();
      const name = this.atWord('as') ? (this.next(), this.next().value) : from ? path.split('.').at(-1) : null;
      if (name) this.ctx.aliases.set(name, path);
      if (!this.at(',')) break;
      this.next();
    }
    this.skipStatement();
  }
  skipStatement() { while (!this.atStatementEnd()) this.next(); }

  // The statements that build a model, each on the model its variable holds. A new Sequential
  // replaces the variable's model (as in Python); the model created last is the one returned.
  Sequential(call, target) {
    const model = (this.current = newModel(call, true));
    this.models.set(target, model);
    const { name, layers } = convertSequential(call, this.ctx);
    model.name = name;
    for (const item of layers) addLayer(model, item, this.ctx);
  }
  add(call, name) {
    const layer = bindArgs(call, { positional: ['layer'] }, 'add').get('layer');
    if (!layer) fail(call, 'add: missing the layer to add, e.g. model.add(Dense(10))');
    if (!this.models.has(name)) this.models.set(name, (this.current = newModel(call, false))); // no Sequential() pasted
    addLayer(this.models.get(name), layer.value, this.ctx);
  }
  compile(call, name) { if (this.models.has(name)) this.models.get(name).compile = convertCompile(call, this.ctx); }
  fit(call, name, method = 'fit') { if (this.models.has(name)) this.models.get(name).fit = convertTraining(call, this.ctx, method); }
  fit_generator(call, name) { this.fit(call, name, 'fit_generator'); } // Keras 2.0-2.3
  remember(call, name) { this.ctx.values.set(name, call); } // for keras_python_fit.mjs

  // -- expressions --
  // Nesting is bounded like CPython's parser ("too many nested parentheses" past 200 levels):
  // recursion deeper than that would overflow the JS stack with a RangeError instead.
  enter() {
    if (++this.depth > MAX_NESTING) fail(this.tok, `too deeply nested (more than ${MAX_NESTING} levels of brackets or operators)`);
  }
  parseExpr() {
    this.enter();
    try {
      return this.parseExprInner();
    } finally {
      this.depth--;
    }
  }
  parseExprInner() {
    const from = this.tok;
    if (this.atWord('lambda')) { // kept as its token index: keras_schedule.mjs reads it if it is a schedule
      const index = this.pos;
      while (!this.at(':') && !this.atStatementEnd()) this.next();
      this.next();
      this.parseExpr();
      return { ...this.unsupported('a lambda', from), index };
    }
    let node = this.parseUnary(), what = null;
    const operands = [node], ops = [];
    for (;;) {
      const t = this.tok, word = t.type === 'name' ? t.value : null;
      if (word === 'not' && this.tokens[this.pos + 1].value === 'in') this.next();
      else if (!(t.type === 'op' && BINARY.has(t.value)) && !['and', 'or', 'in', 'is'].includes(word)) break;
      this.next();
      if (word === 'is' && this.atWord('not')) this.next();
      what ??= ['and', 'or'].includes(word) ? `'${word}'` : word || /[=<>]/.test(t.value) ? 'a comparison' : 'arithmetic';
      ops.push(word ?? t.value);
      operands.push(this.parseUnary());
    }
    const folded = what === 'arithmetic' ? foldNumbers(operands, ops) : undefined;
    if (folded !== undefined) node = this.node('num', from, { value: folded });
    else if (what) node = this.unsupported(what, from);
    if (this.atWord('if')) {
      this.next();
      this.parseExpr();
      if (!this.atWord('else')) fail(this.tok, `expected 'else' in the conditional expression, got ${describeToken(this.tok)}`);
      this.next();
      this.parseExpr();
      node = this.unsupported('a conditional expression', from);
    }
    return node;
  }

  parseUnary() {
    const t = this.tok;
    if (!['-', '+', '~'].includes(t.type === 'op' && t.value) && !this.atWord('not')) return this.parsePostfix();
    this.next();
    this.enter();
    let operand;
    try {
      operand = this.parseUnary();
    } finally {
      this.depth--;
    }
    if (operand.kind === 'num' && t.value !== '~') return this.node('num', t, { value: t.value === '-' ? -operand.value : operand.value });
    return this.unsupported(t.value === 'not' ? "'not'" : 'arithmetic', t);
  }

  parsePostfix() {
    let node = this.parseAtom();
    for (;;) {
      if (this.at('.')) {
        this.next();
        const t = this.tok;
        if (t.type !== 'name') fail(t, `expected a name after '.', got ${describeToken(t)}`);
        this.next();
        node = node.kind === 'name' ? this.node('name', node, { parts: [...node.parts, t.value] }) : this.unsupported('an attribute of an expression', node);
      } else if (this.at('(')) {
        node = this.parseCall(node);
      } else if (this.at('[')) {
        this.skipPast(this.tok);
        node = this.unsupported('indexing', node);
      } else {
        return node;
      }
    }
  }

  parseAtom() {
    const t = this.tok;
    if (t.error) throw tokenError(t);
    if (t.type === 'name' && !KEYWORDS.has(t.value)) {
      this.next();
      return t.value in CONSTANTS ? this.node('const', t, { value: CONSTANTS[t.value] }) : this.node('name', t, { parts: [t.value] });
    }
    if (t.type === 'number') return this.next(), this.node('num', t, { value: t.value });
    if (t.type === 'string') { // 'a' 'b' is one string, as in Python
      let value = '', fstring = false;
      while (this.tok.type === 'string') value += this.tok.value, fstring ||= this.next().fstring;
      return this.node('str', t, { value, fstring });
    }
    if (this.at('(') || this.at('[')) {
      const close = this.at('(') ? ')' : ']';
      const open = this.next();
      const items = [];
      if (!this.at(close)) {
        items.push(this.parseExpr());
        if (this.atWord('for')) return this.skipPast(open), this.unsupported(close === ']' ? 'a list comprehension' : 'a generator expression', open);
        if (close === ')' && this.at(')')) return this.next(), items[0]; // (28) is 28, not a tuple
      }
      this.parseSequence(open, close, () => this.parseExpr(), items);
      return this.node(close === ']' ? 'list' : 'tuple', open, { items });
    }
    if (this.at('{')) return this.skipPast(t), this.unsupported('a dict or set', t);
    if (this.at('...')) return this.next(), this.unsupported('...', t);
    return fail(t, `expected a value, got ${describeToken(t)}`);
  }

  parseCall(callee) {
    const open = this.next();
    let keywordSeen = false;
    const argument = () => {
      const t = this.tok;
      if (this.at('*') || this.at('**')) {
        this.next();
        return { star: t.value === '*' ? '*args' : '**kwargs', value: this.parseExpr(), line: t.line, col: t.col };
      }
      if (t.type === 'name' && this.at('=', 1)) {
        this.next(), this.next();
        keywordSeen = true;
        return { name: t.value, value: this.parseExpr(), line: t.line, col: t.col };
      }
      const value = this.parseExpr();
      if (keywordSeen) fail(value, 'positional argument follows keyword argument');
      return { value, line: value.line, col: value.col };
    };
    const args = [];
    if (!this.at(')')) {
      args.push(argument());
      if (this.atWord('for')) return this.skipPast(open), this.unsupported('a generator expression', callee);
    }
    this.parseSequence(open, ')', argument, args);
    return this.node('call', callee, { callee, args });
  }

  // Items separated by commas up to the bracket closing `open`; `items` may hold the first one.
  parseSequence(open, close, item, items) {
    for (;;) {
      if (items.length && !this.at(close)) {
        const prev = items.at(-1);
        if (!this.at(',')) this.unexpected(open, close, prev.kind ? prev : prev.value); // a node, or a call argument
        this.next();
      }
      if (this.at(close)) return this.next();
      items.push(item());
    }
  }

  // After the item `prev`, neither ',' nor the closing bracket: say what is most likely wrong.
  unexpected(open, close, prev) {
    const t = this.tok, end = this.last;
    if (open.match === undefined && (t.type === 'eof' || t.line > end.line)) fail(open, `'${open.value}' was never closed`);
    if (prev.kind === 'name' && /^[A-Z]/.test(prev.parts.at(-1))) fail(t, `expected '(' after ${prev.parts.at(-1)}`);
    if (t.error) throw tokenError(t);
    const startsValue = ['name', 'number', 'string'].includes(t.type) || ['(', '[', '{'].includes(t.value);
    if (startsValue && t.line === end.line) fail(t, `missing ',' between ${describe(prev)} and ${describeToken(t)}`);
    if (startsValue) fail(end, `missing ',' after ${describe(prev)}`);
    fail(t, `expected ',' or '${close}', got ${describeToken(t)}`);
  }
}
