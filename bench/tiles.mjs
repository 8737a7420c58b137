// Sweeps igemm microkernel variants for this host's flavor (x86 here; scripts/gen-igemm.mjs: tile rows
// MR, k unrolling, how A is broadcast). Each variant is built into build/tiles/ (as each build's only
// x86 tile, named MRx8-LOAD, which the timing forces), then timed on Conv2D at two U-Net 3x3 shapes and two
// mobile-net 1x1 shapes in interleaved rounds (one process per variant per round, so the machine's drift hits all alike),
// on one thread, with plain SIMD and with relaxed SIMD (fused multiply-add: no temporary register, so
// larger tiles fit); a variant's figure is the median over rounds. The default build is restored at the end.
// Usage: [ROUNDS=n] [SHAPES='[[size, in, out, filter], ...]'] node bench/tiles.mjs [MR-UNROLL-LOAD ...]
//   (default: 3 rounds, the lists below)
import {execFileSync} from 'node:child_process';
import {copyFileSync, mkdirSync} from 'node:fs';
import {median} from './median.mjs';

const VARIANTS = [['4', '4', 'splat'], ['6', '4', 'splat'], ['8', '4', 'splat'], ['4', '4', 'loadsplat'],
  ['6', '4', 'loadsplat'], ['7', '4', 'loadsplat'], ['8', '4', 'loadsplat']];
const variants = process.argv.length > 2 ? process.argv.slice(2).map((v) => v.split('-')) : VARIANTS;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
// [size, in channels, out channels, filter size]: the U-Net's 3x3 convolutions and a mobile net's 1x1 ones
// (few input channels at a large map; many at a small one).
const SHAPES = process.env.SHAPES ? JSON.parse(process.env.SHAPES) :
  [[128, 128, 128, 3], [64, 256, 256, 3], [112, 16, 96, 1], [14, 96, 576, 1]];
// The timing child process (one per variant per round) takes its median from the same module.
const MEDIAN_URL = new URL('./median.mjs', import.meta.url).href;
const timing = (bundle, tileName) => `
import * as tf from '@tensorflow/tfjs-core';
import '${bundle}';
import {median} from '${MEDIAN_URL}';
tf.env().set('ASC_IGEMM_TILE', '${tileName}');
const SHAPES = ${JSON.stringify(SHAPES)};
await tf.setBackend('asc');
const cases = SHAPES.map(([s, ci, co, k]) => [tf.randomUniform([1, s, s, ci]), tf.randomUniform([k, k, ci, co])]);
const conv = ([x, w]) => tf.conv2d(x, w, 1, 'same');
// Every shape once first, so the engine's optimizing tier reaches the first shape's timing too.
for (const c of cases) conv(c).dataSync();
const out = [];
for (const [i, [s, ci, co, k]] of SHAPES.entries()) {
  const times = [];
  for (let r = 0; r < 5; r++) {
    // Rounds of at least 20 ms, so a small convolution is timed over many calls.
    let calls = 0;
    const t = performance.now();
    do {
      conv(cases[i]).dispose();
      calls++;
    } while (performance.now() - t < 20);
    times.push((performance.now() - t) / calls);
  }
  out.push(2 * s * s * ci * co * k * k / median(times) / 1e6);
}
console.log(JSON.stringify(out));
`;
const run = (args, env = {}) => execFileSync(process.execPath, args,
    {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: {...process.env, ASC_THREADS: '1', ...env}});
const SIMD = {simd: {ASC_RELAXED_SIMD: '0'}, relaxed: {ASC_RELAXED_SIMD: '1'}};

const bundles = [];
try {
  for (const variant of variants) {
    run(['scripts/gen-igemm.mjs', ...['simd', 'relaxed'].flatMap((build) => [build, ...variant])]);
    run(['scripts/build-wasm.mjs', '--keep-tile']);
    run(['scripts/build-js.mjs']);
    const dir = `build/tiles/${variant.join('-')}`;
    mkdirSync(dir, {recursive: true});
    copyFileSync('dist/index.js', `${dir}/index.js`);
    bundles.push([variant, new URL(`../${dir}/index.js`, import.meta.url).href]);
  }
} finally {
  run(['scripts/gen-igemm.mjs']);
  run(['scripts/build-wasm.mjs', '--keep-tile']);
  run(['scripts/build-js.mjs']);
}
const results = new Map(bundles.flatMap(([variant]) => Object.keys(SIMD).map((simd) => [`${variant.join(' ')} ${simd}`, []])));
for (let round = 0; round < ROUNDS; round++) {
  for (const [variant, bundle] of bundles) {
    for (const [simd, env] of Object.entries(SIMD)) {
      const line = run(['--import', './cli/relaxed_simd.mjs', '--input-type=module', '-e', timing(bundle, `${variant[0]}x8-${variant[2]}`)], env);
      results.get(`${variant.join(' ')} ${simd}`).push(JSON.parse(line.trim().split('\n').pop()));
    }
  }
}
const label = ([s, ci, co, k]) => `${k}x${k} ${s}²×${ci}→${co}`;
console.log(`MR UNROLL LOAD SIMD          | Conv2D GFLOP/s (median of rounds): ${SHAPES.map(label).join('  ')}`);
for (const [variant, rounds] of results) {
  const cells = SHAPES.map((shape, i) => median(rounds.map((r) => r[i])).toFixed(1).padStart(label(shape).length + 2));
  console.log(`${variant.padEnd(28)} | ${' '.repeat(35)}${cells.join('')}`);
}
