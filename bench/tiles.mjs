// Sweeps igemm microkernel variants for this host's flavor (x86 here; scripts/gen-igemm.mjs: tile rows
// MR, k unrolling, how A is broadcast). Each variant is built into build/tiles/, then timed on Conv2D 3x3 at two U-Net shapes
// in interleaved rounds (one process per variant per round, so the machine's drift hits all alike),
// on one thread, with plain SIMD and with relaxed SIMD (fused multiply-add: no temporary register, so
// larger tiles fit); a variant's figure is the median over rounds. The default build is restored at the end.
// Usage: [ROUNDS=n] node bench/tiles.mjs [MR-UNROLL-LOAD ...]  (default: 3 rounds, the list below)
import {execFileSync} from 'node:child_process';
import {copyFileSync, mkdirSync} from 'node:fs';

const VARIANTS = [['4', '4', 'splat'], ['5', '4', 'splat'], ['6', '4', 'splat'], ['6', '8', 'splat'], ['7', '4', 'splat'],
  ['8', '4', 'splat'], ['4', '4', 'loadsplat'], ['6', '4', 'loadsplat'], ['7', '4', 'loadsplat']];
const variants = process.argv.length > 2 ? process.argv.slice(2).map((v) => v.split('-')) : VARIANTS;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const timing = (bundle) => `
import * as tf from '@tensorflow/tfjs-core';
import '${bundle}';
await tf.setBackend('asc');
const out = [];
for (const [s, ci, co] of [[128, 128, 128], [64, 256, 256]]) {
  const x = tf.randomUniform([1, s, s, ci]);
  const w = tf.randomUniform([3, 3, ci, co]);
  tf.conv2d(x, w, 1, 'same').dispose();
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    tf.conv2d(x, w, 1, 'same').dispose();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  out.push(2 * s * s * ci * co * 9 / times[2] / 1e6);
}
console.log(JSON.stringify(out));
`;
const run = (args, env = {}) => execFileSync(process.execPath, args,
    {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: {...process.env, ASC_THREADS: '1', ...env}});
const SIMD = {plain: {ASC_RELAXED_SIMD: '0'}, relaxed: {ASC_RELAXED_SIMD: '1'}};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const bundles = [];
try {
  for (const variant of variants) {
    run(['scripts/gen-igemm.mjs', ...['x86', 'arm', 'x86-relaxed', 'arm-relaxed'].flatMap((f) => [f, ...variant])]);
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
      const line = run(['--import', './cli/relaxed_simd.mjs', '--input-type=module', '-e', timing(bundle)], env);
      results.get(`${variant.join(' ')} ${simd}`).push(JSON.parse(line.trim().split('\n').pop()));
    }
  }
}
console.log('MR UNROLL LOAD SIMD          | Conv2D 3x3 GFLOP/s: 128²×128→128   64²×256→256   (median of rounds)');
for (const [variant, rounds] of results) {
  const a = median(rounds.map((r) => r[0]));
  const b = median(rounds.map((r) => r[1]));
  console.log(`${variant.padEnd(28)} | ${a.toFixed(1).padStart(30)} ${b.toFixed(1).padStart(13)}`);
}
