// The code editor's undo history and keys (ui/code_editor.mjs), on CodeMirror's state and view
// alone, in place of @codemirror/commands (which brings @codemirror/language and Lezer's
// runtime with it: README "What the page downloads"). Typing, copy and paste stay the
// browser's; cursor motion and deletion are bound here, through the view's own measures
// (moveByChar, moveVertically...), because a native motion is read back only at the next
// selectionchange, and CodeMirror takes a jump to the start within 200 ms of focusing for the
// browser's focus quirk and undoes it. The keys:
//   arrows, Mod-arrows (by word), Home (to the indent, then the line start), End, Mod-Home,
//   Mod-End, Page Up/Down, each with Shift to select; Backspace, Delete, Mod-Backspace/Delete
//   Tab / Shift-Tab, Mod-] / Mod-[   indent / dedent the selected lines by 4 spaces
//   Enter                            a new line with this line's indent, 4 more after ':' or an open bracket
//   Backspace in leading spaces      back to the previous multiple of 4
//   Mod-/                            comment / uncomment the selected lines with '# '
//   Alt-ArrowUp / Alt-ArrowDown      move the selected lines
//   Mod-z, Mod-y / Mod-Shift-z       undo, redo (typing within half a second is one step)
//   Mod-a                            select all (the native one sees only the lines drawn)
// Escape then Tab still leaves the editor (CodeMirror's view does that).

import { Annotation, EditorSelection, EditorView, StateField, Transaction, keymap } from '../vendor/codemirror.mjs';

const UNIT = '    ';
const GROUP_MS = 500;
const DEPTH = 200;

// ---- Undo history: inverse change sets with the selection from before each change ----

const fromHistory = Annotation.define();
const historyField = StateField.define({
  create: () => ({ done: [], undone: [], time: 0, event: null }),
  update(h, tr) {
    const moved = tr.annotation(fromHistory);
    if (moved) return moved;
    // A click elsewhere ends the typing being joined.
    if (!tr.docChanged) return tr.selection && h.event ? { ...h, event: null } : h;
    // (Nothing dispatches addToHistory: false; were it used, the entries would need mapping through it.)
    if (tr.annotation(Transaction.addToHistory) === false) return h;
    const inverse = tr.changes.invert(tr.startState.doc);
    const time = tr.annotation(Transaction.time) ?? Date.now();
    const event = tr.annotation(Transaction.userEvent) ?? null;
    const top = h.done.at(-1);
    const joins = top && event && event === h.event && /^(input\.type|delete\.)/.test(event) && time - h.time < GROUP_MS;
    // Joined: undoing (top's change, then this one) is this inverse, then top's.
    const done = joins
      ? [...h.done.slice(0, -1), { changes: inverse.compose(top.changes), selection: top.selection }]
      : [...h.done, { changes: inverse, selection: tr.startState.selection }].slice(-DEPTH);
    return { done, undone: [], time, event };
  },
});

function travel(view, from, to, userEvent) {
  const { state } = view;
  const h = state.field(historyField);
  const entry = h[from].at(-1);
  if (!entry || state.readOnly) return false;
  const back = { changes: entry.changes.invert(state.doc), selection: state.selection };
  const moved = { ...h, [from]: h[from].slice(0, -1), [to]: [...h[to], back], event: null };
  view.dispatch({ changes: entry.changes, selection: entry.selection, annotations: fromHistory.of(moved), userEvent, scrollIntoView: true });
  return true;
}
export const undo = (view) => travel(view, 'done', 'undone', 'undo');
export const redo = (view) => travel(view, 'undone', 'done', 'redo');
export const historyDepth = (state) => {
  const h = state.field(historyField);
  return { undo: h.done.length, redo: h.undone.length };
};

// ---- Line commands ----

// The lines the selection covers (a selection ending at a line's start leaves that line out).
function selectedLines(state) {
  const lines = new Map();
  for (const r of state.selection.ranges) {
    const end = r.to > r.from && state.doc.lineAt(r.to).from === r.to ? r.to - 1 : r.to;
    for (let n = state.doc.lineAt(r.from).number; n <= state.doc.lineAt(end).number; n++) lines.set(n, state.doc.line(n));
  }
  return [...lines.values()];
}

const editable = (view) => !view.state.readOnly;

function indentLines(view, more) {
  if (!editable(view)) return false;
  const changes = [];
  for (const line of selectedLines(view.state)) {
    const lead = /^ */.exec(line.text)[0].length;
    if (more) changes.push({ from: line.from, insert: UNIT });
    else if (lead) changes.push({ from: line.from, to: line.from + (lead % UNIT.length || UNIT.length) });
  }
  if (!changes.length) return true;
  // A cursor at a line's start moves with its text, as after typing the spaces.
  const set = view.state.changes(changes);
  view.dispatch({ changes: set, selection: view.state.selection.map(set, 1), userEvent: more ? 'input.indent' : 'delete.dedent', scrollIntoView: true });
  return true;
}
export const indentMore = (view) => indentLines(view, true);
export const indentLess = (view) => indentLines(view, false);

// The indent of a new line after `before` (the text left of the cursor on its line).
export function nextIndent(before) {
  const indent = /^ */.exec(before)[0];
  return /[:([{]\s*(#.*)?$/.test(before) ? indent + UNIT : indent;
}

export function newlineAndIndent(view) {
  if (!editable(view)) return false;
  const { state } = view;
  view.dispatch(state.changeByRange((r) => {
    const line = state.doc.lineAt(r.from);
    const insert = `\n${nextIndent(line.text.slice(0, r.from - line.from))}`;
    return { changes: { from: r.from, to: r.to, insert }, range: EditorSelection.cursor(r.from + insert.length) };
  }), { userEvent: 'input', scrollIntoView: true });
  return true;
}

export function deleteIndentBackward(view) {
  const { state } = view;
  const r = state.selection.main;
  if (!editable(view) || state.selection.ranges.length > 1 || !r.empty) return false;
  const line = state.doc.lineAt(r.head);
  const before = line.text.slice(0, r.head - line.from);
  if (!before || /[^ ]/.test(before)) return false; // not in the indent: the browser deletes a character
  view.dispatch({ changes: { from: r.head - (before.length % UNIT.length || UNIT.length), to: r.head }, userEvent: 'delete.backward', scrollIntoView: true });
  return true;
}

export function toggleComment(view) {
  if (!editable(view)) return false;
  const lines = selectedLines(view.state).filter((l) => l.text.trim());
  if (!lines.length) return false;
  const commented = lines.every((l) => /^\s*#/.test(l.text));
  const column = Math.min(...lines.map((l) => /^ */.exec(l.text)[0].length));
  const changes = lines.map((l) => {
    if (!commented) return { from: l.from + column, insert: '# ' };
    const at = l.text.indexOf('#');
    return { from: l.from + at, to: l.from + at + (l.text[at + 1] === ' ' ? 2 : 1) };
  });
  view.dispatch({ changes, userEvent: commented ? 'delete.uncomment' : 'input.comment', scrollIntoView: true });
  return true;
}

function moveLines(view, down) {
  const { state } = view;
  const lines = selectedLines(state);
  const [first, last] = [lines[0], lines.at(-1)];
  const n = down ? last.number + 1 : first.number - 1;
  if (!editable(view) || n < 1 || n > state.doc.lines) return false;
  const other = state.doc.line(n);
  const block = state.sliceDoc(first.from, last.to);
  const shift = down ? other.length + 1 : -(other.length + 1);
  const changes = down
    ? { from: first.from, to: other.to, insert: `${other.text}\n${block}` }
    : { from: other.from, to: last.to, insert: `${block}\n${other.text}` };
  // (A selection ending at the start of the line below the block may pass the end when moved down.)
  const clamp = (p) => Math.min(state.doc.length, Math.max(0, p + shift));
  const selection = EditorSelection.create(state.selection.ranges.map((r) => EditorSelection.range(clamp(r.anchor), clamp(r.head))));
  view.dispatch({ changes, selection, userEvent: 'move.line', scrollIntoView: true });
  return true;
}

// ---- Cursor motion and deletion ----

// A command moving every range's head by move(view, range) -> the range at the new place;
// with `extend` the anchor stays (Shift). Left/right without Shift collapse a selection to its
// side, as editors do.
const motion = (move, side) => (extend) => (view) => {
  const { state } = view;
  const ranges = state.selection.ranges.map((r) => {
    if (!extend && side !== undefined && !r.empty) return EditorSelection.cursor(side ? r.to : r.from);
    const to = move(view, r);
    return extend ? EditorSelection.range(r.anchor, to.head, to.goalColumn) : to;
  });
  view.dispatch({ selection: EditorSelection.create(ranges, state.selection.mainIndex), scrollIntoView: true, userEvent: 'select' });
  return true;
};
const at = (pos) => EditorSelection.cursor(pos);
function smartHome(view, r) {
  const line = view.state.doc.lineAt(r.head);
  const indentEnd = line.from + /^\s*/.exec(line.text)[0].length;
  return at(r.head === indentEnd ? line.from : indentEnd);
}
const page = (view) => Math.max(view.defaultLineHeight, view.scrollDOM.clientHeight - 2 * view.defaultLineHeight);
const lineEnd = motion((v, r) => at(v.state.doc.lineAt(r.head).to));
const docStart = motion(() => at(0));
const docEnd = motion((v) => at(v.state.doc.length));
// [key, motion, the Mac's key where it differs (Option moves by word, Command to the line's or
// the document's ends)], as CodeMirror's standardKeymap binds them.
const MOTIONS = [
  ['ArrowLeft', motion((v, r) => v.moveByChar(r, false), false)],
  ['ArrowRight', motion((v, r) => v.moveByChar(r, true), true)],
  ['Mod-ArrowLeft', motion((v, r) => v.moveByGroup(r, false), false), 'Alt-ArrowLeft'],
  ['Mod-ArrowRight', motion((v, r) => v.moveByGroup(r, true), true), 'Alt-ArrowRight'],
  ['ArrowUp', motion((v, r) => v.moveVertically(r, false))],
  ['ArrowDown', motion((v, r) => v.moveVertically(r, true))],
  ['Home', motion(smartHome)],
  ['End', lineEnd],
  ['Mod-Home', docStart],
  ['Mod-End', docEnd],
  ['PageUp', motion((v, r) => v.moveVertically(r, false, page(v)))],
  ['PageDown', motion((v, r) => v.moveVertically(r, true, page(v)))],
  [null, motion(smartHome), 'Mod-ArrowLeft'],
  [null, lineEnd, 'Mod-ArrowRight'],
  [null, docStart, 'Mod-ArrowUp'],
  [null, docEnd, 'Mod-ArrowDown'],
];

// Deletes each selection, or from each cursor to target(view, range) (a position).
const deletion = (target, userEvent) => (view) => {
  if (!editable(view)) return false;
  const { state } = view;
  const spec = state.changeByRange((r) => {
    const [from, to] = r.empty ? [Math.min(r.head, target(view, r)), Math.max(r.head, target(view, r))] : [r.from, r.to];
    return { changes: { from, to }, range: at(from) };
  });
  if (spec.changes.empty) return false;
  view.dispatch(state.update(spec, { userEvent, scrollIntoView: true }));
  return true;
};
const DELETIONS = [
  ['Backspace', deletion((v, r) => v.moveByChar(r, false).head, 'delete.backward')],
  ['Delete', deletion((v, r) => v.moveByChar(r, true).head, 'delete.forward')],
  ['Mod-Backspace', deletion((v, r) => v.moveByGroup(r, false).head, 'delete.group.backward'), 'Alt-Backspace'],
  ['Mod-Delete', deletion((v, r) => v.moveByGroup(r, true).head, 'delete.group.forward'), 'Alt-Delete'],
];
// A binding for `key` everywhere but the Mac, where `mac` (if given) is bound instead.
const bind = (key, mac, spec) => ({ ...(key && { key }), ...(mac && { mac }), ...spec });

const selectAll = (view) => {
  view.dispatch({ selection: { anchor: 0, head: view.state.doc.length }, userEvent: 'select' });
  return true;
};

// The extensions: the history field, the keys, and the browser's own undo/redo input events
// (the Edit menu, a phone's shake) routed to the history rather than to the DOM.
export const editorCommands = () => [
  historyField,
  keymap.of([
    { key: 'Tab', run: indentMore, shift: indentLess },
    { key: 'Mod-]', run: indentMore },
    { key: 'Mod-[', run: indentLess },
    { key: 'Enter', run: newlineAndIndent },
    { key: 'Backspace', run: deleteIndentBackward },
    { key: 'Mod-/', run: toggleComment },
    { key: 'Alt-ArrowUp', run: (view) => moveLines(view, false) },
    { key: 'Alt-ArrowDown', run: (view) => moveLines(view, true) },
    { key: 'Mod-z', run: undo, preventDefault: true },
    { key: 'Mod-y', run: redo, preventDefault: true },
    { key: 'Mod-Shift-z', run: redo, preventDefault: true },
    { key: 'Mod-a', run: selectAll },
    ...MOTIONS.map(([key, m, mac]) => bind(key, mac, { run: m(false), shift: m(true), preventDefault: true })),
    ...DELETIONS.map(([key, run, mac]) => bind(key, mac, { run, shift: run })),
  ]),
  EditorView.domEventHandlers({
    beforeinput(event, view) {
      const command = { historyUndo: undo, historyRedo: redo }[event.inputType];
      if (!command) return false;
      event.preventDefault();
      return command(view);
    },
  }),
];
