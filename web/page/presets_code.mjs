// What the editor shows for a preset: the notebook's cell, with its compile() and fit() lines
// (the lab's fit has no validation split: 60,000 / 32 = 1,875 steps an epoch, as the course
// prints). Parsing this code gives back the preset's config and these settings.
import { PRESETS } from '../lib/presets.mjs';
import { configToPython } from '../ui/model_code.mjs';

const COMPILE = "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])";
const EPOCHS = { dnn: 5, lab: 5, lab64: 5, 'single-conv': 5, 'double-conv-one-pool': 5 };

export function presetCode(name) {
  const config = PRESETS[name];
  if (!config) return '';
  return `${configToPython(config)}${COMPILE}\nmodel.fit(training_images, training_labels, epochs=${EPOCHS[name] ?? 5})\n`;
}
