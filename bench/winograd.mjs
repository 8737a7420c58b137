// Winograd against the direct GEMM, per 3x3 stride-1 convolution shape: each algorithm forced by
// ASC_WINOGRAD (a filter of its own each, so every one keeps its packed weights), interleaved rounds,
// effective GFLOP/s (the direct convolution's FLOPs over the time) and the share of the one-core
// peak; which algorithm the cost model (src/kernels/winograd.ts) picks for the shape and whether
// that was the fastest; and each algorithm's error against a float64 reference on the same data.
// Usage: npm run build && node --import ./cli/relaxed_simd.mjs bench/winograd.mjs [--threads N]
import * as tf from '@tensorflow/tfjs-core';
import {mkdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import {convAlgorithmOf, igemmTileChoice, registerAscBackend} from '../dist/index.js';
import {median} from './median.mjs';
import {measureYardsticks} from './peak.mjs';

const threads = process.argv.includes('--threads') ? Number(process.argv[process.argv.indexOf('--threads') + 1]) : 1;
registerAscBackend('asc-bench', {threads});
await tf.setBackend('asc-bench');
const backend = tf.backend();
const {simd, relaxed} = await measureYardsticks({quick: true});
const peak = Math.max(simd, relaxed ?? 0) * threads;
const ALGORITHMS = [false, 'F(2,3)', 'F(4,3)'];
const name = (a) => (a === false ? 'direct' : a);
// [size, in, out]: the seed U-Net's levels, then maps too small for tiles of 4.
const SHAPES = [[256, 64, 64], [128, 128, 128], [64, 256, 256], [32, 512, 512], [16, 512, 1024], [16, 1024, 512],
  [8, 512, 512], [4, 512, 512], [2, 512, 512], [128, 16, 16], [64, 8, 32]];

/** y = conv(x, w) in float64, NHWC / HWIO, 'same' padding: the reference for the error. */
function reference(x, w, s, ci, co) {
  const y = new Float64Array(s * s * co);
  for (let oy = 0; oy < s; oy++) {
    for (let ox = 0; ox < s; ox++) {
      for (let kh = 0; kh < 3; kh++) {
        const iy = oy + kh - 1;
        if (iy < 0 || iy >= s) continue;
        for (let kw = 0; kw < 3; kw++) {
          const ix = ox + kw - 1;
          if (ix < 0 || ix >= s) continue;
          for (let c = 0; c < ci; c++) {
            const xv = x[(iy * s + ix) * ci + c];
            const wo = ((kh * 3 + kw) * ci + c) * co;
            const yo = (oy * s + ox) * co;
            for (let o = 0; o < co; o++) y[yo + o] += xv * w[wo + o];
          }
        }
      }
    }
  }
  return y;
}

const rows = [];
for (const [s, ci, co] of SHAPES) {
  const x = tf.randomUniform([1, s, s, ci], -1, 1, 'float32', 1);
  const filters = ALGORITHMS.map((_, i) => tf.add(tf.randomUniform([3, 3, ci, co], -1, 1, 'float32', 2), 0));
  const run = (a, i) => {
    tf.env().set('ASC_WINOGRAD', a);
    const y = tf.conv2d(x, filters[i], 1, 'same');
    const values = y.dataSync();
    y.dispose();
    return values;
  };
  const outputs = ALGORITHMS.map(run);
  // Error against float64: max |y - exact| / max |exact| (the filters are copies of one another).
  const ref = reference(x.dataSync(), filters[0].dataSync(), s, ci, co);
  const errors = outputs.map((out) => {
    let err = 0, max = 0;
    for (let i = 0; i < ref.length; i++) {
      err = Math.max(err, Math.abs(out[i] - ref[i]));
      max = Math.max(max, Math.abs(ref[i]));
    }
    return err / max;
  });
  const times = ALGORITHMS.map(() => []);
  const rounds = s * s * ci * co > 1e8 ? 5 : 9;
  for (let r = 0; r < rounds; r++) {
    ALGORITHMS.forEach((a, i) => {
      const started = performance.now();
      run(a, i);
      times[i].push(performance.now() - started);
    });
  }
  const medians = times.map(median);
  tf.env().set('ASC_WINOGRAD', true);
  const auto = tf.randomUniform([3, 3, ci, co], -1, 1, 'float32', 3);
  tf.conv2d(x, auto, 1, 'same').dispose();
  const pick = convAlgorithmOf(auto) ?? 'direct';
  const fastest = name(ALGORITHMS[medians.indexOf(Math.min(...medians))]);
  const flops = 2 * s * s * 9 * ci * co;
  const row = {shape: `${s}²×${ci}→${co}`, pick, fastest, ms: {}, gflops: {}, ofPeak: {}, maxRelError: {}};
  ALGORITHMS.forEach((a, i) => {
    row.ms[name(a)] = medians[i];
    row.gflops[name(a)] = flops / medians[i] / 1e6;
    row.ofPeak[name(a)] = flops / medians[i] / 1e6 / peak;
    row.maxRelError[name(a)] = errors[i];
  });
  rows.push(row);
  console.log(`${row.shape.padEnd(16)} ${ALGORITHMS.map((a) => `${name(a)} ${row.ms[name(a)].toFixed(2)} ms ` +
      `${row.gflops[name(a)].toFixed(0)} GF/s (${(100 * row.ofPeak[name(a)]).toFixed(0)}%) err ${row.maxRelError[name(a)].toExponential(1)}`).join('  ')}` +
      `  picks ${pick}${pick === fastest ? '' : ` (fastest: ${fastest})`}`);
  tf.dispose([x, auto, ...filters]);
}
const machine = {cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, threads,
  igemmTile: igemmTileChoice(), relaxedSimd: backend.features.relaxedSimd};
mkdirSync(new URL('./results/', import.meta.url), {recursive: true});
const file = `winograd-node${process.versions.node.split('.')[0]}${threads > 1 ? `-${threads}t` : ''}.json`;
writeFileSync(new URL(`./results/${file}`, import.meta.url),
    JSON.stringify({date: new Date().toISOString(), machine, peakGflops: peak, rows}, null, 2) + '\n');
console.log(`peak ${peak.toFixed(1)} GFLOP/s; wrote bench/results/${file}`);
