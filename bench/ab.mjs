// Two builds of asc side by side, for a change that must not move the figures (a refactor) or that
// should (a kernel's speed-up seen through whole models): the same workloads (the U-Nets, a kernel of
// each family at a mobile net's shapes, and mobile nets of bench/model_families.mjs as fused ops and
// as tfjs-layers models, with whole-graph capture on as by default) timed in a fresh
// process per build per round, the builds alternating, so this machine's drift hits both alike.
// Prints the median ms per build and the ratio B / A per workload; writes
// bench/results/ab-node<major>.json.
// Usage: node bench/ab.mjs <A> <B> [--rounds n] [--only text]  (A, B: folders holding a built dist/,
// e.g. a git worktree of the base commit after `npm run build`, and `.`; --only: the workloads whose
// name holds the text, ' (' the models). ASC_THREADS and ASC_RELAXED_SIMD pass through (one thread
// unless set), and ASC_IGEMM_TILE (e.g. 8x8-loadsplat) puts both builds on one tile.
import {execFileSync} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import {resolve} from 'node:path';
import {median} from './median.mjs';

const option = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const ROUNDS = Number(option('--rounds') ?? 7);
const ONLY = option('--only') ?? '';
const [a, b] = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && !['--rounds', '--only'].includes(all[i - 1]));
if (!a || !b || !(ROUNDS > 0)) {
  console.error('usage: node bench/ab.mjs <A> <B> [--rounds n] [--only text]');
  process.exit(2);
}

/** One process's timings: each workload warmed up, then the median of `reps` runs, in ms. */
const FAMILIES_URL = new URL('./model_families.mjs', import.meta.url).href;
const timing = (dist) => `
import * as tf from '@tensorflow/tfjs-core';
import * as asc from '${dist}/index.js';
import {createUNet} from '${dist}/unet.js';
import {FAMILIES, graphFamily, layersFamily} from '${FAMILIES_URL}';
// Both builds on one GEMM tile when asked (the calibration may pick either of two close ones).
if (process.env.ASC_IGEMM_TILE) tf.env().set('ASC_IGEMM_TILE', process.env.ASC_IGEMM_TILE);
await tf.setBackend('asc');
/** A mobile net of the model suite, built on the active backend with the suite's weights and input. */
const family = (name, build) => async () => {
  const model = await build(name), x = tf.randomUniform(FAMILIES[name].input, 0, 1, 'float32', 7);
  return [() => model.predict(x), 15];
};
/** A kernel's workload: 31 runs per process, each timed reading one value of the output. */
const kernel = (run) => [run, 31, true];
const ops = {
  'U-Net [16..128] 256²': () => {
    const model = createUNet({features: [16, 32, 64, 128], seed: 7}), x = tf.randomNormal([1, 256, 256, 3], 0, 1, 'float32', 1);
    return [() => model.predict(x), 5];
  },
  'U-Net [64..512] 128²': () => {
    const model = createUNet({features: [64, 128, 256, 512], seed: 7}), x = tf.randomNormal([1, 128, 128, 3], 0, 1, 'float32', 1);
    return [() => model.predict(x), 3];
  },
  'conv 3x3 64²×64→64': () => {
    const x = tf.randomNormal([1, 64, 64, 64]), w = tf.randomNormal([3, 3, 64, 64]);
    return kernel(() => tf.conv2d(x, w, 1, 'same'));
  },
  'conv 1x1 56²×64→128 +bias relu6': () => {
    const x = tf.randomNormal([1, 56, 56, 64]), w = tf.randomNormal([1, 1, 64, 128]), bias = tf.randomNormal([128]);
    return kernel(() => tf.fused.conv2d({x, filter: w, bias, strides: 1, pad: 'same', activation: 'relu6'}));
  },
  'depthwise 3x3 112²×32': () => {
    const x = tf.randomNormal([1, 112, 112, 32]), w = tf.randomNormal([3, 3, 32, 1]);
    return kernel(() => tf.depthwiseConv2d(x, w, 1, 'same'));
  },
  'depthwise 3x3 56²×144 +bias relu6': () => {
    const x = tf.randomNormal([1, 56, 56, 144]), w = tf.randomNormal([3, 3, 144, 1]), bias = tf.randomNormal([144]);
    return kernel(() => tf.fused.depthwiseConv2d({x, filter: w, bias, strides: 1, pad: 'same', activation: 'relu6'}));
  },
  'depthwise 5x5 s2 28²×72 +bias relu6': () => {
    const x = tf.randomNormal([1, 28, 28, 72]), w = tf.randomNormal([5, 5, 72, 1]), bias = tf.randomNormal([72]);
    return kernel(() => tf.fused.depthwiseConv2d({x, filter: w, bias, strides: 2, pad: 'same', activation: 'relu6'}));
  },
  'conv 3x3 s2 224²×3→32': () => {
    const x = tf.randomNormal([1, 224, 224, 3]), w = tf.randomNormal([3, 3, 3, 32]);
    return kernel(() => tf.conv2d(x, w, 2, 'same'));
  },
  'matmul 1×1280 · 1280×1000': () => {
    const x = tf.randomNormal([1, 1280]), w = tf.randomNormal([1280, 1000]);
    return kernel(() => tf.matMul(x, w));
  },
  'maxPool 2x2 128²×64': () => {
    const x = tf.randomNormal([1, 128, 128, 64]);
    return kernel(() => tf.maxPool(x, 2, 2, 'valid'));
  },
  'add 56²×144': () => {
    const x = tf.randomNormal([1, 56, 56, 144]), y = tf.randomNormal([1, 56, 56, 144]);
    return kernel(() => tf.add(x, y));
  },
  'MobileNetV3-small (graph)': family('MobileNetV3-small', graphFamily),
  'MobileNetV3-small (layers)': family('MobileNetV3-small', layersFamily),
  'MobileNetV2 (layers)': family('MobileNetV2', layersFamily),
  'BlazeFace-like (graph)': family('BlazeFace-like', graphFamily),
};
const out = {};
for (const [name, make] of Object.entries(ops)) {
  if (!name.includes(${JSON.stringify(ONLY)})) continue;
  const [run, reps, isKernel = false] = await make();
  const time = () => {
    const started = performance.now();
    const y = run();
    // A model's outputs are read whole (it may give several); a kernel's one value, which runs it
    // without timing the copy of its output into a fresh array (whose page faults cost more than
    // the kernel on this VM).
    for (const t of [y].flat()) {
      if (isKernel) tf.tidy(() => tf.slice(tf.reshape(t, [-1]), 0, 1).dataSync());
      else t.dataSync();
    }
    const ms = performance.now() - started;
    tf.dispose(y);
    return ms;
  };
  // A kernel's first calls run before V8's optimizing tier has compiled it.
  for (let i = isKernel ? 10 : 1; i > 0; i--) time();
  const times = Array.from({length: reps}, time).sort((p, q) => p - q);
  out[name] = times[reps >> 1];
}
// Builds before igemmTileChoice() was exported had it as a getter of the backend.
const tile = (asc.igemmTileChoice?.() ?? tf.backend().igemmTileChoice).tile;
console.log(JSON.stringify({ms: out, tile}));
`;

const env = {...process.env, ASC_THREADS: process.env.ASC_THREADS ?? '1'};
const builds = {A: resolve(a, 'dist'), B: resolve(b, 'dist')};
const samples = {A: [], B: []};
let tiles = {};
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which build goes first.
  for (const build of round % 2 ? ['B', 'A'] : ['A', 'B']) {
    const line = execFileSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', timing(builds[build])],
        {encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'], cwd: resolve(new URL('..', import.meta.url).pathname)});
    const result = JSON.parse(line.trim().split('\n').pop());
    samples[build].push(result.ms);
    tiles = {...tiles, [build]: result.tile};
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS}\n`);
}
const rows = Object.keys(samples.A[0]).map((name) => {
  const msA = median(samples.A.map((s) => s[name])), msB = median(samples.B.map((s) => s[name]));
  // The ratio's median over rounds (each round's pair ran back to back).
  const ratio = median(samples.A.map((s, i) => samples.B[i][name] / s[name]));
  return {name, msA, msB, ratio};
});
console.log(`A: ${builds.A} (tile ${tiles.A}); B: ${builds.B} (tile ${tiles.B}); ${ROUNDS} rounds, ASC_THREADS=${env.ASC_THREADS}, ` +
    `Node ${process.version}`);
for (const r of rows) {
  console.log(`${r.name.padEnd(34)} A ${r.msA.toFixed(2).padStart(8)} ms   B ${r.msB.toFixed(2).padStart(8)} ms   B/A ${r.ratio.toFixed(3)}`);
}
const machine = {cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, threads: env.ASC_THREADS};
mkdirSync(new URL('./results/', import.meta.url), {recursive: true});
writeFileSync(new URL(`./results/ab-node${process.versions.node.split('.')[0]}.json`, import.meta.url),
    JSON.stringify({date: new Date().toISOString(), machine, builds, tiles, rounds: ROUNDS, rows}, null, 2) + '\n');
