// The numbers behind the explanations (ui/explain_panel.mjs), from the current model: for each
// Conv2D and pooling layer the output-size formula O = (I − K + 2P)/S + 1 filled in with the
// layer's own input size, kernel, padding and stride; for Flatten the product of the shape it
// flattens; for Conv2D and Dense how the parameter count comes about. Pure: no DOM, no words
// (the panel puts the catalog's sentences around these), checked against the engine's own
// output shapes in tests/js/explain_model.test.mjs.
//
//   explainModel({ layers, config }, { num })   layers: the worker's [{name, className,
//                                               outputShape, countParams}], config: the Keras
//                                               config it was built from (terse or to_json())

const POOLS = new Set(['MaxPooling2D', 'AveragePooling2D']);
const pair = (v, fallback) => {
  if (v === undefined || v === null) return fallback;
  return Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v];
};

// The config's layers as [{className, args}], whatever form the config has: the terse
// {input_shape, layers: ['Flatten', {Dense: {...}}]} or Keras's to_json() (InputLayer skipped,
// as the engine's layer list has none).
export function configLayers(config) {
  const c = typeof config === 'string' ? safeParse(config) : config;
  const list = c?.config?.layers ?? c?.layers ?? [];
  const out = [];
  let inputShape = c?.input_shape ?? null;
  for (const entry of list) {
    let className, args;
    if (typeof entry === 'string') [className, args] = [entry, {}];
    else if (entry && typeof entry.class_name === 'string') [className, args] = [entry.class_name, entry.config ?? {}];
    else if (entry && typeof entry === 'object') [className, args] = Object.entries(entry)[0] ?? ['', {}];
    args ??= {};
    const shape = args.input_shape ?? args.batch_input_shape?.slice(1) ?? args.batch_shape?.slice(1);
    if (shape && !inputShape) inputShape = shape;
    if (className === 'InputLayer') continue;
    out.push({ className, args });
  }
  return { layers: out, inputShape };
}

function safeParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// One dimension of O = (I − K + 2P)/S + 1. 'same' pads so that O = ⌈I/S⌉ (as Keras does);
// the padding shown is the total over both sides, halved, so 2·P is what was added.
export function outputSize(input, kernel, stride, padding) {
  const same = padding === 'same';
  const padTotal = same ? Math.max((Math.ceil(input / stride) - 1) * stride + kernel - input, 0) : 0;
  const exact = (input - kernel + padTotal) / stride + 1;
  const output = Math.floor((input - kernel + padTotal) / stride) + 1;
  return { input, kernel, stride, pad: padTotal / 2, exact, output, roundedDown: exact !== output };
}

export const formulaText = (d, num = String) =>
  `(${num(d.input)} − ${num(d.kernel)} + 2·${num(d.pad)})/${num(d.stride)} + 1 = ${num(d.exact)}${d.roundedDown ? ` → ${num(d.output)}` : ''}`;

const shapeOf = (layer) => (layer?.outputShape ?? []).slice(1);

export function explainModel(model, { num = String } = {}) {
  if (!model?.layers?.length) return [];
  const { layers: args, inputShape } = configLayers(model.config ?? model.parsed?.config);
  const aligned = args.length === model.layers.length;
  let input = inputShape ?? null;
  return model.layers.map((layer, i) => {
    const { className, name, countParams } = layer;
    const a = aligned && args[i].className === className ? args[i].args : {};
    const row = { name, className, input, output: shapeOf(layer), params: countParams };
    input = row.output;
    if (className === 'Conv2D' || POOLS.has(className)) return { ...row, ...spatial(row, a, className, num) };
    if (className === 'Flatten' && row.input) {
      return { ...row, kind: 'flatten', formula: `${row.input.map(num).join(' × ')} = ${num(row.output[0])}` };
    }
    if (className === 'Dense' && row.input) {
      const [inputs, units] = [row.input.reduce((p, v) => p * v, 1), row.output[0]];
      const params = inputs * units + units;  // weights and one bias per unit (use_bias=False: not shown)
      return {
        ...row, kind: 'dense', units, activation: a.activation ?? 'linear',
        paramsFormula: params === countParams ? `${num(inputs)} × ${num(units)} + ${num(units)} = ${num(params)}` : null,
      };
    }
    return { ...row, kind: 'other' };
  });
}

function spatial(row, a, className, num) {
  const conv = className === 'Conv2D';
  const kernel = conv ? pair(a.kernel_size, null) : pair(a.pool_size, [2, 2]);
  const strides = pair(a.strides, conv ? [1, 1] : kernel);
  const padding = a.padding ?? 'valid';
  if (!row.input || !kernel) return { kind: conv ? 'conv' : 'pool', dims: [] };
  const dims = [0, 1].map((d) => outputSize(row.input[d], kernel[d], strides[d], padding));
  // The engine's own output shape is the truth; a formula that disagrees (a layer argument this
  // module does not know) is not shown.
  const agrees = dims.every((d, k) => d.output === row.output[k]);
  const same = formulaText(dims[0]) === formulaText(dims[1]);
  const out = {
    kind: conv ? 'conv' : 'pool', kernel, strides, padding, agrees,
    formulas: agrees ? (same ? [formulaText(dims[0], num)] : dims.map((d) => formulaText(d, num))) : [],
    roundedDown: dims.some((d) => d.roundedDown),
  };
  if (conv) {
    const cin = row.input[2];
    out.filters = row.output[2];
    out.activation = a.activation ?? 'linear';
    const params = (kernel[0] * kernel[1] * cin + 1) * out.filters;
    out.paramsFormula = params === row.params
      ? `(${num(kernel[0])} × ${num(kernel[1])} × ${num(cin)} + 1) × ${num(out.filters)} = ${num(params)}` : null;
  }
  return out;
}
