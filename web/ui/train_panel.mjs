// The Training panel: the settings form (made from lib/settings.mjs), the run controls (enabled
// by page/lifecycle.mjs), the progress bar and line, and the run's error.
import { SETTINGS } from '../lib/settings.mjs';
import { controls, FOCUS_NEXT } from '../page/lifecycle.mjs';
import { t, formatNumber, formatSeconds } from '../lib/i18n.mjs';

const BUTTONS = ['train', 'continue', 'pause', 'resume', 'step', 'stop', 'reset'];

// The form's controls: one labelled input (or select) per setting, with the schema's limits.
function buildForm(form) {
  form.replaceChildren(...SETTINGS.map((s) => {
    const label = document.createElement('label');
    const text = document.createElement('span');
    text.textContent = t(`settings.${s.name}`);
    let input;
    if (s.type === 'choice') {
      input = document.createElement('select');
      for (const c of s.choices) input.add(new Option(t(`settings.${s.name}.${c}`), c));
    } else {
      input = document.createElement('input');
      input.type = 'number';
      input.min = String(s.min);
      input.max = String(s.max);
      input.step = String(s.step);
      if (s.default === null) input.placeholder = t(`settings.${s.name}.placeholder`);
    }
    input.id = s.attr;
    input.name = s.name;
    label.append(text, ' ', input);
    return label;
  }));
}

export function progressText(run) {
  const p = run?.progress;
  if (!p) return '';
  const parts = [
    t('progress.epoch', { epoch: p.epoch + 1, epochs: p.epochs }),
    t('progress.batch', { batch: p.batch + 1, batches: p.batches }),
    `loss ${formatNumber(p.logs.loss, 4)}`, `accuracy ${formatNumber(p.logs.accuracy, 4)}`,
    t('progress.rate', { rate: Math.round(p.imagesPerSecond) }),
  ];
  parts.push(run.state === 'paused' ? t('progress.paused') : t('progress.eta', { eta: formatSeconds(p.etaSeconds) }));
  return parts.join(' · ');
}

export function endedText(row) {
  if (!row) return '';
  const test = row.testAccuracy === null ? '' : ` ${t('progress.test', { accuracy: formatNumber(row.testAccuracy, 4) })}`;
  return `${t(`run.ended.${row.ending}`, { epoch: (row.stoppedAt?.epoch ?? 0) + 1, batch: row.stoppedAt?.batch ?? 0, epochs: row.epochs })}${test}`;
}

// The store changes several times a second while training: unchanged text and states are not
// written again (each write would cost a style, layout and paint).
function setProp(el, name, value) {
  if (el[name] !== value) el[name] = value;
}

export function mountTrainPanel(root, { store, actions }) {
  const $ = (id) => root.querySelector(`#${id}`);
  const form = $('settings');
  buildForm(form);

  const show = (settings) => {
    for (const s of SETTINGS) {
      const input = $(s.attr);
      if (document.activeElement === input) continue;  // never overwrite what is being typed
      const v = settings[s.name];
      input.value = v === null || v === undefined ? '' : String(v);
    }
  };
  form.addEventListener('change', (e) => {
    const s = SETTINGS.find((x) => x.attr === e.target.id);
    if (s) actions.setSettings({ [s.name]: e.target.value === '' ? null : s.type === 'choice' ? e.target.value : Number(e.target.value) });
  });
  form.addEventListener('submit', (e) => e.preventDefault());

  $('train').addEventListener('click', () => { flushForm(); actions.train({ fresh: true }); });
  $('continue').addEventListener('click', () => { flushForm(); actions.train({ fresh: false }); });
  for (const id of ['pause', 'resume', 'step', 'stop', 'reset']) $(id).addEventListener('click', () => actions[id]());

  // A value typed but not yet committed ('change' comes on blur) still counts for this run.
  function flushForm() {
    const patch = {};
    for (const s of SETTINGS) {
      const v = $(s.attr).value;
      patch[s.name] = v === '' ? null : s.type === 'choice' ? v : Number(v);
    }
    actions.setSettings(patch);
  }

  function render(state, previous) {
    if (!previous || state.settings !== previous.settings) show(state.settings);
    const enabled = controls(state.lifecycle, state);
    const focused = BUTTONS.find((id) => document.activeElement === $(id));
    for (const id of BUTTONS) setProp($(id), 'disabled', !enabled[id]);
    // Train disabled by a model/dataset mismatch says why (the Dataset panel has the sentence too).
    setProp($('train'), 'title', state.fitProblem ? t(state.fitProblem) : t('train.trainHint'));
    // A control that is disabled under the pointer or the keyboard hands focus on.
    if (focused && !enabled[focused]) {
      const next = (FOCUS_NEXT[focused] ?? []).find((id) => enabled[id]);
      if (next) $(next).focus();
    }
    const run = state.run;
    const p = run?.progress;
    setProp($('progress'), 'value', p ? (p.epoch * p.batches + p.batch + 1) / (p.epochs * p.batches) : state.lastRun ? 1 : 0);
    setProp($('progress-text'), 'textContent', run ? progressText(run) : endedText(state.lastRun));
    setProp($('train-error'), 'textContent', state.trainError ? t(state.trainError) : '');
  }
  store.subscribe(render);
  render(store.get(), null);
}
