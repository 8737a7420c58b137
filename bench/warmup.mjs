// What warmup() buys: the first U-Net inference in a fresh process, without and with warmup, against
// the median of the inferences after it, on webgpu (in Node: Dawn, here on Mesa's llvmpipe) and on
// asc. Each (backend, mode) runs in a process of its own so nothing is compiled or packed before.
// Usage: node bench/warmup.mjs [size] -> bench/results/warmup.json
import {execFileSync} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {median} from './median.mjs';

const FEATURES = [16, 32, 64, 128];
const LATER_RUNS = 5;

async function measure(backend, warm, size) {
  const tf = await import('@tensorflow/tfjs-core');
  const {initBackend, warmup} = await import('../dist/index.js');
  const {createUNet} = await import('../dist/unet.js');
  const report = await initBackend({prefer: [backend], softwareWebGpu: true});
  if (report.chosen !== backend) throw new Error(`${backend} unavailable: ${report.skipped.map((s) => s.reason).join('; ')}`);
  const model = createUNet({features: FEATURES, seed: 7});
  const shape = [1, size, size, 3];
  const warmupMs = warm ? (await warmup(model, shape)).ms : 0;
  const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
  const times = [];
  for (let i = 0; i <= LATER_RUNS; i++) {
    const started = performance.now();
    const y = model.predict(x);
    await y.data();
    times.push(performance.now() - started);
    y.dispose();
  }
  return {backend, warm, warmupMs, firstMs: times[0], laterMedianMs: median(times.slice(1))};
}

if (process.argv[2] === '--child') {
  const [, , , backend, warm, size] = process.argv;
  console.log(JSON.stringify(await measure(backend, warm === 'warm', Number(size))));
} else {
  const size = Number(process.argv[2] ?? 128);
  const rows = [];
  for (const backend of ['webgpu', 'asc']) {
    for (const warm of ['cold', 'warm']) {
      const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', backend, warm, String(size)],
          {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
      const row = JSON.parse(out.trim().split('\n').pop());
      rows.push(row);
      console.log(`${backend} ${warm}: warmup ${row.warmupMs.toFixed(0)} ms, first predict ${row.firstMs.toFixed(0)} ms, ` +
          `later median ${row.laterMedianMs.toFixed(0)} ms (U-Net ${FEATURES.join('/')}, ${size}x${size})`);
    }
  }
  writeFileSync(new URL('./results/warmup.json', import.meta.url), JSON.stringify({date: new Date().toISOString(), size, features: FEATURES, rows}, null, 1));
}
