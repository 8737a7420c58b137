import * as tf from '@tensorflow/tfjs-core';
import './dist/index.js';
await tf.setBackend('asc');
const shapes = [[128, 128, 128], [64, 256, 256], [32, 512, 512], [256, 64, 64]];
for (const [s, ci, co] of shapes) {
  const x = tf.randomUniform([1, s, s, ci]); const w = tf.randomUniform([3, 3, ci, co]);
  const times = [];
  for (let i = 0; i < 6; i++) { const t = performance.now(); const y = tf.conv2d(x, w, 1, 'same'); times.push(performance.now() - t); y.dispose(); }
  times.sort((a, b) => a - b);
  const ms = times[3];
  console.log(`${s}x${s}x${ci}->${co}: ${ms.toFixed(1)} ms ${(2 * s * s * ci * co * 9 / ms / 1e6).toFixed(1)} GFLOP/s`);
  tf.dispose([x, w]);
}
