// Runs in the browser (bundled by browser.mjs): the asc backend's report, a convolution on 1 and
// on 2 threads (bit-identical, and split when threads can run), and the same convolution on
// tfjs-backend-cpu as the reference. The result goes to window.result.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../dist/index.js';

async function conv(threads) {
  tf.env().set('ASC_THREADS', threads);
  const backend = tf.backend();
  if (backend.startThreads) await backend.startThreads();
  const before = backend.parallelRuns ?? 0;
  const values = tf.tidy(() => {
    const x = tf.randomUniform([1, 48, 48, 32], -1, 1, 'float32', 1);
    const w = tf.randomUniform([3, 3, 32, 40], -1, 1, 'float32', 2);
    return tf.conv2d(x, w, 1, 'same').dataSync();
  });
  return {values, split: (backend.parallelRuns ?? 0) - before};
}

async function main() {
  await tf.setBackend('asc');
  const backend = tf.backend();
  const one = await conv(1);
  const two = await conv(2);
  const report = {
    crossOriginIsolated: globalThis.crossOriginIsolated, features: backend.features, threads: backend.threads,
    threadsReason: backend.threadsReason, splitOnOne: one.split, splitOnTwo: two.split,
    bitIdentical: one.values.length === two.values.length && one.values.every((v, i) => Object.is(v, two.values[i])),
  };
  await tf.setBackend('cpu');
  const reference = (await conv(1)).values;
  report.maxErrorVsCpu = Math.max(...reference.map((v, i) => Math.abs(v - one.values[i])));
  report.maxAbs = Math.max(...reference.map(Math.abs));
  window.result = report;
}

main().catch((e) => {
  window.result = {error: String(e?.stack ?? e)};
});
