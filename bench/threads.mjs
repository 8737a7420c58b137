// The whole U-Net on two threads: asc against onnxruntime-web and LiteRT.js (its threaded build), and
// asc on one thread for the scaling,
// in interleaved rounds, in a process of its own (onnxruntime-web fixes its thread count once per
// process; bench/run.mjs starts this and merges the rows). onnxruntime-web's workers are told not to spin after a run: spinning would take
// the second core from whichever backend runs next (its own time is the same either way).
// Usage: node --import ./cli/relaxed_simd.mjs bench/threads.mjs [--quick]; prints JSON rows.
import * as tf from '@tensorflow/tfjs-core';
import {registerAscBackend} from '../dist/index.js';
import * as ort from 'onnxruntime-web';
import {unetCases, unetFlops} from './cases.mjs';
import {loadLiteRtInNode} from './litert.mjs';
import {median} from './median.mjs';
import {unetRounds} from './unet_rounds.mjs';

const quick = process.argv.includes('--quick');
const THREADS = 2;
ort.env.wasm.numThreads = THREADS;
ort.env.logLevel = 'error';
registerAscBackend('asc-1t', {threads: 1});
registerAscBackend('asc-2t', {threads: THREADS});
await tf.setBackend('asc-2t');
await tf.backend().startThreads();
// LiteRT.js's threaded build needs relaxed SIMD (Node 20: --experimental-wasm-relaxed-simd).
const litert = tf.backend().features.relaxedSimd ? {name: 'litert-2t', threads: THREADS} : undefined;
if (litert) await loadLiteRtInNode({threads: true});

const rows = [];
for (const c of unetCases(quick)) {
  const flops = unetFlops(c.features, c.size);
  const times = await unetRounds(c, {
    backends: ['asc-1t', 'asc-2t'], ortName: 'onnxruntime-web-2t', litert, rounds: quick ? 3 : flops > 5e10 ? 5 : 7,
    sessionOptions: {intraOpNumThreads: THREADS, extra: {session: {intra_op: {allow_spinning: '0'}}}},
  });
  for (const [name, samples] of Object.entries(times)) {
    rows.push({case: c.label, backend: name, ms: median(samples), samples: samples.length, flops});
  }
}
console.log(JSON.stringify({threads: THREADS, rows}));
process.exit(0); // onnxruntime-web's workers would keep the process alive
