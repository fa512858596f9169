// Python highlighting and bracket matching for the code editor (ui/code_editor.mjs), on
// CodeMirror's view alone: the tokenizer of python_tokens.mjs runs over the document line by
// line (a cell is a few dozen lines: all of it, on every change), its tokens become mark
// decorations with the tok-* classes code_editor.css colours, and the brackets outside strings
// and comments are paired so the one beside the cursor and its partner are marked as
// @codemirror/language's bracketMatching marks them (cm-matchingBracket / cm-nonmatchingBracket).
// That package and its Lezer runtime were a fifth of the editor's download (README "What the
// page downloads").

import { Decoration, ViewPlugin } from '../vendor/codemirror.mjs';
import { pythonTokens } from './python_tokens.mjs';

// The part of CodeMirror's StringStream the tokenizer uses: one line, a position in it.
export class LineStream {
  constructor(string) {
    this.string = string;
    this.pos = 0;
    this.start = 0;
  }

  eol() {
    return this.pos >= this.string.length;
  }

  peek() {
    return this.string.charAt(this.pos) || undefined;
  }

  next() {
    if (this.pos < this.string.length) return this.string.charAt(this.pos++);
    return undefined;
  }

  eatSpace() {
    const start = this.pos;
    while (/[\s\u00a0]/.test(this.string.charAt(this.pos))) this.pos++;
    return this.pos > start;
  }

  skipToEnd() {
    this.pos = this.string.length;
  }

  // A string or a sticky-at-pos RegExp (written with ^, as StreamLanguage tokenizers are):
  // the match (true for a string), consumed unless consume is false.
  match(pattern, consume = true) {
    const rest = this.string.slice(this.pos);
    if (typeof pattern === 'string') {
      if (!rest.startsWith(pattern)) return null;
      if (consume) this.pos += pattern.length;
      return true;
    }
    const m = pattern.exec(rest);
    if (!m || m.index > 0) return null;
    if (consume) this.pos += m[0].length;
    return m;
  }
}

// The tokenizer's tag names as the classes code_editor.css styles (no class: plain text).
const CLASSES = {
  comment: 'tok-comment', keyword: 'tok-keyword', string: 'tok-string', number: 'tok-number', atom: 'tok-number',
  'variableName.function': 'tok-function', def: 'tok-function', builtin: 'tok-builtin', attribute: 'tok-argument', meta: 'tok-meta',
};
const OPEN = { '(': ')', '[': ']', '{': '}' };

// tokens: [{from, to, cls}] in document offsets; brackets: Map offset -> partner offset (-1
// when unmatched), for brackets outside strings and comments.
export function tokenize(text) {
  const tokens = [];
  const brackets = new Map();
  const open = [];
  const state = pythonTokens.startState();
  let offset = 0;
  for (const line of text.split('\n')) {
    const stream = new LineStream(line);
    while (!stream.eol()) {
      stream.start = stream.pos;
      const tag = pythonTokens.token(stream, state);
      if (stream.pos === stream.start) stream.next(); // never stuck
      const from = offset + stream.start;
      if (CLASSES[tag]) tokens.push({ from, to: offset + stream.pos, cls: CLASSES[tag] });
      if (tag !== 'bracket') continue;
      const ch = line[stream.start];
      if (ch in OPEN) {
        open.push(from);
        continue;
      }
      const partner = open.length && OPEN[text[open.at(-1)]] === ch ? open.pop() : -1;
      brackets.set(from, partner);
      if (partner >= 0) brackets.set(partner, from);
    }
    offset += line.length + 1;
  }
  for (const from of open) brackets.set(from, -1);
  return { tokens, brackets };
}

// The bracket pair to mark for a cursor at `head`: the bracket just before it, else just after
// (CodeMirror's order). [{at, cls}] for the bracket and its partner, [] when none is beside.
export function bracketMarks(brackets, head) {
  for (const at of [head - 1, head]) {
    if (!brackets.has(at)) continue;
    const partner = brackets.get(at);
    if (partner < 0) return [{ at, cls: 'cm-nonmatchingBracket' }];
    return [at, partner].sort((a, b) => a - b).map((p) => ({ at: p, cls: 'cm-matchingBracket' }));
  }
  return [];
}

// One mark decoration per class, shared by every token of it.
const marks = new Map();
const mark = (cls) => {
  if (!marks.has(cls)) marks.set(cls, Decoration.mark({ class: cls }));
  return marks.get(cls);
};

// The editor extension: a view plugin holding the tokens and the decorations made from them.
export const pythonHighlighting = () => ViewPlugin.fromClass(class {
  constructor(view) {
    this.parsed = tokenize(view.state.doc.toString());
    this.decorations = this.build(view.state);
  }

  update(update) {
    if (update.docChanged) this.parsed = tokenize(update.state.doc.toString());
    if (update.docChanged || update.selectionSet) this.decorations = this.build(update.state);
  }

  build(state) {
    const ranges = this.parsed.tokens.map((t) => mark(t.cls).range(t.from, t.to));
    for (const r of state.selection.ranges) {
      if (r.empty) for (const b of bracketMarks(this.parsed.brackets, r.head)) ranges.push(mark(b.cls).range(b.at, b.at + 1));
    }
    return Decoration.set(ranges, true);
  }
}, { decorations: (plugin) => plugin.decorations });
