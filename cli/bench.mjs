// asc-unet bench: the U-Net's inference time on each backend this machine has; --suite runs the
// repository's full benchmark suite (bench/run.mjs: every kernel against tfjs-backend-wasm,
// onnxruntime-web and tfjs-backend-cpu) where it is present.
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import {initBackend} from '../dist/index.js';
import {createUNet, unetFlops} from '../dist/unet.js';
import {numberOption, parseCommand} from './args.mjs';
import {describeBackend} from './backend.mjs';

const SUITE = fileURLToPath(new URL('../bench/run.mjs', import.meta.url));
const RELAXED_SIMD = fileURLToPath(new URL('./relaxed_simd.mjs', import.meta.url));
const HELP = `Usage: asc-unet bench [options]

Times U-Net inference (median of --runs, after a warm-up) on asc and, where present, WebGPU and
tfjs-backend-cpu (--cpu: slow), reporting ms and GFLOP/s.

Options:
      --size <n>      image height and width (default 256)
      --features <l>  channels per level (default 16,32,64,128)
      --runs <n>      timed runs per backend (default 5)
      --cpu           include tfjs-backend-cpu
      --suite         run the repository's full suite instead (quick mode; --full for all of it)
      --full          with --suite: every case
  -h, --help`;

const OPTIONS = {size: {type: 'string'}, features: {type: 'string'}, runs: {type: 'string'}, cpu: {type: 'boolean'},
  suite: {type: 'boolean'}, full: {type: 'boolean'}};


export async function bench(args) {
  const parsed = parseCommand(args, OPTIONS, HELP);
  if (parsed == null) return;
  const {values} = parsed;
  if (values.suite) {
    if (!existsSync(SUITE)) throw new Error('the benchmark suite (bench/run.mjs) comes with the repository, not the package');
    const run = spawnSync(process.execPath, ['--import', RELAXED_SIMD, SUITE, ...(values.full ? [] : ['--quick'])], {stdio: 'inherit'});
    if (run.status !== 0) throw new Error(`bench/run.mjs exited with ${run.status}`);
    return;
  }
  const size = numberOption(values, 'size', {integer: true, min: 16}) ?? 256;
  const runs = numberOption(values, 'runs', {integer: true, min: 1}) ?? 5;
  const features = (values.features ?? '16,32,64,128').split(',').map(Number);
  const gflop = unetFlops(features, size) / 1e9;
  console.log(`U-Net ${features.join('/')} at ${size}x${size}: ${gflop.toFixed(2)} GFLOP per inference`);
  for (const name of ['asc', 'webgpu', ...(values.cpu ? ['cpu'] : [])]) {
    let report;
    try {
      report = await initBackend({prefer: [name], softwareWebGpu: true});
    } catch (e) {
      console.log(`${name.padEnd(8)} unavailable: ${e.message.replace(/^initBackend: no backend works: /, '')}`);
      continue;
    }
    const model = createUNet({features, seed: 7});
    const x = tf.randomNormal([1, size, size, 3], 0, 1, 'float32', 1);
    const times = [];
    for (let i = 0; i <= runs; i++) {
      const started = performance.now();
      const y = model.predict(x);
      await y.data();
      y.dispose();
      if (i > 0) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)];
    console.log(`${name.padEnd(8)} ${ms.toFixed(1).padStart(8)} ms  ${(gflop / ms * 1000).toFixed(1).padStart(6)} GFLOP/s  ${describeBackend(report)}`);
    x.dispose();
    model.dispose();
  }
}
