// Five seeded training steps of a model on the given data; imported by the page, the worker and
// the Node side of the e2e test, so all three run exactly the same code.
export function trainFew(engine, config, images, labels, steps = 5) {
  const t = new engine.Trainer(JSON.stringify(config), 1, undefined);
  t.compile('adam', 'sparse_categorical_crossentropy');
  t.setData('train', images, labels);
  t.startTraining(32, false);
  const losses = [];
  for (let i = 0; i < steps; i++) losses.push(t.trainStep().loss);
  t.delete();
  return losses;
}
