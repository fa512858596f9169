// lib/notebook.mjs: a notebook's code cells as one script with cell marks, and lines mapped back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notebookScript, cellOfLine } from '../../web/lib/notebook.mjs';

const nb = (cells) => JSON.stringify({ cells });

test('code cells in order, magics blanked, each under a "# cell N" mark', () => {
  const script = notebookScript(nb([
    { cell_type: 'markdown', source: ['# Title'] },
    { cell_type: 'code', source: ['%matplotlib inline\n', 'import keras'] },
    { cell_type: 'code', source: 'x = 1\n  !ls' },
  ]), 'a.ipynb');
  assert.equal(script, '# cell 2\n\nimport keras\n# cell 3\nx = 1\n');
});

test('a line of the script is told as its cell and the line within the cell', () => {
  const script = '# cell 2\nimport keras\n# cell 5\na = 1\nb = 2';
  assert.deepEqual(cellOfLine(script, 2), { cell: 2, line: 1 });
  assert.deepEqual(cellOfLine(script, 5), { cell: 5, line: 2 });
  assert.equal(cellOfLine('a = 1\nb = 2', 2), null, 'pasted code has no cells');
});

test('files that are not notebooks are named', () => {
  assert.throws(() => notebookScript('{', 'x.ipynb'), /^Error: x\.ipynb: not a Jupyter notebook \(not valid JSON/);
  assert.throws(() => notebookScript('{"cells": 3}', 'x.ipynb'), /^Error: x\.ipynb: not a Jupyter notebook \(no "cells" list\)$/);
  assert.throws(() => notebookScript(nb([{ cell_type: 'markdown', source: 'hi' }]), 'x.ipynb'), /x\.ipynb: the notebook has no code cells/);
});
