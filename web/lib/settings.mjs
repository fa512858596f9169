// The training settings, listed once. Everything that shows, reads or checks a setting takes it
// from here: the Training form (labels, HTML limits), the URL hash and <convlab-trainer>
// attributes (embed/config.mjs), the worker's defaults and checks (worker/protocol.mjs) and the
// CLI's flags. Pure: no DOM.
//
//   name      the field in messages and code (camelCase, as TF.js names fit() arguments)
//   attr      the URL-hash key, custom-element attribute and form control id (Keras's snake_case
//             with dashes)
//   type      'integer' | 'number' | 'choice'
//   default   what fit()/compile() use when it is not given (Keras's own defaults: no validation
//             split, batch 32, adam at 0.001); null means "not set" (no threshold, all images)
//   min/max   inclusive limits, also the form's HTML limits; minExclusive for the learning rate
//   step      the form's step
export const SETTINGS = Object.freeze([
  { name: 'epochs', attr: 'epochs', type: 'integer', default: 5, min: 1, max: 1000, step: 1 },
  { name: 'batchSize', attr: 'batch-size', type: 'integer', default: 32, min: 1, max: 4096, step: 1 },
  { name: 'optimizer', attr: 'optimizer', type: 'choice', default: 'adam', choices: ['adam', 'sgd', 'rmsprop'] },
  { name: 'learningRate', attr: 'learning-rate', type: 'number', default: 0.001, min: 0, minExclusive: true, max: 10, step: 'any' },
  { name: 'validationSplit', attr: 'validation-split', type: 'number', default: 0, min: 0, max: 0.9, step: 0.05 },
  { name: 'threshold', attr: 'threshold', type: 'number', default: null, min: 0, minExclusive: true, max: 1, step: 0.001 },
  { name: 'seed', attr: 'seed', type: 'integer', default: 1, min: 0, max: 4294967295, step: 1 },
  { name: 'samples', attr: 'samples', type: 'integer', default: null, min: 1, max: 10_000_000, step: 1 },
]);

export const SETTING = Object.freeze(Object.fromEntries(SETTINGS.map((s) => [s.name, s])));

export const DEFAULTS = Object.freeze(Object.fromEntries(SETTINGS.map((s) => [s.name, s.default])));

// A setting's error as {code, params}: the caller renders it through the message catalog.
export class SettingError extends Error {
  constructor(spec, value) {
    super(`${spec.name}: ${JSON.stringify(value)} is out of range`);
    this.code = spec.type === 'choice' ? 'settings.choice' : spec.type === 'integer' ? 'settings.integer' : 'settings.number';
    this.params = { field: spec.attr, value: String(value), min: spec.min, max: spec.max, choices: spec.choices?.join(', ') };
  }
}

// One value: a number or choice from text or a number; '' and null give the default. Throws a
// SettingError naming the field.
export function parseSetting(spec, raw) {
  if (raw === undefined || raw === null || raw === '') return spec.default;
  if (spec.type === 'choice') {
    const v = String(raw).toLowerCase();
    if (!spec.choices.includes(v)) throw new SettingError(spec, raw);
    return v;
  }
  const v = typeof raw === 'number' ? raw : Number(String(raw).trim());
  const low = spec.minExclusive ? v <= spec.min : v < spec.min;
  if (!Number.isFinite(v) || (spec.type === 'integer' && !Number.isInteger(v)) || low || v > spec.max) {
    throw new SettingError(spec, raw);
  }
  return v;
}

// All settings from get(name) (a form, a message, URL params), defaults filled in; throws the
// first bad field's SettingError.
export function readSettings(get) {
  return Object.fromEntries(SETTINGS.map((s) => [s.name, parseSetting(s, get(s))]));
}

// Like readSettings, but collects problems instead of throwing (a typo in a lesson's link must
// still show the lab): {values (only the good, given ones), problems: [{code, params}]}.
export function readGivenSettings(get) {
  const values = {};
  const problems = [];
  for (const s of SETTINGS) {
    const raw = get(s);
    if (raw === undefined || raw === null || raw === '') continue;
    try {
      values[s.name] = parseSetting(s, raw);
    } catch (e) {
      problems.push({ code: e.code, params: e.params });
    }
  }
  return { values, problems };
}
