// Training on asc: BatchNorm's running statistics as PyTorch updates them, a short seeded run that
// lowers the loss, resuming from a checkpoint exactly, the trained weights as an inference UNet, and
// the shipped model's validation IoU.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {readImage} from '../../cli/images.mjs';
import {createUNet, readSafetensors, syntheticImage, syntheticTensors, UNet, UNetTrainer} from '../../dist/unet.js';
import {tf} from './helpers.mjs';

const batch = syntheticTensors;

test('the synthetic set is reproducible from (seed, index), with exact 0/1 masks', () => {
  const a = syntheticImage(5, 3, 96), b = syntheticImage(5, 3, 96), c = syntheticImage(5, 4, 96);
  assert.equal(a.image, b.image);
  assert.equal(a.mask, b.mask);
  assert.not.equal(a.mask, c.mask);
  assert.ok(a.mask.every((m) => m === 0 || m === 1));
  const share = a.mask.reduce((s, m) => s + m, 0) / a.mask.length;
  assert.ok(share > 0.05 && share < 0.95, `cells cover ${share}`);
  assert.ok(a.image.every((v) => v >= 0 && v <= 1));
});

test('a training step updates BatchNorm running statistics as PyTorch does (momentum 0.1, unbiased variance)', async () => {
  await tf.setBackend('asc');
  const model = createUNet({features: [4, 8], seed: 3});
  const state = model.stateDict();
  const trainer = new UNetTrainer(model);
  const [x, y] = batch(1, 0, 2, 16);
  // The first BatchNorm sees conv 0's output, which the step's own update has not changed yet.
  const w = state.get('downs.0.conv.0.weight');
  const expected = tf.tidy(() => {
    const filter = tf.transpose(tf.tensor4d(w.data, w.shape), [2, 3, 1, 0]);
    const h = tf.add(tf.conv2d(x, filter, 1, 'same'), tf.tensor1d(state.get('downs.0.conv.0.bias').data));
    const {mean, variance} = tf.moments(h, [0, 1, 2]);
    const n = 2 * 16 * 16;
    return [tf.mul(mean, 0.1), tf.add(0.9, tf.mul(variance, 0.1 * n / (n - 1)))].map((t) => t.dataSync());
  });
  trainer.trainStep(x, y);
  const after = trainer.stateDict();
  for (const [key, want] of [['running_mean', expected[0]], ['running_var', expected[1]]]) {
    const got = after.get(`downs.0.conv.1.${key}`).data;
    want.forEach((v, i) => assert.ok(Math.abs(got[i] - v) <= 1e-5 * Math.max(1, Math.abs(v)), `${key}[${i}]: ${got[i]} vs ${v}`));
  }
  tf.dispose([x, y]);
  trainer.dispose();
  model.dispose();
});

test('a short seeded run lowers the loss; a checkpoint resumes it exactly; the result is an inference UNet', async () => {
  await tf.setBackend('asc');
  const model = createUNet({features: [4, 8], seed: 1});
  const trainer = new UNetTrainer(model, {learningRate: 0.01});
  model.dispose();
  const losses = [];
  for (let step = 0; step < 30; step++) {
    const [x, y] = batch(1, step * 4, 4, 32);
    losses.push(trainer.trainStep(x, y));
    tf.dispose([x, y]);
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(mean(losses.slice(-5)) < 0.8 * mean(losses.slice(0, 5)), `losses ${losses.map((l) => l.toFixed(3))}`);

  const resumed = await UNetTrainer.fromCheckpoint(await trainer.checkpoint(), {learningRate: 0.01});
  assert.is(resumed.step, 30);
  const [x, y] = batch(1, 100, 4, 32);
  assert.is(resumed.trainStep(x, y), trainer.trainStep(x, y), 'the same loss');
  const [a, b] = [trainer.stateDict(), resumed.stateDict()];
  for (const [key, {data}] of a) assert.equal(b.get(key).data, data, `${key} after the same step`);

  // Eval mode on the trainer = the inference UNet (BatchNorm folded), up to float32 rounding.
  const unet = trainer.toUNet();
  const [fromTrainer, fromUNet] = [trainer.forward(x), unet.predict(x)];
  const err = tf.tidy(() => tf.div(tf.norm(tf.sub(fromTrainer, fromUNet)), tf.norm(fromTrainer)).dataSync()[0]);
  assert.ok(err <= 1e-6, `trainer vs UNet: ${err}`);
  tf.dispose([x, y, fromTrainer, fromUNet]);
  [trainer, resumed, unet].forEach((m) => m.dispose());
});

test('the shipped model reaches IoU >= 0.90 on the fixed validation batch and on the sample\'s exact mask', async () => {
  await tf.setBackend('asc');
  const bytes = readFileSync(new URL('../../assets/unet-cells.safetensors', import.meta.url));
  assert.is(readSafetensors(bytes).tensors.get('downs.0.conv.0.weight').dtype, 'F16', 'shipped as float16');
  const model = UNet.fromSafetensors(bytes);
  const trainer = new UNetTrainer(model);
  const [x, y] = batch(2, 0, 32, 64);
  const {iou} = trainer.evaluate(x, y);
  assert.ok(iou >= 0.9, `validation IoU ${iou}`);
  const read = (name) => readImage(fileURLToPath(new URL(`../../assets/${name}`, import.meta.url)), {maxPixels: 1e6}).data;
  const [image, truth] = [read('sample.png'), read('sample.truth.png')];
  const predicted = tf.tidy(() => model.segment(tf.slice(tf.tensor3d(image, [256, 256, 4], 'int32'), [0, 0, 0], [-1, -1, 3])).dataSync());
  let inter = 0, union = 0;
  predicted.forEach((p, i) => {
    const t = truth[4 * i] > 0 ? 1 : 0;
    inter += t & p;
    union += t | p;
  });
  assert.ok(inter / union >= 0.9, `sample IoU ${inter / union}`);
  tf.dispose([x, y]);
  trainer.dispose();
  model.dispose();
});

test.run();
