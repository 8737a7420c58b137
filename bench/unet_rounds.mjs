// The whole-U-Net comparison shared by bench/run.mjs (one thread) and bench/threads.mjs (two): one
// model per tfjs backend (the same seeded weights, living and packed in that backend), the same U-Net
// as an ONNX graph on onnxruntime-web and as a .tflite on LiteRT.js, each peer's output checked
// against the first backend's, then rounds in which each runs once, in turn (this machine's speed
// drifts, so interleaving keeps the ratios fair).
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-web';
import {createUNet} from '../dist/unet.js';
import {compileTflite, runTflite} from './litert.mjs';
import {buildOnnxUNet} from './onnx_unet.mjs';
import {buildTfliteUNet} from './tflite_unet.mjs';

/** Throws unless a peer's output (NCHW or NHWC as `layout` says) is within 1e-4 x max|y| of asc's (NHWC). */
function checkOutput(name, got, layout, expected, [h, w, channels]) {
  let err = 0, max = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++) {
        const want = expected[(y * w + x) * channels + c];
        const have = got[layout === 'NCHW' ? (c * h + y) * w + x : (y * w + x) * channels + c];
        err = Math.max(err, Math.abs(have - want));
        max = Math.max(max, Math.abs(want));
      }
    }
  }
  if (!(err <= 1e-4 * max)) throw new Error(`${name}: its U-Net differs from asc's by ${err} (max |y| ${max})`);
}

/**
 * Times the U-Net of case `c` ({features, size}) on each of `backends` (tfjs backend names), on
 * onnxruntime-web (reported as `ortName`, created with `sessionOptions`) and, with `litert`
 * ({name, threads}), on LiteRT.js (loaded already: bench/litert.mjs) for `rounds` rounds;
 * `skip(name, round)` leaves a run out. Resolves to {name: [ms, ...]}.
 */
export async function unetRounds(c, {backends, ortName, sessionOptions = {}, litert, rounds, skip = () => false}) {
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
  // The peers get the same input as asc, in their layouts.
  const [model0, x0] = models[0];
  await tf.setBackend(backends[0]);
  const nhwc = x0.dataSync();
  const expected = model0.predict(x0).dataSync();
  const outShape = [c.size, c.size, model0.config.outChannels];
  const nchw = tf.tidy(() => tf.transpose(x0, [0, 3, 1, 2]).dataSync());
  const session = await ort.InferenceSession.create(buildOnnxUNet(model0, [1, c.size, c.size]),
      {executionProviders: ['wasm'], graphOptimizationLevel: 'all', ...sessionOptions});
  const feeds = {x: new ort.Tensor('float32', nchw, [1, 3, c.size, c.size])};
  checkOutput(ortName, (await session.run(feeds)).y.data, 'NCHW', expected, outShape);
  runners.push([ortName, () => session.run(feeds)]);
  let tflite = null;
  if (litert != null) {
    tflite = await compileTflite(buildTfliteUNet(model0, [1, c.size, c.size]), litert.threads);
    checkOutput(litert.name, await runTflite(tflite, nhwc, [1, c.size, c.size, 3]), 'NHWC', expected, outShape);
    runners.push([litert.name, () => runTflite(tflite, nhwc, [1, c.size, c.size, 3])]);
  }
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
  tflite?.delete();
  for (const [model, x] of models) {
    model.dispose();
    x.dispose();
  }
  return times;
}
