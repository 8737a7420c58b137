// The whole U-Net on two threads: asc against onnxruntime-web, and asc on one thread for the scaling,
// in interleaved rounds, in a process of its own (onnxruntime-web fixes its thread count once per
// process; bench/run.mjs starts this and merges the rows). onnxruntime-web's workers are told not to spin after a run: spinning would take
// the second core from whichever backend runs next (its own time is the same either way).
// Usage: node --experimental-wasm-relaxed-simd bench/threads.mjs [--quick]; prints JSON rows.
import * as tf from '@tensorflow/tfjs-core';
import {registerAscBackend} from '../dist/index.js';
import * as ort from 'onnxruntime-web';
import {createUNet} from '../dist/unet.js';
import {unetCases, unetFlops} from './cases.mjs';
import {buildOnnxUNet} from './onnx_unet.mjs';

const quick = process.argv.includes('--quick');
const THREADS = 2;
ort.env.wasm.numThreads = THREADS;
ort.env.logLevel = 'error';
registerAscBackend('asc-1t', {threads: 1});
registerAscBackend('asc-2t', {threads: THREADS});
await tf.setBackend('asc-2t');
await tf.backend().startThreads();

const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]; // odd counts only
const rows = [];
for (const c of unetCases(quick)) {
  const flops = unetFlops(c.features, c.size);
  const ascRunners = [];
  const models = [];
  for (const name of ['asc-1t', 'asc-2t']) {
    await tf.setBackend(name);
    // One model per backend, so its weights live (and stay packed) there; the seed makes them equal.
    const model = createUNet({features: c.features, seed: 7});
    const x = tf.randomNormal([1, c.size, c.size, 3], 0, 1, 'float32', 1);
    model.predict(x).dispose();
    models.push([model, x]);
    ascRunners.push([name, async () => {
      tf.setBackend(name); // initialized: switches synchronously
      const y = model.predict(x);
      y.dataSync();
      y.dispose();
    }]);
  }
  const session = await ort.InferenceSession.create(buildOnnxUNet(models[0][0], [1, c.size, c.size]), {
    executionProviders: ['wasm'], graphOptimizationLevel: 'all', intraOpNumThreads: THREADS,
    extra: {session: {intra_op: {allow_spinning: '0'}}},
  });
  const feeds = {x: new ort.Tensor('float32', new Float32Array(3 * c.size * c.size).map((_, i) => Math.sin(i)), [1, 3, c.size, c.size])};
  await session.run(feeds);
  const runners = [...ascRunners, ['onnxruntime-web-2t', () => session.run(feeds)]];
  const rounds = quick ? 3 : flops > 5e10 ? 5 : 7;
  const times = Object.fromEntries(runners.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of runners) {
      const started = performance.now();
      await run();
      times[name].push(performance.now() - started);
    }
  }
  for (const [name, samples] of Object.entries(times)) {
    rows.push({case: c.label, backend: name, ms: median(samples), samples: samples.length, flops});
  }
  await session.release();
  for (const [model, x] of models) {
    model.dispose();
    x.dispose();
  }
}
console.log(JSON.stringify({threads: THREADS, rows}));
process.exit(0); // onnxruntime-web's workers would keep the process alive
