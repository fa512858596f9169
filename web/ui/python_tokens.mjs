// Python highlighting for the code editor: a small stream tokenizer (CodeMirror's StreamLanguage
// contract: startState() and token(stream, state) -> a highlight tag name or null) in place of
// the full Lezer Python grammar, which would add 22 KB gzipped to a page whose code is a few
// Keras calls. It knows what the course's cells hold: comments, strings (triple-quoted ones
// across lines), numbers, keywords, True/False/None, calls, keyword arguments and decorators.

const KEYWORDS = new Set(['and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass',
  'raise', 'return', 'try', 'while', 'with', 'yield']);
const CONSTANTS = new Set(['True', 'False', 'None']);
const BUILTINS = new Set(['print', 'len', 'range', 'int', 'float', 'str', 'list', 'dict', 'tuple', 'super', 'self']);
const STRING_START = /^(?:[rRbBuUfF]{1,2})?(?:'''|"""|'|")/;

// Inside a string that began on an earlier line (only triple-quoted ones can).
function continueString(stream, state) {
  const quote = state.openString;
  while (!stream.eol()) {
    if (stream.match(quote)) {
      state.openString = null;
      return 'string';
    }
    if (stream.next() === '\\') stream.next();
  }
  if (quote.length === 1) state.openString = null; // an unclosed '...' ends with its line
  return 'string';
}

export const pythonTokens = {
  name: 'python',
  startState: () => ({ openString: null, afterDef: false }),
  copyState: (s) => ({ ...s }),
  token(stream, state) {
    if (state.openString) return continueString(stream, state);
    if (stream.eatSpace()) return null;
    if (stream.peek() === '#') {
      stream.skipToEnd();
      return 'comment';
    }
    const start = stream.match(STRING_START);
    if (start) {
      state.openString = start[0].replace(/^[a-zA-Z]+/, '');
      return continueString(stream, state);
    }
    if (stream.match(/^(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?j?)/)) return 'number';
    if (stream.match(/^@[\w.]+/)) return 'meta';
    const word = stream.match(/^[A-Za-z_]\w*/);
    if (word) {
      const w = word[0];
      if (state.afterDef) {
        state.afterDef = false;
        return 'def';
      }
      if (w === 'def' || w === 'class') state.afterDef = true;
      if (KEYWORDS.has(w)) return 'keyword';
      if (CONSTANTS.has(w)) return 'atom';
      // activation='relu': the keyword argument's name (not a comparison: '==').
      if (stream.match(/^\s*=(?!=)/, false)) return 'attribute';
      if (stream.match(/^\s*\(/, false)) return BUILTINS.has(w) ? 'builtin' : 'variableName.function';
      return BUILTINS.has(w) ? 'builtin' : 'variableName';
    }
    if (stream.match(/^[()[\]{}]/)) return 'bracket';
    if (stream.match(/^(?:\*\*|\/\/|[-+*/%=<>!]=?|[&|^~])/)) return 'operator';
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '#' }, closeBrackets: { brackets: ['(', '[', '{', "'", '"'] } },
};
