// Kernel benchmark: Conv2D 3x3 and MaxPool 2x2 at the U-Net's level shapes, on asc,
// tfjs-backend-wasm (XNNPACK, SIMD, one thread) and tfjs-backend-cpu, in one process with benny.
// Each case calls the backend's kernel directly on inputs that already live in that backend.
// Usage: node bench/kernels.bench.mjs [--quick] [--backends=asc,wasm,cpu]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../dist/index.js';
import b from 'benny';
import {mkdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';

const quick = process.argv.includes('--quick');
const backendsArg = process.argv.find((a) => a.startsWith('--backends='));
const backends = backendsArg ? backendsArg.slice('--backends='.length).split(',') : ['asc', 'wasm', 'cpu'];

// [height = width, in channels, out channels]: the seed U-Net's 3x3 convolutions, level by level.
const CONV_SHAPES = [[256, 3, 64], [256, 64, 64], [128, 128, 128], [64, 256, 256], [32, 512, 512], [16, 512, 1024]];
// [height = width, channels]: the inputs of its four 2x2 max-pools.
const POOL_SHAPES = [[256, 64], [128, 128], [64, 256], [32, 512]];

const cases = [];
for (const [size, inC, outC] of quick ? CONV_SHAPES.slice(2, 4) : CONV_SHAPES) {
  cases.push({
    kernel: 'Conv2D', label: `Conv2D 3x3 ${size}x${size}x${inC}->${outC}`,
    inputs: {x: [1, size, size, inC], filter: [3, 3, inC, outC]},
    attrs: {strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1},
    flops: 2 * size * size * inC * outC * 9,
  });
}
for (const [size, channels] of quick ? POOL_SHAPES.slice(1, 2) : POOL_SHAPES) {
  cases.push({
    kernel: 'MaxPool', label: `MaxPool 2x2 ${size}x${size}x${channels}`,
    inputs: {x: [1, size, size, channels]}, attrs: {filterSize: 2, strides: 2, pad: 'valid'},
    flops: size * size * channels, // one comparison per input element
  });
}

/** Inputs created on `backendName`, so its kernel reads them where they live. */
async function inputsOn(backendName, shapes) {
  await tf.setBackend(backendName);
  const inputs = {};
  for (const [name, shape] of Object.entries(shapes)) inputs[name] = tf.randomUniform(shape, -1, 1, 'float32', 42);
  return inputs;
}

function kernelCall(backendName, c, inputs) {
  const backend = tf.findBackend(backendName);
  const {kernelFunc} = tf.getKernel(c.kernel, backendName);
  return () => {
    const out = kernelFunc({inputs, backend, attrs: c.attrs});
    backend.disposeData(out.dataId);
  };
}

const rows = [];
for (const c of cases) {
  const prepared = [];
  for (const backendName of backends) prepared.push([backendName, kernelCall(backendName, c, await inputsOn(backendName, c.inputs))]);
  // tfjs-backend-cpu takes seconds on the largest shapes: one sample is enough there.
  const slow = (name) => name === 'cpu' && c.flops > 1e9;
  await b.suite(c.label,
      ...prepared.map(([name, fn]) => b.add(name, () => fn, slow(name) ? {minSamples: 1, maxTime: 0.5} : {})),
      b.complete((summary) => {
        for (const r of summary.results) {
          const ms = r.details.median * 1000;
          rows.push({case: c.label, backend: r.name, ms, gflops: c.flops / (ms / 1000) / 1e9, samples: r.samples});
        }
      }));
}

console.log('\n' + ['case'.padEnd(34), ...backends.map((n) => `${n} ms`.padStart(11)),
  ...backends.map((n) => `${n} GFLOP/s`.padStart(14)), ...backends.slice(1).map((n) => `asc/${n}`.padStart(10))].join(''));
for (const c of cases) {
  const byBackend = Object.fromEntries(rows.filter((r) => r.case === c.label).map((r) => [r.backend, r]));
  console.log([c.label.padEnd(34), ...backends.map((n) => byBackend[n].ms.toFixed(2).padStart(11)),
    ...backends.map((n) => byBackend[n].gflops.toFixed(2).padStart(14)),
    ...backends.slice(1).map((n) => (byBackend.asc.ms / byBackend[n].ms).toFixed(2).padStart(10))].join(''));
}
console.log('(MaxPool "GFLOP/s" counts one comparison per input element; asc/x is the ratio of median times, < 1 is faster.)');

mkdirSync('bench/results', {recursive: true});
const machine = {cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.arch()}`};
writeFileSync('bench/results/kernels.json', JSON.stringify({date: new Date().toISOString(), machine, quick, rows}, null, 2) + '\n');
console.log('wrote bench/results/kernels.json');
