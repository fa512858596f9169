// The Evaluation panel: the test set's loss and accuracy, the confusion matrix, per-class
// accuracy and the most confident mistakes, for the current weights only (a new model or run
// clears them: the store drops an evaluation of older weights).
import { classProbabilities, confusionMatrix, perClassAccuracy, predictions, misclassified, drawConfusion, drawPerClass, drawMisclassified } from './evaluation.mjs';
import { FASHION_MNIST_CLASSES } from '../lib/datasets.mjs';
import { controls } from '../page/lifecycle.mjs';
import { t, formatNumber } from '../lib/i18n.mjs';

export function mountEvalPanel(root, { store, actions }) {
  const $ = (id) => root.querySelector(`#${id}`);
  $('evaluate').addEventListener('click', () => actions.evaluate());

  function draw(m, data) {
    const classes = data.classes ?? FASHION_MNIST_CLASSES;
    const labels = data.testLabels;
    const { probabilities, classes: units } = classProbabilities(m.probabilities, m.classes);
    const matrix = confusionMatrix(labels, predictions(probabilities, units), units);
    $('eval-summary').textContent = t('eval.summary', { loss: formatNumber(m.loss, 4), accuracy: formatNumber(m.accuracy, 4) });
    drawConfusion($('confusion'), matrix, classes);
    drawPerClass($('per-class'), perClassAccuracy(matrix), classes);
    const [h, w, c] = data.imageShape;
    const size = h * w * c;
    const pixels = (index) => Float32Array.from(data.testImages.subarray(index * size, (index + 1) * size), (v) => v / 255);
    drawMisclassified($('misclassified'), misclassified(labels, probabilities, units, 24), pixels, classes, { height: h, width: w, channels: c });
  }

  function render(state, previous) {
    $('evaluate').disabled = !controls(state.lifecycle, state).evaluate;
    if (state.evaluation === previous?.evaluation) return;
    if (state.evaluation && state.data) draw(state.evaluation, state.data);
    else for (const id of ['eval-summary', 'confusion', 'per-class', 'misclassified']) $(id).replaceChildren();
  }
  store.subscribe(render);
  render(store.get(), null);
}
