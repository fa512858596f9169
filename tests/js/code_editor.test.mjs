// The code editor's parts that need no browser: the Python tokenizer (run line by line with its
// state carried over, as ui/code_highlight.mjs runs it), the brackets it pairs, the range an
// error is underlined at, and which argument an engine error names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Text } from '@codemirror/state';
import { pythonTokens } from '../../web/ui/python_tokens.mjs';
import { LineStream, tokenize as highlight, bracketMarks } from '../../web/ui/code_highlight.mjs';
import { nextIndent } from '../../web/ui/code_commands.mjs';
import { errorRange } from '../../web/ui/code_editor.mjs';
import { parseCode, errorArgument } from '../../web/page/parse_code.mjs';

// [text, tag] per token (whitespace left out), over all lines.
function tokenize(code) {
  const state = pythonTokens.startState();
  const out = [];
  for (const line of code.split('\n')) {
    const stream = new LineStream(line);
    while (!stream.eol()) {
      stream.start = stream.pos;
      const tag = pythonTokens.token(stream, state);
      assert.ok(stream.pos > stream.start, `the tokenizer advances on ${JSON.stringify(line.slice(stream.start))}`);
      const text = line.slice(stream.start, stream.pos);
      if (text.trim()) out.push([text, tag]);
    }
  }
  return out;
}

test('the lab cell is tokenized as Python', () => {
  const tokens = tokenize(`import tensorflow as tf  # the lab
model = tf.keras.models.Sequential([
    tf.keras.layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)),
])
model.fit(x, y, epochs=5, verbose=True)`);
  const tagOf = (text) => tokens.find(([t]) => t === text)?.[1];
  assert.equal(tagOf('import'), 'keyword');
  assert.equal(tagOf('# the lab'), 'comment');
  assert.equal(tagOf('tf.keras.layers.Conv2D') ?? tagOf('Conv2D'), 'variableName.function');
  assert.equal(tagOf('32'), 'number');
  assert.equal(tagOf("'relu'"), 'string');
  assert.equal(tagOf('activation'), 'attribute');
  assert.equal(tagOf('True'), 'atom');
  assert.equal(tagOf('('), 'bracket');
  assert.equal(tagOf('='), 'operator');
});

test('a triple-quoted string runs across lines; == is not a keyword argument', () => {
  const tokens = tokenize(`doc = """one\nstill 'inside' it\n""" + 'x'\nif a == 1: pass`);
  assert.deepEqual(tokens.filter(([, tag]) => tag === 'string').map(([t]) => t), ['"""one', "still 'inside' it", '"""', "'x'"]);
  assert.equal(tokens.find(([t]) => t === 'a')[1], 'variableName');
  assert.equal(tokens.find(([t]) => t === 'if')[1], 'keyword');
});

test('a def names its function; decorators and 1e-7 are recognised', () => {
  const tokens = tokenize('@tf.function\ndef scheduler(epoch, lr):\n    return lr * 1e-7');
  assert.deepEqual(tokens.slice(0, 3), [['@tf.function', 'meta'], ['def', 'keyword'], ['scheduler', 'def']]);
  assert.deepEqual(tokens.at(-1), ['1e-7', 'number']);
});

test('an error is underlined at its column, else at its line, else at the given range', () => {
  const doc = Text.of(['model = Sequential([', '    Dense(10 20),', '])']);
  const at = (r) => doc.sliceString(r.from, r.to);
  assert.equal(at(errorRange(doc, { line: 2, column: 14 })), '20');
  assert.equal(at(errorRange(doc, { line: 2 })), 'Dense(10 20),');
  assert.equal(at(errorRange(doc, { line: 2, from: 25, to: 30 })), 'Dense');
  assert.equal(errorRange(doc, { line: 9 }), null);
  assert.equal(errorRange(doc, { line: null }), null);
});

test('an engine error is underlined at the argument it names', () => {
  const code = `model = tf.keras.models.Sequential([
  tf.keras.layers.Conv2D(32, (30, 30), strides=2, activation='relu', input_shape=(28, 28, 1)),
  tf.keras.layers.Dense(10),
])`;
  const { layerSpans } = parseCode(code);
  const text = (r) => code.slice(r.from, r.to);
  assert.equal(text(errorArgument(layerSpans[0], "conv2d: Conv2D kernel 30x30 does not fit input 28x28")), '(30, 30)');
  assert.equal(text(errorArgument(layerSpans[0], 'conv2d: Conv2D strides must be positive')), '2');
  assert.equal(text(errorArgument(layerSpans[1], 'dense: Dense expects a flat input (None, features)')), 'tf.keras.layers.Dense(10)');
  assert.deepEqual(errorArgument(undefined, 'anything'), {});
});

test('the highlighter gives each token its class, in document offsets across lines', () => {
  const code = "print(1)  # one\nDense(10, activation='relu')";
  const classes = highlight(code).tokens.map((t) => [code.slice(t.from, t.to), t.cls]);
  assert.deepEqual(classes, [['print', 'tok-builtin'], ['1', 'tok-number'], ['# one', 'tok-comment'], ['Dense', 'tok-function'], ['10', 'tok-number'],
    ['activation', 'tok-argument'], ["'relu'", 'tok-string']]);
});

test('brackets pair across lines, skip strings and comments, and the one beside the cursor is marked', () => {
  const code = "f([1, ')'],\n  {2: 3})  # (\n]";
  const { brackets } = highlight(code);
  const pairs = [...brackets].filter(([a, b]) => a < b).map(([a, b]) => code[a] + code[b]);
  assert.deepEqual(pairs.sort(), ['()', '[]', '{}']);
  assert.equal(brackets.size, 7, "the ')' in the string and the '(' in the comment are not brackets; the last ']' is");
  assert.equal(brackets.get(code.lastIndexOf(']')), -1);
  const open = code.indexOf('(');
  assert.deepEqual(bracketMarks(brackets, open), [{ at: open, cls: 'cm-matchingBracket' }, { at: code.indexOf(')  #'), cls: 'cm-matchingBracket' }]);
  assert.deepEqual(bracketMarks(brackets, open + 1).map((m) => code[m.at]), ['(', ')'], 'between "(" and "[": the one before the cursor first');
  assert.deepEqual(bracketMarks(brackets, open + 2).map((m) => code[m.at]), ['[', ']']);
  assert.deepEqual(bracketMarks(brackets, code.length), [{ at: code.length - 1, cls: 'cm-nonmatchingBracket' }]);
  assert.deepEqual(bracketMarks(brackets, 4), [], 'no bracket beside');
});

test('Enter keeps the indent, and adds 4 after a colon or an open bracket', () => {
  assert.equal(nextIndent('    x = 1'), '    ');
  assert.equal(nextIndent('model = Sequential(['), '    ');
  assert.equal(nextIndent('    def f(x):  # note'), '        ');
  assert.equal(nextIndent("    Dense(10, activation='relu'),"), '    ');
  assert.equal(nextIndent(''), '');
});
