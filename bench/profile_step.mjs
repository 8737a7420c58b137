// Where a U-Net training step spends its time on asc: tf.profile of one step (after one warm-up
// step) of the U-Net [16..128] on 8 synthetic images of 64x64, kernels summed by name, slowest first.
// --on-cpu K1,K2,... runs those kernels with tfjs-backend-cpu's JavaScript instead of asc's wasm (what
// the step cost before they had wasm kernels).
// Usage: npm run build && node --import ./cli/relaxed_simd.mjs bench/profile_step.mjs [--on-cpu Sum,Mean]
import * as tf from '@tensorflow/tfjs-core';
import '../dist/index.js';
import {createUNet, syntheticTensors, UNetTrainer} from '../dist/unet.js';

const onCpu = process.argv.includes('--on-cpu') ? process.argv[process.argv.indexOf('--on-cpu') + 1].split(',') : [];
for (const name of onCpu) {
  const cpu = tf.getKernel(name, 'cpu');
  tf.unregisterKernel(name, 'asc');
  tf.registerKernel({kernelName: name, backendName: 'asc', kernelFunc: (args) => args.backend.runCpuKernel(() => cpu.kernelFunc(args))});
}
await tf.setBackend('asc');
const [x, y] = syntheticTensors(1, 0, 8, 64);
const model = createUNet({features: [16, 32, 64, 128], seed: 1});
const trainer = new UNetTrainer(model);
trainer.trainStep(x, y);
const started = performance.now();
const profile = await tf.profile(() => {
  trainer.trainStep(x, y);
});
console.log(`one training step: ${(performance.now() - started).toFixed(0)} ms (profiled)${onCpu.length ? `; on tfjs-backend-cpu: ${onCpu.join(', ')}` : ''}`);
const byKernel = new Map();
for (const k of profile.kernels) {
  const entry = byKernel.get(k.name) ?? {ms: 0, calls: 0};
  entry.ms += await k.kernelTimeMs;
  entry.calls++;
  byKernel.set(k.name, entry);
}
for (const [name, {ms, calls}] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
  console.log(`${name.padEnd(24)} ${ms.toFixed(1).padStart(8)} ms  ${String(calls).padStart(4)} calls`);
}
