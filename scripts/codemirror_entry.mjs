// The parts of CodeMirror 6 the code editor (web/ui/code_editor.mjs) uses, bundled by esbuild at
// build time into web/vendor/codemirror.mjs (scripts/vendor.sh): one file served by the project,
// so the page needs no CDN and its CSP holds. Only the state and the view: the highlighting,
// bracket matching, undo history and keys are our own small modules (ui/code_highlight.mjs,
// ui/code_commands.mjs), since @codemirror/language, @codemirror/commands and the Lezer runtime
// they bring were a quarter of the editor's size (README "What the page downloads").
export { Annotation, Compartment, EditorSelection, EditorState, StateEffect, StateField, Transaction } from '@codemirror/state';
export { Decoration, EditorView, ViewPlugin, WidgetType, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
