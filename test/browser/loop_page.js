// Runs in the browser (bundled by browser.mjs): a small U-Net's inferences back to back on asc, with
// no await (no yield to the event loop) between `setBackend` and the last one, on the default
// thread count; what split across threads and how long each took go to window.result.
import * as tf from '@tensorflow/tfjs-core';
import '../../dist/index.js';
import {createUNet} from '../../dist/unet.js';

async function main() {
  await tf.setBackend('asc');
  const backend = tf.backend();
  const model = createUNet({features: [16, 32, 64, 128], seed: 3});
  const x = tf.randomNormal([1, 128, 128, 3], 0, 1, 'float32', 1);
  const times = [];
  const before = backend.parallelRuns;
  for (let i = 0; i < 6; i++) {
    const started = performance.now();
    const y = model.predict(x);
    y.dataSync();
    y.dispose();
    times.push(performance.now() - started);
  }
  window.result = {threads: backend.threads, threadsStarted: backend.threadsStarted, parallelRuns: backend.parallelRuns - before, times};
  model.dispose();
  x.dispose();
}

main().catch((e) => {
  window.result = {error: String(e?.stack ?? e)};
});
