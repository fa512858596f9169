// The Keras code editor: CodeMirror 6 (bundled into vendor/codemirror.mjs at build time) with
// Python highlighting, line numbers, bracket matching, undo, Tab to indent (Escape then Tab
// leaves the editor, as CodeMirror documents for keyboard users) and the build's error
// underlined at its line and argument with the message under that line.
//
//   const editor = createCodeEditor(host, { onChange, label });
//   editor.value = code;  editor.readOnly = true;  editor.showError({ line, column, from, to, message });
//
// The host element gets a `value` property like a textarea's, so the page's tests and an
// embedding page read and set the code the way they would a textarea's.
//
// The editor lives in the host's shadow root. CodeMirror's styles are made at run time by
// style-mod, which uses a constructable stylesheet (allowed by the page's CSP, style-src 'self')
// only inside a shadow root; on the document itself it would add a <style> element, which that
// CSP blocks. Our own styles for it are code_editor.css, linked inside the shadow root; the
// page's theme reaches them through its inherited custom properties (--fg, --tok-keyword, ...).
import {
  EditorState, StateField, StateEffect, Compartment, EditorView, lineNumbers, highlightActiveLineGutter, Decoration, WidgetType,
} from '../vendor/codemirror.mjs';
import { pythonHighlighting } from './code_highlight.mjs';
import { editorCommands } from './code_commands.mjs';

class ErrorMessage extends WidgetType {
  constructor(text) {
    super();
    this.text = text;
  }

  eq(other) {
    return other.text === this.text;
  }

  toDOM() {
    const box = document.createElement('div');
    box.className = 'cm-error-message';
    box.textContent = this.text;
    box.setAttribute('aria-hidden', 'true'); // the panel's role=alert paragraph says it aloud
    return box;
  }
}

// The range to underline: from/to (offsets in the code) when the caller knows the argument,
// else the token at line:column, else the line's text.
export function errorRange(doc, { line, column, from, to }) {
  if (Number.isInteger(from) && Number.isInteger(to) && from < to && to <= doc.length) return { from, to };
  if (!Number.isInteger(line) || line < 1 || line > doc.lines) return null;
  const l = doc.line(line);
  if (Number.isInteger(column) && column >= 1 && column <= l.length + 1) {
    const start = l.from + column - 1;
    const word = /^(?:[\w.]+|\S)/.exec(l.text.slice(column - 1));
    return { from: start, to: Math.max(start + (word ? word[0].length : 0), start) };
  }
  const lead = l.text.length - l.text.trimStart().length;
  return { from: l.from + lead, to: l.to };
}

const setError = StateEffect.define();
const errorField = StateField.define({
  create: () => Decoration.none,
  update(decorations, tr) {
    let next = decorations.map(tr.changes);
    for (const effect of tr.effects) if (effect.is(setError)) next = errorDecorations(tr.state.doc, effect.value);
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

function errorDecorations(doc, error) {
  const range = error && errorRange(doc, error);
  if (!range) return Decoration.none;
  const line = doc.lineAt(range.from);
  const parts = [Decoration.line({ class: 'cm-error-line' }).range(line.from)];
  if (range.to > range.from) parts.push(Decoration.mark({ class: 'cm-error-mark' }).range(range.from, range.to));
  if (error.message) parts.push(Decoration.widget({ widget: new ErrorMessage(error.message), block: true, side: 1 }).range(line.to));
  return Decoration.set(parts, true);
}

export function createCodeEditor(host, { onChange = () => {}, label } = {}) {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = new URL('./code_editor.css', import.meta.url).href;
  root.append(css);
  const readOnly = new Compartment();
  let external = false; // a change made through `value`, not by the student: no onChange
  const view = new EditorView({
    root,
    parent: root,
    state: EditorState.create({
      doc: '',
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), pythonHighlighting(), editorCommands(), EditorState.tabSize.of(4),
        readOnly.of(EditorState.readOnly.of(false)), errorField,
        EditorView.contentAttributes.of({
          spellcheck: 'false', autocorrect: 'off', autocapitalize: 'off', translate: 'no',
          tabindex: '0', // focusable as axe-core counts it, so the editor's scroller has keyboard access
          ...(label && { 'aria-label': label }),
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !external) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });

  const editor = {
    view,
    get value() {
      return view.state.doc.toString();
    },
    set value(text) {
      if (text === editor.value) return;
      external = true;
      try {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      } finally {
        external = false;
      }
    },
    get readOnly() {
      return view.state.readOnly;
    },
    set readOnly(on) {
      if (on !== view.state.readOnly) view.dispatch({ effects: readOnly.reconfigure(EditorState.readOnly.of(on)) });
    },
    // error: {line, column?, from?, to?, message} or null to clear.
    showError(error) {
      view.dispatch({ effects: setError.of(error ?? null) });
    },
    focus: () => view.focus(),
  };
  Object.defineProperty(host, 'value', { get: () => editor.value, set: (text) => { editor.value = String(text); } });
  return editor;
}
