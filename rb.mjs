import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import './dist/index.js';
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
const res = {asc: [], wasm: []};
const inputs = {};
for (const be of ['asc', 'wasm']) { await tf.setBackend(be); inputs[be] = tf.randomUniform([1, 128, 128, 64]); }
for (let round = 0; round < 5; round++) for (const be of ['asc', 'wasm']) {
  await tf.setBackend(be);
  const backend = tf.backend(); const k = tf.getKernel('ResizeBilinear', be);
  const t = []; for (let i = 0; i < 20; i++) { const a = performance.now(); const o = k.kernelFunc({inputs: {images: inputs[be]}, backend, attrs: {alignCorners: true, halfPixelCenters: false, size: [129, 129]}}); t.push(performance.now() - a); if (o instanceof tf.Tensor) o.dispose(); else backend.disposeData(o.dataId); }
  t.sort((a, b) => a - b); res[be].push(t[10]);
}
for (const [k, v] of Object.entries(res)) console.log(k, v.map((x) => x.toFixed(3)).join(' '));
