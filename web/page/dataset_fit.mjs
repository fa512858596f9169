// Whether the current model can train on the current dataset, said before training (issue 14):
// the input shape, the last layer's units against the classes, and the loss against the labels.
// null when they agree, else {code, params} for the message catalog (the page's sentence, which
// also keeps Train disabled). model: the worker's model reply; data: its dataset description.
const SPARSE = 'sparse_categorical_crossentropy';
const BINARY = 'binary_crossentropy';
const dims = (shape) => shape.join('×');

export function lossOf(parsed) {
  const loss = parsed?.compile?.loss;
  return typeof loss === 'string' ? loss : SPARSE;
}

export function datasetTitle(data, t) {
  return data.title && !['fashion-mnist', 'mnist'].includes(data.dataset) ? data.title : t(`dataset.${data.dataset}`);
}

export function fitProblem(model, data, loss, t) {
  if (!model?.inputShape || !data) return null;
  const dataset = datasetTitle(data, t);
  const shape = data.imageShape;
  const same = model.inputShape.length === shape.length && model.inputShape.every((d, i) => d === shape[i]);
  if (!same) {
    return { code: 'dataFit.shape', params: { model: dims(model.inputShape), dataset, datasetShape: dims(shape), inputShape: `(${shape.join(', ')})` } };
  }
  const classes = data.classes?.length ?? 10;
  // Keras's binary classifier: one sigmoid unit, labels 0/1, binary_crossentropy.
  if (loss === BINARY && model.outputUnits === 1) {
    return classes === 2 ? null : { code: 'dataFit.binary', params: { classes, dataset } };
  }
  if (model.outputUnits < classes) {
    return { code: 'dataFit.classes', params: { units: model.outputUnits, classes, dataset } };
  }
  if (data.oneHot && loss === SPARSE) return { code: 'dataFit.oneHot', params: { dataset } };
  return null;
}
