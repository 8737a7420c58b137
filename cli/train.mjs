// asc-unet train: trains a U-Net on the synthetic cell images (BatchNorm in training mode, Adam
// with cosine decay, BCE + Dice), with a progress bar, validation IoU, checkpoints and resume.
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import {createUNet, syntheticTensors, UNetTrainer} from '../dist/unet.js';
import {numberOption, parseCommand, UsageError} from './args.mjs';
import {BACKENDS, chooseBackend, describeBackend} from './backend.mjs';
import {Progress} from './progress.mjs';

const HELP = `Usage: asc-unet train [options]

Trains the seed's U-Net on synthetic fluorescence-microscopy cells (set --seed; validation on set
--val-seed) and writes its state_dict as safetensors with PyTorch's key names.

Options:
      --out <file>            weights to write (default unet.safetensors)
      --float16               store the weights as float16 (half the size)
      --steps <n>             optimizer steps (default 600)
      --batch <n>             images per step (default 8)
      --size <n>              image height and width (default 64)
      --features <list>       channels per level (default 16,32,64,128)
      --lr <x>                Adam's initial step size, decayed to 0 on a cosine (default 0.002)
      --seed <n>              training set and initialization (default 1)
      --val-seed <n>          validation set (default 2)
      --val-count <n>         validation images (default 32)
      --eval-every <n>        steps between validations (default 50)
      --checkpoint <file>     write a checkpoint there every --eval-every steps
      --resume <file>         go on from a checkpoint
      --backend <name>        ${BACKENDS.join('|')} (default asc)
      --threads <n>           threads for asc (default: one per core)
  -h, --help`;

const OPTIONS = Object.fromEntries(['out', 'steps', 'batch', 'size', 'features', 'lr', 'seed', 'val-seed', 'val-count',
  'eval-every', 'checkpoint', 'resume', 'backend', 'threads'].map((name) => [name, {type: 'string'}]));
OPTIONS['float16'] = {type: 'boolean'};

export async function train(args) {
  const parsed = parseCommand(args, OPTIONS, HELP);
  if (parsed == null) return;
  const {values} = parsed;
  const steps = numberOption(values, 'steps', {integer: true, min: 1}) ?? 600;
  const batch = numberOption(values, 'batch', {integer: true, min: 1}) ?? 8;
  const size = numberOption(values, 'size', {integer: true, min: 16}) ?? 64;
  const learningRate = numberOption(values, 'lr', {min: 0}) ?? 0.002;
  const seed = numberOption(values, 'seed', {integer: true}) ?? 1;
  const valSeed = numberOption(values, 'val-seed', {integer: true}) ?? 2;
  const valCount = numberOption(values, 'val-count', {integer: true, min: 1}) ?? 32;
  const evalEvery = numberOption(values, 'eval-every', {integer: true, min: 1}) ?? 50;
  const threads = numberOption(values, 'threads', {integer: true, min: 0, max: 16});
  const features = (values.features ?? '16,32,64,128').split(',').map(Number);
  if (seed === valSeed) throw new UsageError('--seed and --val-seed must differ (the validation set must be unseen)');
  const out = values.out ?? 'unet.safetensors';
  const report = await chooseBackend(values.backend ?? 'asc', threads);

  const trainer = values.resume != null ?
      await UNetTrainer.fromCheckpoint(readCheckpoint(values.resume), {learningRate}) :
      new UNetTrainer(createUNet({inChannels: 3, outChannels: 1, features, seed}), {learningRate});
  const [valImages, valMasks] = syntheticTensors(valSeed, 0, valCount, size);
  console.log(`backend: ${describeBackend(report)}; U-Net ${trainer.model.config.features.join('/')}, ${size}x${size}, ` +
      `batch ${batch}, ${steps} steps${trainer.step > 0 ? ` (resuming at step ${trainer.step})` : ''}`);
  const progress = new Progress(steps, 'train');
  const started = performance.now();
  let lastLoss = NaN, validation = {loss: NaN, iou: NaN};
  while (trainer.step < steps) {
    trainer.setLearningRate(learningRate * 0.5 * (1 + Math.cos(Math.PI * trainer.step / steps)));
    const [images, masks] = syntheticTensors(seed, trainer.step * batch, batch, size);
    lastLoss = trainer.trainStep(images, masks);
    tf.dispose([images, masks]);
    if (trainer.step % evalEvery === 0 || trainer.step === steps) {
      validation = trainer.evaluate(valImages, valMasks);
      if (values.checkpoint != null) writeFileSync(values.checkpoint, await trainer.checkpoint());
    }
    progress.update(trainer.step, `loss ${lastLoss.toFixed(4)}  val IoU ${validation.iou.toFixed(4)}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const model = trainer.toUNet();
  const metadata = {
    trained_by: 'asc-unet train', steps: String(steps), batch: String(batch), size: String(size), seed: String(seed),
    val_seed: String(valSeed), val_count: String(valCount), val_iou: validation.iou.toFixed(4), seconds: seconds.toFixed(0),
    backend: describeBackend(report),
  };
  writeFileSync(out, model.toSafetensors(values.float16 ? 'F16' : 'F32', metadata));
  console.log(`validation IoU ${validation.iou.toFixed(4)} (loss ${validation.loss.toFixed(4)}) after ${steps} steps, ` +
      `${seconds.toFixed(0)} s -> ${out}`);
  tf.dispose([valImages, valMasks]);
  model.dispose();
  trainer.dispose();
}

function readCheckpoint(path) {
  if (!existsSync(path)) throw new Error(`${path}: no such file`);
  return readFileSync(path);
}
