// The explanations beside the panels (the <details> of index.html: the layers in the Model
// panel, validation in Training, overfitting under the curves, filters by the feature maps). The
// texts are static catalog entries; this module fills in the part that depends on the model:
// one line per layer with its Keras arguments, its output size worked out as O = (I − K + 2P)/S + 1
// with its own numbers, and where its parameter count comes from (ui/explain_model.mjs).
import { explainModel } from './explain_model.mjs';
import { t, formatNumber } from '../lib/i18n.mjs';

const num = (v) => formatNumber(v);
// A formula breaks across lines only where the sentence around it does.
const whole = (formula) => formula.replace(/ /g, '\u00a0');

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// The sentences for one layer, in the page's language, around the model's own numbers. The
// layer's arguments are Keras code, written as the notebook writes them, in every language.
export function layerSentences(row) {
  const [kh, kw] = row.kernel ?? [];
  const [sh, sw] = row.strides ?? [];
  const size = () => {
    if (!row.formulas?.length) return [];
    const out = [row.formulas.length === 1
      ? t('explain.row.size', { formula: whole(row.formulas[0]) })
      : t('explain.row.sizeHW', { height: whole(row.formulas[0]), width: whole(row.formulas[1]) })];
    if (row.roundedDown) out.push(t('explain.row.roundedDown'));
    return out;
  };
  switch (row.kind) {
    case 'conv':
      return [
        `filters=${row.filters}, kernel_size=(${kh}, ${kw}), strides=(${sh}, ${sw}), padding='${row.padding}', activation='${row.activation}'.`,
        ...size(),
        ...(row.paramsFormula ? [t('explain.row.convParams', { formula: row.paramsFormula, kh, kw, cin: row.input?.[2] ?? '?' })] : []),
      ];
    case 'pool':
      return [
        `pool_size=(${kh}, ${kw}), strides=(${sh}, ${sw}), padding='${row.padding}'.`, ...size(),
        t(row.className === 'AveragePooling2D' ? 'explain.row.avgPoolParams' : 'explain.row.maxPoolParams'),
      ];
    case 'flatten':
      return [t('explain.row.flatten', { formula: row.formula })];
    case 'dense':
      return [
        t('explain.row.denseUnits', { units: row.units, activation: row.activation }),
        ...(row.paramsFormula ? [t('explain.row.denseParams', { formula: row.paramsFormula })] : []),
        ...(row.activation === 'softmax' ? [t('explain.row.softmax', { units: row.units })] : []),
      ];
    default:
      return [];
  }
}

export function drawLayerRows(container, model) {
  const rows = explainModel(model, { num }).filter((r) => r.kind !== 'other');
  if (!rows.length) {
    container.replaceChildren(el('p', 'cl-note', t('explain.rows.empty')));
    return;
  }
  const list = el('ol', 'explain-rows');
  for (const row of rows) {
    const item = el('li');
    item.append(el('code', 'explain-layer', `${row.name} (${row.className})`), ' ', el('span', '', layerSentences(row).join(' ')));
    list.append(item);
  }
  container.replaceChildren(list);
}

export function mountExplainPanel(root, { store }) {
  const rows = root.querySelector('#explain-rows');
  if (!rows) return;
  function render(state, previous) {
    if (previous && state.model === previous.model) return;
    drawLayerRows(rows, state.model);
  }
  store.subscribe(render);
  render(store.get(), null);
}
