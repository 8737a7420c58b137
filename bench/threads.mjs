// The whole U-Net on two threads: asc against onnxruntime-web, in interleaved rounds, in a process of
// its own (onnxruntime-web fixes its thread count once per process; bench/run.mjs starts this and
// merges the rows). onnxruntime-web's workers are told not to spin after a run: spinning would take
// the second core from whichever backend runs next (its own time is the same either way).
// Usage: node --experimental-wasm-relaxed-simd bench/threads.mjs [--quick]; prints JSON rows.
import * as tf from '@tensorflow/tfjs-core';
import '../dist/index.js';
import * as ort from 'onnxruntime-web';
import {createUNet} from '../dist/unet.js';
import {unetCases, unetFlops} from './cases.mjs';
import {buildOnnxUNet} from './onnx_unet.mjs';

const quick = process.argv.includes('--quick');
const THREADS = 2;
ort.env.wasm.numThreads = THREADS;
ort.env.logLevel = 'error';
tf.env().set('ASC_THREADS', THREADS);
await tf.setBackend('asc');
await tf.backend().startThreads();

const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
const rows = [];
for (const c of unetCases(quick)) {
  const flops = unetFlops(c.features, c.size);
  const model = createUNet({features: c.features, seed: 7});
  const x = tf.randomNormal([1, c.size, c.size, 3], 0, 1, 'float32', 1);
  model.predict(x).dispose();
  const session = await ort.InferenceSession.create(buildOnnxUNet(model, [1, c.size, c.size]), {
    executionProviders: ['wasm'], graphOptimizationLevel: 'all', intraOpNumThreads: THREADS,
    extra: {session: {intra_op: {allow_spinning: '0'}}},
  });
  const feeds = {x: new ort.Tensor('float32', new Float32Array(3 * c.size * c.size).map((_, i) => Math.sin(i)), [1, 3, c.size, c.size])};
  await session.run(feeds);
  const runners = [
    ['asc-2t', async () => {
      const y = model.predict(x);
      y.dataSync();
      y.dispose();
    }],
    ['onnxruntime-web-2t', () => session.run(feeds)],
  ];
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
  model.dispose();
  x.dispose();
}
console.log(JSON.stringify({threads: THREADS, ascFeatures: tf.backend().features, rows}));
process.exit(0); // onnxruntime-web's workers would keep the process alive
