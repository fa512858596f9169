// The code editor's parts that need no browser: the Python tokenizer (run the way CodeMirror's
// StreamLanguage runs it, line by line with its state carried over), the range an error is
// underlined at, and which argument an engine error names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StringStream } from '@codemirror/language';
import { Text } from '@codemirror/state';
import { pythonTokens } from '../../web/ui/python_tokens.mjs';
import { errorRange } from '../../web/ui/code_editor.mjs';
import { parseCode, errorArgument } from '../../web/page/parse_code.mjs';

// [text, tag] per token (whitespace left out), over all lines.
function tokenize(code) {
  const state = pythonTokens.startState();
  const out = [];
  for (const line of code.split('\n')) {
    const stream = new StringStream(line, 4, 4);
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
