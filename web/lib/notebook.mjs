// A Jupyter notebook's code as one Python script, for the same parser that reads pasted code:
// its code cells in order, IPython magics and shell lines (%..., !...) blanked so line numbers
// stay true, and a "# cell N" line above each cell so a reader (and an error) can say where a
// line came from. Used by the CLI's --model x.ipynb and by the page's file drop.
const MARK = /^# cell (\d+)$/;

export function notebookScript(text, file) {
  let cells;
  try {
    cells = JSON.parse(text).cells;
  } catch (e) {
    throw new Error(`${file}: not a Jupyter notebook (not valid JSON: ${e.message})`);
  }
  if (!Array.isArray(cells)) throw new Error(`${file}: not a Jupyter notebook (no "cells" list)`);
  const lines = [];
  cells.forEach((cell, index) => {
    if (cell?.cell_type !== 'code') return;
    const source = Array.isArray(cell.source) ? cell.source.join('') : String(cell.source ?? '');
    lines.push(`# cell ${index + 1}`);
    for (const line of source.split('\n')) lines.push(/^\s*[!%]/.test(line) ? '' : line);
  });
  if (lines.length === 0) throw new Error(`${file}: the notebook has no code cells`);
  return lines.join('\n');
}

// "cell 3, line 5" for line 12 of a notebookScript (1-based), or null when the script has no
// cell marks above that line (code that was pasted, not a notebook).
export function cellOfLine(script, line) {
  const lines = script.split('\n');
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const m = MARK.exec(lines[i]);
    if (m) return { cell: Number(m[1]), line: line - (i + 1) };
  }
  return null;
}
