// The parts of CodeMirror 6 the code editor (web/ui/code_editor.mjs) uses, bundled by esbuild at
// build time into web/vendor/codemirror.mjs (scripts/vendor.sh): one file served by the project,
// so the page needs no CDN and its CSP holds. Python highlighting is our own small tokenizer
// (web/ui/python_tokens.mjs) on StreamLanguage rather than @codemirror/lang-python: the full
// grammar and its autocompletion would add a third to the editor's size.
export { EditorState, StateField, StateEffect, Compartment } from '@codemirror/state';
export { EditorView, keymap, lineNumbers, highlightActiveLineGutter, Decoration, WidgetType } from '@codemirror/view';
export { StreamLanguage, bracketMatching, syntaxHighlighting, indentUnit } from '@codemirror/language';
export { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
export { tagHighlighter, tags } from '@lezer/highlight';
