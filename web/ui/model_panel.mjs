// The Model panel: presets, the Keras code editor, the build's error (at its line) and
// model.summary() as Keras prints it.
import { PRESETS } from '../lib/presets.mjs';
import { presetCode } from '../page/presets_code.mjs';
import { controls } from '../page/lifecycle.mjs';
import { t } from '../lib/i18n.mjs';
import { cellOfLine } from '../lib/notebook.mjs';
import { createCodeEditor } from './code_editor.mjs';

// Presets the page offers: the Fashion-MNIST ones (the CIFAR-10 model needs its own data).
export const PAGE_PRESETS = Object.keys(PRESETS).filter((name) => PRESETS[name].input_shape?.[2] !== 3);

// code: the editor's text; in a notebook's script (ui/model_file.mjs) the line is told as the
// notebook's cell and line.
export function editorErrorText(error, code = '') {
  if (!error) return '';
  const text = t(error);
  if (!error.line) return text;
  const at = cellOfLine(code, error.line);
  return at ? t('model.atCell', { ...at, message: text }) : t('model.atLine', { line: error.line, message: text });
}

export function mountModelPanel(root, { store, actions }) {
  const $ = (id) => root.querySelector(`#${id}`);
  const preset = $('preset');
  const editor = createCodeEditor($('editor'), {
    onChange: (code) => actions.edit(code), label: t('model.editorLabel'),
  });
  $('editor-label').addEventListener('click', () => editor.focus());
  for (const name of PAGE_PRESETS) preset.add(new Option(name, name));
  preset.addEventListener('change', () => {
    actions.edit(presetCode(preset.value));
    actions.build();
  });

  function render(state, previous) {
    // Code from elsewhere (a preset, a file, a restored run): the error marks are placed again.
    const replaced = state.code !== editor.value;
    if (replaced) editor.value = state.code;
    if (state.code !== previous?.code) {
      const presetName = PAGE_PRESETS.find((name) => presetCode(name) === state.code);
      if (presetName && preset.value !== presetName) preset.value = presetName;
    }
    const enabled = controls(state.lifecycle, state);
    editor.readOnly = !enabled.editor;
    preset.disabled = !enabled.preset;
    // Unchanged text is not written again: the store changes several times a second in a run.
    const error = editorErrorText(state.editorError, state.code);
    if ($('model-error').textContent !== error) $('model-error').textContent = error;
    if (replaced || state.editorError !== previous?.editorError) {
      // Under its line in the editor, the message needs no "line 2:" before it.
      editor.showError(state.editorError && { ...state.editorError, message: t(state.editorError) });
    }
    if (!previous || state.model !== previous.model || state.editorError !== previous.editorError) {
      // The summary describes the model the worker holds; while the editor's code fails to
      // build, it is marked as the last model that built.
      const summary = state.model?.summary ?? '';
      $('summary').textContent = state.editorError && summary ? `${t('model.lastBuilt')}\n${summary}` : summary;
    }
  }
  store.subscribe(render);
  render(store.get(), null);
}
