// The whole-U-Net comparison shared by bench/run.mjs (one thread) and bench/threads.mjs (two): one
// model per tfjs backend (the same seeded weights, living and packed in that backend), the same U-Net
// as an ONNX graph on onnxruntime-web, then rounds in which each runs once, in turn (this machine's
// speed drifts, so interleaving keeps the ratios fair).
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-web';
import {createUNet} from '../dist/unet.js';
import {buildOnnxUNet} from './onnx_unet.mjs';

export function median(xs) {
  const sorted = [...xs].sort((p, q) => p - q);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times the U-Net of case `c` ({features, size}) on each of `backends` (tfjs backend names) and on
 * onnxruntime-web (reported as `ortName`, created with `sessionOptions`) for `rounds` rounds;
 * `skip(name, round)` leaves a run out. Resolves to {name: [ms, ...]}.
 */
export async function unetRounds(c, {backends, ortName, sessionOptions = {}, rounds, skip = () => false}) {
  const runners = [];
  const models = [];
  for (const name of backends) {
    await tf.setBackend(name);
    const model = createUNet({features: c.features, seed: 7});
    const x = tf.randomNormal([1, c.size, c.size, 3], 0, 1, 'float32', 1);
    model.predict(x).dispose();
    models.push([model, x]);
    runners.push([name, async () => {
      tf.setBackend(name); // initialized already: switches synchronously
      if (tf.getBackend() !== name) throw new Error(`could not switch to ${name}`);
      const y = model.predict(x);
      y.dataSync();
      y.dispose();
    }]);
  }
  const session = await ort.InferenceSession.create(buildOnnxUNet(models[0][0], [1, c.size, c.size]),
      {executionProviders: ['wasm'], graphOptimizationLevel: 'all', ...sessionOptions});
  const input = new Float32Array(3 * c.size * c.size).map((_, i) => Math.sin(i));
  const feeds = {x: new ort.Tensor('float32', input, [1, 3, c.size, c.size])};
  await session.run(feeds);
  runners.push([ortName, () => session.run(feeds)]);
  const times = Object.fromEntries(runners.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of runners) {
      if (skip(name, round)) continue;
      const started = performance.now();
      await run();
      times[name].push(performance.now() - started);
    }
  }
  await session.release();
  for (const [model, x] of models) {
    model.dispose();
    x.dispose();
  }
  return times;
}
