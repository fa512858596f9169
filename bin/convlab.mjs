#!/usr/bin/env node
// convlab train|evaluate|summary|export: the course's Keras workflow from a terminal, with
// output laid out like Keras's. Bad flags and files: one line on stderr, exit code 2.
import { parseArgs } from 'node:util';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createModel } from '../web/lib/convlab.mjs';
import { PRESETS } from '../web/lib/presets.mjs';
import { StopAtThreshold, EarlyStopping, LearningRateScheduler } from '../web/lib/callbacks.mjs';
import { ImageDataGenerator } from '../web/lib/augment.mjs';
import { scheduleFunction } from '../web/lib/keras_schedule_eval.mjs';
import { loadData } from './data.mjs';
import { BUILTIN_DATASETS, checkModelFits } from '../web/lib/data/load.mjs';
import { progressLine } from '../web/lib/progbar.mjs';
import { toTfjsArtifacts, modelFromTfjs } from '../web/lib/tfjs_format.mjs';
import { checkThreads, MAX_THREADS } from '../web/lib/threads.mjs';
import { parseKerasPython } from '../web/lib/keras_python.mjs';
import { notebookScript, cellOfLine } from '../web/lib/notebook.mjs';

const USAGE = `usage:
  convlab train    --model lab [--epochs 5] [--batch-size 32] [--validation-split 0.1]
                   [--stop-at-accuracy 0.995] [--early-stopping PATIENCE] [--optimizer adam]
                   [--learning-rate 0.001] [--seed 1] [--data mnist|PATH] [--save runs/lab1]
                   [--threads 1|N|auto]
  convlab evaluate --load runs/lab1 [--data mnist|PATH] [--batch-size 32]
  convlab summary  --model lab | --load runs/lab1
  convlab export   --load runs/lab1 | --model lab   --out DIR
--threads: engine threads (default 1; auto = one per core, at most 8; same results either way).
--model is a preset (${Object.keys(PRESETS).join(', ')}), a Keras JSON file, or a .py or
Jupyter .ipynb file with the notebook's Keras code (its Sequential model; fit() with
datagen.flow(...) augments as its ImageDataGenerator says, and a LearningRateScheduler applies).
--data is a built-in dataset (fashion-mnist, the default; mnist: 7,996 + 2,004 real digits) or a
path: a Keras .npz (x_train, y_train, x_test, y_test), an IDX pair (files or their folder, raw or
.gz), cifar-10-binary.tar.gz, cifar-10-python.tar.gz, data_batch_N.bin / test_batch.bin (or their
folder), or a folder or .zip of PNG/JPEG images with one sub-folder per class (resized to the
model's input; 20 % held out as the test set, seeded).`;

class UsageError extends Error {}

// Errors before training starts (flags, files, model config) exit with 2; failures during
// training (a NaN loss, say) with 1.
let phase = 'setup';

const OPTIONS = {
  model: { type: 'string' }, load: { type: 'string' }, save: { type: 'string' }, out: { type: 'string' },
  epochs: { type: 'string', default: '5' }, 'batch-size': { type: 'string', default: '32' },
  'validation-split': { type: 'string', default: '0' }, 'stop-at-accuracy': { type: 'string' },
  'early-stopping': { type: 'string' }, optimizer: { type: 'string', default: 'adam' },
  'learning-rate': { type: 'string' }, seed: { type: 'string', default: '1' },
  loss: { type: 'string', default: 'sparse_categorical_crossentropy' }, data: { type: 'string' },
  threads: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

function number(flags, name, { integer = false, min = -Infinity, max = Infinity } = {}) {
  const raw = flags[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    throw new UsageError(`--${name}: expected ${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` >= ${min}` : ''}${max < Infinity ? ` <= ${max}` : ''}, got '${raw}'`);
  }
  return v;
}

// The code's compile() and fit() arguments become the flags' values, except for flags given on
// the command line (they win); its ImageDataGenerator and LearningRateScheduler go to
// flags.codeTraining. Returns the model config.
function withCodeSettings(flags, { config, compile, fit }) {
  flags.codeTraining = { augment: fit?.augment ?? null, schedule: fit?.schedule ?? null };
  const given = new Set(process.argv.slice(2).filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=')[0]));
  const set = (flag, value) => { if (value !== undefined && value !== null && !given.has(flag)) flags[flag] = String(value); };
  if (compile) {
    set('loss', compile.loss);
    if (typeof compile.optimizer === 'string') set('optimizer', compile.optimizer);
    set('learning-rate', compile.learningRate);
  }
  if (fit) {
    set('epochs', fit.epochs);
    set('batch-size', fit.batchSize);
    set('validation-split', fit.validationSplit);
  }
  return config;
}

// A Jupyter notebook's code cells as one Python source (IPython's !shell and %magic lines
// blanked), and where(line): "cell 3, line 2", counting every cell from 1 as Jupyter lists them.
async function modelConfig(flags) {
  if (!flags.model) throw new UsageError('--model is required (a preset name, a Keras JSON file, a .py or an .ipynb file)');
  if (PRESETS[flags.model]) return PRESETS[flags.model];
  if (!existsSync(flags.model)) {
    throw new UsageError(`--model: '${flags.model}' is neither a preset (${Object.keys(PRESETS).join(', ')}) nor a file`);
  }
  const text = await readFile(flags.model, 'utf8');
  // A notebook's Python (the page's parser): the model its Sequential([...]) / model.add lines build.
  if (flags.model.endsWith('.py')) {
    try {
      return withCodeSettings(flags, parseKerasPython(text));
    } catch (e) {
      throw e instanceof UsageError ? e : new UsageError(`${flags.model}: ${e.message}`);
    }
  }
  if (flags.model.endsWith('.ipynb')) {
    let script;
    try {
      script = notebookScript(text, flags.model);
    } catch (e) {
      throw new UsageError(e.message);
    }
    try {
      return withCodeSettings(flags, parseKerasPython(script));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      const at = e.line ? cellOfLine(script, e.line) : null;
      throw new UsageError(`${flags.model}: ${at ? `cell ${at.cell}, line ${at.line}: ${e.reason}` : e.message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${flags.model}: not valid JSON (${e.message})`);
  }
}

async function loadRun(dir) {
  const file = join(dir, 'model.json');
  if (!existsSync(file)) throw new UsageError(`--load: ${file} does not exist`);
  let json;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${e.message})`);
  }
  // The shards the manifest names, in order (weights.bin for convlab's own; TF.js may write
  // group1-shard1of2.bin and so on), concatenated as TF.js does.
  const paths = Array.isArray(json.weightsManifest) ? json.weightsManifest.flatMap((g) => g.paths ?? []) : ['weights.bin'];
  const parts = [];
  for (const path of paths) {
    const weightsFile = join(dir, path);
    if (!existsSync(weightsFile)) throw new UsageError(`--load: ${weightsFile} does not exist`);
    parts.push(await readFile(weightsFile));
  }
  const bytes = Buffer.concat(parts);
  const weightsFile = join(dir, paths.length === 1 ? paths[0] : 'weight files');
  let model;
  try {
    model = await modelFromTfjs(createModel, json, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), { file, weightsFile });
  } catch (e) {
    throw new UsageError(e.message);
  }
  const training = json.trainingConfig ?? {};
  return { model, training };
}

async function save(dir, model, extra) {
  await mkdir(dir, { recursive: true });
  const { modelJson, weightData } = toTfjsArtifacts(model, { trainingConfig: extra.trainingConfig });
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
  await writeFile(join(dir, 'weights.bin'), new Uint8Array(weightData));
  if (extra.history) await writeFile(join(dir, 'history.json'), JSON.stringify(extra.history, null, 1));
}

// Keras verbose=1: a bar redrawn in place on a terminal; one line per epoch when piped.
function progressPrinter(out, steps) {
  let started = 0, lastDraw = 0;
  const tty = Boolean(out.isTTY);
  return {
    onEpochBegin() { started = performance.now(); lastDraw = 0; },
    onBatchEnd(batch, logs) {
      const now = performance.now();
      if (!tty || now - lastDraw < 100 || batch + 1 === steps) return;
      lastDraw = now;
      out.write(`\r${progressLine(batch + 1, steps, (now - started) / 1000, logs)}\x1b[K`);
    },
    onEpochEnd(epoch, logs) {
      const line = progressLine(steps, steps, (performance.now() - started) / 1000, logs);
      out.write(tty ? `\r${line}\x1b[K\n` : `${line}\n`);
    },
  };
}

async function train(flags) {
  const config = await modelConfig(flags);
  const epochs = number(flags, 'epochs', { integer: true, min: 1 });
  const batchSize = number(flags, 'batch-size', { integer: true, min: 1 });
  const validationSplit = number(flags, 'validation-split', { min: 0, max: 0.99 });
  const seed = number(flags, 'seed', { integer: true, min: 0, max: 2 ** 32 - 1 });
  const learningRate = number(flags, 'learning-rate', { min: Number.MIN_VALUE });
  const threshold = number(flags, 'stop-at-accuracy', { min: 0, max: 1 });
  const patience = number(flags, 'early-stopping', { integer: true, min: 0 });
  // Image folders are resized to the model's input, so the model's shape is read first.
  const probe = await createModel(config, { seed });
  const data = await loadData(flags.data, { imageShape: probe.inputShape });
  probe.dispose();
  const model = await createModel(config, { seed, inputShape: data.shape });
  const misfit = checkModelFits(model, data);
  if (misfit) throw new UsageError(`--data ${flags.data ?? 'fashion-mnist'}: ${misfit.message}`);
  model.compile({ optimizer: flags.optimizer, loss: flags.loss, learningRate });
  const labels = flags.loss === 'categorical_crossentropy' ? data.oneHot('train') : data.train.labels;
  if (data.skipped?.length) {
    process.stdout.write(`skipped ${data.skipped.length} file(s): ${data.skipped.slice(0, 3).map((s) => `${s.file} (${s.reason})`).join('; ')}${data.skipped.length > 3 ? '; ...' : ''}\n`);
  }

  const steps = Math.ceil(Math.floor(data.train.count * (1 - validationSplit)) / batchSize);
  const callbacks = [];
  const printer = progressPrinter(process.stdout, steps);
  let epoch = 0;
  callbacks.push({ onEpochBegin: (e) => { epoch = e; process.stdout.write(`Epoch ${e + 1}/${epochs}\n`); printer.onEpochBegin(); } });
  const stopper = threshold !== undefined ? new StopAtThreshold({ threshold }) : null;
  // The code's datagen.flow(...) (seeded by flow(seed=...), else --seed) and its scheduler, whose
  // verbose line Keras prints after "Epoch 1/5".
  const { augment = null, schedule = null } = flags.codeTraining ?? {};
  const generator = augment ? new ImageDataGenerator({ seed, ...augment }) : null;
  const scheduler = schedule ? new LearningRateScheduler(scheduleFunction(schedule), schedule.verbose) : null;
  if (scheduler) callbacks.push(scheduler, { onEpochBegin: () => { if (scheduler.message) process.stdout.write(`${scheduler.message}\n`); } });
  const early = patience !== undefined ? new EarlyStopping({ monitor: validationSplit > 0 ? 'val_loss' : 'loss', patience, restoreBestWeights: true }) : null;
  callbacks.push({ onBatchEnd: printer.onBatchEnd, onEpochEnd: printer.onEpochEnd });
  if (stopper) callbacks.push(stopper);
  if (early) callbacks.push(early);
  const started = performance.now();
  phase = 'training';
  const history = await model.fit(data.train.images, labels, { epochs, batchSize, validationSplit, callbacks, augment: generator });
  if (stopper?.message) process.stdout.write(`\n${stopper.message}\n`);
  if (early?.stoppedEpoch) process.stdout.write(`Epoch ${early.stoppedEpoch + 1}: early stopping; restored the weights of epoch ${early.bestEpoch + 1}\n`);
  const seconds = (performance.now() - started) / 1000;

  const testLabels = flags.loss === 'categorical_crossentropy' ? data.oneHot('test') : data.test?.labels;
  let test = null;
  if (data.test) {
    test = evaluateWithBar(model, data.test.images, testLabels, batchSize);
  }
  process.stdout.write(`trained ${epoch + 1} epoch(s) in ${seconds.toFixed(1)} s${test ? `; test accuracy ${test.accuracy.toFixed(4)}` : ''}\n`);
  if (flags.save) {
    await save(flags.save, model, {
      trainingConfig: { loss: flags.loss, metrics: ['accuracy'], optimizer_config: { class_name: flags.optimizer, config: learningRate ? { learning_rate: learningRate } : {} } },
      history: { ...history, test, settings: { model: flags.model, epochs, batchSize, validationSplit, seed, threshold, learningRate, optimizer: flags.optimizer }, seconds },
    });
    process.stdout.write(`saved to ${flags.save}/ (model.json + weights.bin, TF.js layers format; history.json)\n`);
  }
  model.dispose();
}

function evaluateWithBar(model, images, labels, batchSize) {
  const started = performance.now();
  const r = model.evaluate(images, labels, { batchSize });
  const steps = Math.ceil(images.length / model.inputSize / batchSize);
  process.stdout.write(`${progressLine(steps, steps, (performance.now() - started) / 1000, r)}\n`);
  return r;
}

async function evaluate(flags) {
  if (!flags.load) throw new UsageError('evaluate needs --load DIR (a folder written by train --save)');
  const batchSize = number(flags, 'batch-size', { integer: true, min: 1 });
  const { model, training } = await loadRun(flags.load);
  const loss = training.loss ?? 'sparse_categorical_crossentropy';
  model.compile({ optimizer: 'adam', loss });
  const data = await loadData(flags.data, { imageShape: model.inputShape });
  if (!data.test) throw new UsageError(`--data: ${data.dir} has no test set`);
  evaluateWithBar(model, data.test.images, loss === 'categorical_crossentropy' ? data.oneHot('test') : data.test.labels, batchSize);
  model.dispose();
}

async function summary(flags) {
  const model = flags.load ? (await loadRun(flags.load)).model : await createModel(await modelConfig(flags));
  process.stdout.write(model.summary());
  model.dispose();
}

async function exportModel(flags) {
  if (!flags.out) throw new UsageError('export needs --out DIR');
  const model = flags.load ? (await loadRun(flags.load)).model : await createModel(await modelConfig(flags));
  await save(flags.out, model, {});
  await writeFile(join(flags.out, 'keras_model.json'), model.toJSON());
  process.stdout.write(`wrote ${flags.out}/model.json + weights.bin (TF.js layers format) and keras_model.json (model.to_json())\n`);
  model.dispose();
}

const COMMANDS = { train, evaluate, summary, export: exportModel };

async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    const option = /option '([^']+)'/.exec(e.message)?.[1];
    throw new UsageError(option ? `unknown option '${option}' (see convlab --help)` : e.message.split('\n')[0]);
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!COMMANDS[command]) throw new UsageError(`unknown command '${command}' (train, evaluate, summary, export)`);
  if (rest.length) throw new UsageError(`unexpected argument '${rest[0]}'`);
  if (parsed.values.data && !BUILTIN_DATASETS[parsed.values.data] && !existsSync(parsed.values.data)) {
    throw new UsageError(`--data: ${parsed.values.data} is neither a built-in dataset (${Object.keys(BUILTIN_DATASETS).join(', ')}) nor a file or folder`);
  }
  if (parsed.values.threads !== undefined) {
    const raw = parsed.values.threads;
    try {
      checkThreads(raw === 'auto' ? raw : Number(raw));
    } catch {
      throw new UsageError(`--threads: expected 'auto' or an integer from 1 to ${MAX_THREADS}, got '${raw}'`);
    }
    process.env.CONVLAB_THREADS = raw;  // read by loadEngine (web/lib/engine.mjs) on first use
  }
  await COMMANDS[command](parsed.values);
}

main(process.argv.slice(2)).catch((e) => {
  // One line, never a stack trace: engine and data errors already name the file or field.
  process.stderr.write(`convlab: ${e.message}\n`);
  process.exit(e instanceof UsageError || phase === 'setup' ? 2 : 1);
});
