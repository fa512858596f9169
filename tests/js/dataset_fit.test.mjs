// page/dataset_fit.mjs: the model/dataset sentence (and so Train's state), one case per rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitProblem, lossOf } from '../../web/page/dataset_fit.mjs';
import { t } from '../../web/lib/i18n.mjs';

const lab = { inputShape: [28, 28, 1], outputUnits: 10 };
const mnist = { dataset: 'mnist', imageShape: [28, 28, 1], classes: Array.from({ length: 10 }, String), oneHot: false };
const SPARSE = 'sparse_categorical_crossentropy';

test('a model and a dataset that agree: no problem', () => {
  assert.equal(fitProblem(lab, mnist, SPARSE, t), null);
  assert.equal(fitProblem({ ...lab, outputUnits: 12 }, mnist, SPARSE, t), null, 'more units than classes is allowed, as in Keras');
});

test('the input shape differs: the sentence names both shapes and the input_shape to write', () => {
  const cifar = { dataset: 'cifar-10-binary.tar.gz', title: 'CIFAR-10', imageShape: [32, 32, 3], classes: Array(10).fill('x') };
  const p = fitProblem(lab, cifar, SPARSE, t);
  assert.equal(t(p), 'This model takes 28×28×1 images; CIFAR-10 is 32×32×3: choose another dataset or change input_shape to (32, 32, 3).');
});

test('fewer units than classes, and one-hot labels under a sparse loss', () => {
  assert.equal(t(fitProblem({ ...lab, outputUnits: 5 }, mnist, SPARSE, t)), 'This model’s last layer has 5 units; MNIST digits has 10 classes: change the last Dense layer to units=10.');
  const oneHot = { ...mnist, dataset: 'y.npz', title: 'y', oneHot: true };
  assert.equal(fitProblem(lab, oneHot, SPARSE, t).code, 'dataFit.oneHot');
  assert.equal(fitProblem(lab, oneHot, 'categorical_crossentropy', t), null);
});

test('the loss comes from the pasted compile(), sparse by default', () => {
  assert.equal(lossOf({ compile: { loss: 'categorical_crossentropy' } }), 'categorical_crossentropy');
  assert.equal(lossOf({ compile: null }), SPARSE);
  assert.equal(lossOf(null), SPARSE);
});

test('a binary classifier: one unit with binary_crossentropy fits two classes and no more', () => {
  const two = { dataset: 'shoes.zip', title: 'shoes', imageShape: [28, 28, 1], classes: ['boot', 'sandal'], oneHot: false };
  const binary = { ...lab, outputUnits: 1 };
  assert.equal(fitProblem(binary, two, 'binary_crossentropy', t), null);
  assert.equal(t(fitProblem(binary, mnist, 'binary_crossentropy', t)), 'binary_crossentropy with a 1-unit output fits two classes; MNIST digits has 10: use loss=\'sparse_categorical_crossentropy\' and units=10.');
  assert.equal(fitProblem(binary, two, SPARSE, t).code, 'dataFit.classes', 'one unit under a sparse loss is still too few');
});

test('the status line names the dataset in use, not always Fashion-MNIST', async () => {
  const { statusText } = await import('../../web/ui/status_panel.mjs');
  const state = (data) => ({ lifecycle: 'ready', dirty: false, data: { trainCount: 64, testCount: 32, ...data } });
  assert.equal(statusText(state({ dataset: 'fashion-mnist' })), 'Ready: 64 training and 32 test images of Fashion-MNIST. Press Train.');
  assert.equal(statusText(state({ dataset: 'bright.npz', title: 'bright' })), 'Ready: 64 training and 32 test images of bright. Press Train.');
  assert.equal(statusText(state({ dataset: 'mnist' })), 'Ready: 64 training and 32 test images of MNIST digits. Press Train.');
});
