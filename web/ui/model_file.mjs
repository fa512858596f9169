// Opening a notebook's file in the Model panel: a .py or .ipynb chosen with the file input or
// dropped anywhere on the panel (the editor included) replaces the code, which then builds as
// pasted code does. A notebook becomes one script with "# cell N" marks (lib/notebook.mjs),
// so a build error can name the cell and line. A file that cannot be read changes nothing.
import { notebookScript } from '../lib/notebook.mjs';
import { t } from '../lib/i18n.mjs';

const KINDS = /\.(py|ipynb)$/i;

export async function codeOfFile(file) {
  if (!KINDS.test(file.name)) throw Object.assign(new Error('type'), { code: 'modelFile.type' });
  const text = await file.text();
  if (!/\.ipynb$/i.test(file.name)) return text;
  try {
    return notebookScript(text, file.name);
  } catch {
    throw Object.assign(new Error('notebook'), { code: 'modelFile.notebook' });
  }
}

export function mountModelFile(root, { actions }) {
  const panel = root.querySelector('#model-panel');
  const input = root.querySelector('#model-file');
  const error = root.querySelector('#model-file-error');

  async function open(file) {
    try {
      const code = await codeOfFile(file);
      error.textContent = '';
      actions.edit(code);
      actions.build();
    } catch (e) {
      error.textContent = t(e.code ?? 'modelFile.notebook', { file: file.name });
    }
  }

  input.addEventListener('change', () => {
    if (input.files[0]) open(input.files[0]);
    input.value = '';
  });
  // Capture phase: the panel sees the drop before the editor would insert the file as text.
  const hasFile = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  panel.addEventListener('dragover', (e) => {
    if (hasFile(e)) e.preventDefault();
  }, true);
  panel.addEventListener('drop', (e) => {
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    e.preventDefault();
    e.stopPropagation();
    open(file);
  }, true);
}
