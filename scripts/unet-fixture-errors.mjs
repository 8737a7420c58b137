// Prints, for each PyTorch fixture on asc (Winograd, its default, and the direct GEMM only) and cpu: max|ours - PyTorch| / max|PyTorch|, and the
// fused model against the unfused one as max-relative and as L2-relative (||a - b|| / ||b||) error.
// Usage: node scripts/unet-fixture-errors.mjs
import * as tf from '@tensorflow/tfjs-core';
import '../dist/index.js';
import {readFileSync, readdirSync} from 'node:fs';
import {readSafetensors, toFloat32, UNet} from '../dist/unet.js';

const dir = new URL('../test/fixtures/unet/', import.meta.url);
const names = readdirSync(dir).filter((f) => f.endsWith('.weights.safetensors')).map((f) => f.split('.')[0]);
for (const [backend, winograd] of [['asc', true], ['asc', false], ['cpu', true]]) {
  await tf.setBackend(backend);
  tf.env().set('ASC_WINOGRAD', winograd);
  const label = backend === 'asc' ? (winograd ? 'asc (Winograd)' : 'asc (direct)') : backend;
  for (const name of names) {
    const model = UNet.fromSafetensors(readFileSync(new URL(`${name}.weights.safetensors`, dir)));
    const {tensors} = readSafetensors(readFileSync(new URL(`${name}.io.safetensors`, dir)));
    const nhwc = (k) => tf.transpose(tf.tensor(toFloat32(k, tensors.get(k)), tensors.get(k).shape), [0, 2, 3, 1]);
    const [rel, fusedMax, fusedL2] = tf.tidy(() => {
      const x = nhwc('input');
      const y = nhwc('output');
      const out = model.predict(x);
      const unfused = model.predict(x, {fused: false});
      const maxRel = (a, b) => tf.div(tf.max(tf.abs(tf.sub(a, b))), tf.max(tf.abs(b))).dataSync()[0];
      return [maxRel(out, y), maxRel(out, unfused), tf.div(tf.norm(tf.sub(out, unfused)), tf.norm(unfused)).dataSync()[0]];
    });
    console.log(`${label.padEnd(15)} ${name.padEnd(16)} vs PyTorch: max error / max|y| = ${rel.toExponential(2)};  ` +
        `fused vs unfused: max-relative ${fusedMax.toExponential(2)}, L2-relative ${fusedL2.toExponential(2)}`);
    model.dispose();
  }
}
