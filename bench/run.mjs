// The benchmark suite (npm run bench [-- --quick]): the yardsticks (SIMD peak, copy bandwidth),
// every hot kernel at the U-Net's level shapes and the whole U-Net, on asc (relaxed SIMD, one thread),
// asc with plain SIMD, asc on two threads, tfjs-backend-wasm (XNNPACK, SIMD, one thread),
// onnxruntime-web (wasm; the same U-Net and weights as an ONNX graph), LiteRT.js (XNNPACK; the same
// U-Net as a .tflite, bench/tflite_unet.mjs) and tfjs-backend-cpu: kernels as
// benny suites, whole models in interleaved rounds; the two-thread U-Net rounds (asc against
// onnxruntime-web) in a process of their own (bench/threads.mjs). Prints ms, GFLOP/s or GB/s, % of the
// measured yardstick and ratios; writes bench/results/latest.json (or quick.json) and the chart beside it.
// --training (with --quick: 2 rounds) measures the kernels of a U-Net training step instead, and whole
// training steps on asc (bench/results/training.json). --unet runs the yardsticks and the whole-U-Net
// rows only (bench/results/unet-node<major>.json: to compare Node versions on one machine). --models
// runs the real-model suite (bench/models.mjs), --tiled tiled U-Net inference (bench/tiled.mjs),
// --browser the U-Net against LiteRT.js in headless Chromium (bench/browser.mjs).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import {igemmTileChoice, registerAscBackend} from '../dist/index.js';
import b from 'benny';
import {execFileSync, spawnSync} from 'node:child_process';
import * as ort from 'onnxruntime-web';
import {mkdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import {kernelCases, trainingCases, unetCases, unetFlops} from './cases.mjs';
import {renderChart} from './chart.mjs';
import {measureYardsticks} from './peak.mjs';
import {loadLiteRtInNode} from './litert.mjs';
import {median} from './median.mjs';
import {unetRounds} from './unet_rounds.mjs';

// --models: the real-model suite instead (bench/models.mjs takes the other options); --tiled:
// tiled U-Net inference (bench/tiled.mjs); --browser: Chromium (bench/browser.mjs).
if (process.argv.includes('--models')) {
  await import('./models.mjs');
  process.exit();
}
if (process.argv.includes('--tiled')) {
  await import('./tiled.mjs');
  process.exit();
}
if (process.argv.includes('--browser')) {
  await import('./browser.mjs');
  process.exit();
}

const quick = process.argv.includes('--quick');
const withSlow = process.argv.includes('--with-slow');
const training = process.argv.includes('--training');
const unetOnly = process.argv.includes('--unet');
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
// 'asc': the best module this engine runs (relaxed SIMD here), one thread; two more asc backends
// for the plain-SIMD module and for two threads.
tf.env().set('ASC_THREADS', 1);
registerAscBackend('asc-plain', {relaxedSimd: false, threads: 1});
registerAscBackend('asc-2t', {threads: 2});
const ASC_BACKENDS = ['asc', 'asc-plain', 'asc-2t'];

const yardsticks = await measureYardsticks({quick});
console.log(`f32x4 mul+add peak: ${yardsticks.simd.toFixed(1)} GFLOP/s` +
    (yardsticks.relaxed ? `, relaxed_madd: ${yardsticks.relaxed.toFixed(1)} GFLOP/s` : ', relaxed SIMD: not in this engine') +
    `; copy: ${yardsticks.copy.gbps.toFixed(1)} GB/s (read + write)`);

const rows = [];
// The machine's one-core peak (fused multiply-add where the engine has it), times the threads a row used.
const bestPeak = Math.max(yardsticks.simd, yardsticks.relaxed ?? 0);
const peakFor = (backend) => bestPeak * (backend.endsWith('-2t') ? 2 : 1);
// This machine's speed drifts by tens of percent within seconds, so a kernel case is not one benny
// suite (all samples of one backend, then the next) but several short suites in rounds; a backend's
// figure is the median over rounds of its suite medians. A slow backend gets one sample, in the first
// round only; benchmark.js still times at least one full run.
const KERNEL_ROUNDS = quick ? 2 : 4;
const caseOptions = (slow) => (slow ? {minSamples: 1, maxTime: 0.1, initCount: 1} :
  quick ? {minSamples: 3, maxTime: 0.5} : {minSamples: 5, maxTime: 1.25});

async function suite(label, entries, measure) {
  const medians = new Map();
  const samples = new Map();
  for (let round = 0; round < KERNEL_ROUNDS; round++) {
    // Each round starts with another backend.
    const now = entries.map((_, i) => entries[(i + round) % entries.length]).filter(([, , slow]) => !slow || round === 0);
    await b.suite(`${label} (round ${round + 1} of ${KERNEL_ROUNDS})`,
        ...now.map(([name, fn, slow]) => b.add(name, () => fn, caseOptions(slow))),
        b.complete((summary) => {
          for (const r of summary.results) {
            medians.set(r.name, [...(medians.get(r.name) ?? []), r.details.median * 1000]);
            samples.set(r.name, (samples.get(r.name) ?? 0) + r.samples);
          }
        }));
  }
  for (const [name, list] of medians) {
    const ms = median(list);
    rows.push({case: label, backend: name, ms, samples: samples.get(name), ...measure(ms, name)});
  }
}

// ---- kernels: each backend's kernel called directly on inputs that live in that backend ----
async function inputsOn(backendName, c) {
  await tf.setBackend(backendName);
  if (backendName === 'asc-2t') await tf.backend().startThreads();
  const make = (name, shape) => {
    const t = tf.randomUniform(shape, -1, 1, 'float32', 42);
    return c.positive?.includes(name) ? tf.abs(t) : t;
  };
  if (Array.isArray(c.inputs)) return c.inputs.map((shape, i) => make(String(i), shape));
  return Object.fromEntries(Object.entries(c.inputs).map(([name, shape]) => [name, make(name, shape)]));
}

for (const c of training ? trainingCases() : unetOnly ? [] : kernelCases(quick)) {
  const entries = [];
  for (const name of [...ASC_BACKENDS, 'wasm', 'cpu']) {
    // tfjs-backend-cpu's gradient kernels take seconds a call: one sample, as for the big convolutions.
    const slow = name === 'cpu' && (training || (c.flops ?? 0) > 1e9);
    if (quick && !training && name === 'cpu') continue;
    const kernel = tf.getKernel(c.kernel, name);
    if (kernel == null) continue; // not every backend has every kernel
    const inputs = await inputsOn(name, c);
    const backend = tf.findBackend(name);
    entries.push([name, () => {
      // One output or several (SplitV); some backends return tracked tensors.
      for (const out of [kernel.kernelFunc({inputs, backend, attrs: c.attrs})].flat()) {
        if (out instanceof tf.Tensor) out.dispose();
        else backend.disposeData(out.dataId);
      }
    }, slow]);
  }
  await suite(c.label, entries, (ms, backend) => c.flops != null ?
    {gflops: c.flops / ms / 1e6, ofPeak: c.flops / ms / 1e6 / peakFor(backend)} :
    {gbps: c.bytes / ms / 1e6, ofCopy: c.bytes / ms / 1e6 / yardsticks.copy.gbps});
}

// ---- whole training steps (--training): the U-Net [16..128], 8 images of 64x64, interleaved rounds ----
if (training) {
  const {createUNet, syntheticTensors, UNetTrainer} = await import('../dist/unet.js');
  const label = 'U-Net [16..128] training step, 8×64²';
  const runners = [];
  // tfjs-backend-cpu is left out: one of its steps takes minutes. 'asc-direct': asc with Winograd off
  // (ASC_WINOGRAD=false during its steps), the direct GEMM every convolution took before.
  for (const [name, backend, winograd] of [['asc', 'asc', true], ['asc-direct', 'asc', false], ['asc-plain', 'asc-plain', true],
    ['asc-2t', 'asc-2t', true]]) {
    await tf.setBackend(backend);
    const model = createUNet({features: [16, 32, 64, 128], seed: 1});
    const trainer = new UNetTrainer(model);
    model.dispose();
    const [x, y] = syntheticTensors(1, 0, 8, 64);
    const step = () => {
      tf.env().set('ASC_WINOGRAD', winograd);
      trainer.trainStep(x, y);
      tf.env().set('ASC_WINOGRAD', true);
    };
    step();
    runners.push([name, () => {
      tf.setBackend(backend);
      step();
    }]);
  }
  const times = Object.fromEntries(runners.map(([name]) => [name, []]));
  for (let round = 0; round < (quick ? 3 : 5); round++) {
    for (const [name, run] of runners) {
      const started = performance.now();
      run();
      times[name].push(performance.now() - started);
    }
  }
  for (const [name, samples] of Object.entries(times)) rows.push({case: label, backend: name, ms: median(samples), samples: samples.length});
  console.log(`${label}: asc ${median(times.asc).toFixed(1)} ms, with Winograd off ${median(times['asc-direct']).toFixed(1)} ms ` +
      `(Winograd / direct ${(median(times.asc) / median(times['asc-direct'])).toFixed(2)})`);
}

// ---- the whole U-Net: same weights everywhere, interleaved rounds (bench/unet_rounds.mjs) ----
// LiteRT.js on one thread: its build without threads (relaxed SIMD where the engine has it).
if (!training) await loadLiteRtInNode();
for (const c of training ? [] : unetCases(quick)) {
  const flops = unetFlops(c.features, c.size);
  const withCpu = !quick && (flops <= 5e10 || withSlow);
  console.log(`Running "${c.label}" in rounds...`);
  const times = await unetRounds(c, {
    backends: ['asc', 'asc-plain', 'wasm', ...(withCpu ? ['cpu'] : [])], ortName: 'onnxruntime-web',
    litert: {name: 'litert', threads: 1},
    rounds: quick ? 3 : flops > 5e10 ? 5 : 7,
    skip: (name, round) => name === 'cpu' && round >= 2, // tens of seconds a run: two are enough
  });
  for (const [name, samples] of Object.entries(times)) {
    const ms = median(samples);
    rows.push({case: c.label, backend: name, ms, samples: samples.length, gflops: flops / ms / 1e6, ofPeak: flops / ms / 1e6 / peakFor(name)});
  }
}

// ---- the whole U-Net on two threads (a process of its own) ----
if (!training) {
  console.log('Running the U-Nets on two threads (bench/threads.mjs)...');
  const threaded = JSON.parse(execFileSync(process.execPath,
      [...process.execArgv, new URL('./threads.mjs', import.meta.url).pathname, ...(quick ? ['--quick'] : [])],
      {encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']}).trim().split('\n').pop());
  for (const r of threaded.rows) {
    rows.push({...r, gflops: r.flops / r.ms / 1e6, ofPeak: r.flops / r.ms / 1e6 / peakFor(r.backend)});
  }
}

// tfjs-backend-wasm's threaded build, tried in a process of its own: in Node it hands worker_threads a
// blob: URL and does not start (tfjs#3830), so it has no two-thread rows; the error is recorded.
function probeWasmThreads() {
  const source = `
    import * as tf from '@tensorflow/tfjs-core';
    import {setThreadsCount} from '@tensorflow/tfjs-backend-wasm';
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    setThreadsCount(2);
    const started = await tf.setBackend('wasm').catch(() => false);
    console.log(JSON.stringify({started}));`;
  const {stdout, stderr} = spawnSync(process.execPath, ['--input-type=module', '-e', source],
      {encoding: 'utf8', cwd: new URL('..', import.meta.url), timeout: 60000});
  const started = Boolean(JSON.parse(stdout.trim().split('\n').pop() || '{}').started);
  // tfjs logs why its initialization failed.
  return {started, error: started ? null : stderr.match(/\w*Error[^\n]*/)?.[0] ?? 'tf.setBackend(\'wasm\') failed'};
}
const wasmThreads = probeWasmThreads();
if (!wasmThreads.started) console.log(`tfjs-backend-wasm with threads did not start in Node: ${wasmThreads.error}`);

// ---- report ----
const cases = [...new Set(rows.map((r) => r.case))];
const backends = ['asc', 'asc-plain', 'asc-2t', 'wasm', 'onnxruntime-web', 'onnxruntime-web-2t', 'litert', 'litert-2t', 'cpu'];
const header = ['case'.padEnd(40), ...backends.map((n) => `${n} ms`.padStart(Math.max(12, n.length + 4))),
  'asc rate'.padStart(16), '% of yardstick'.padStart(15), 'asc/wasm'.padStart(9), 'asc/ort'.padStart(8),
  'asc/litert'.padStart(11), 'relaxed'.padStart(8), '2t/1t'.padStart(6), '2t/ort-2t'.padStart(10), '2t/litert-2t'.padStart(13)];
console.log('\n' + header.join(''));
for (const label of cases) {
  const by = Object.fromEntries(rows.filter((r) => r.case === label).map((r) => [r.backend, r]));
  const asc = by.asc ?? by['asc-2t'];
  const rate = asc.gflops != null ? `${asc.gflops.toFixed(1)} GFLOP/s` : asc.gbps != null ? `${asc.gbps.toFixed(1)} GB/s` : '–';
  const share = asc.ofPeak ?? asc.ofCopy ? ((asc.ofPeak ?? asc.ofCopy) * 100).toFixed(0) + '%' : '–';
  const ratio = (a, b) => (by[a] && by[b] ? (by[a].ms / by[b].ms).toFixed(2) : '-');
  console.log([label.padEnd(40), ...backends.map((n) => (by[n] ? by[n].ms.toFixed(2) : '-').padStart(Math.max(12, n.length + 4))),
    rate.padStart(16), share.padStart(15), ratio('asc', 'wasm').padStart(9), ratio('asc', 'onnxruntime-web').padStart(8),
    ratio('asc', 'litert').padStart(11), ratio('asc-plain', 'asc').padStart(8),
    (by['asc-1t'] ? ratio('asc-1t', 'asc-2t') : ratio('asc', 'asc-2t')).padStart(6),
    ratio('asc-2t', 'onnxruntime-web-2t').padStart(10), ratio('asc-2t', 'litert-2t').padStart(13)].join(''));
}
console.log('asc: relaxed SIMD where the engine has it, one thread; asc-plain: plain SIMD; -2t: two threads. ' +
    'asc/x and 2t/ort-2t: ratio of median times (< 1: asc is faster); relaxed: plain time / relaxed time; ' +
    '2t/1t: one-thread time / two-thread time (the scaling; for the U-Nets both from bench/threads.mjs). % of yardstick: of the one-core peak (relaxed_madd ' +
    'where the engine has it, else mul+add; GFLOP/s) or of the copy bandwidth (GB/s, bytes read + written).');

const machine = {cpu: os.cpus()[0]?.model, cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version, platform: `${os.platform()} ${os.arch()}`};
const ascFeatures = {...tf.findBackend('asc').features, igemmTile: igemmTileChoice('asc')};
const result = {date: new Date().toISOString(), machine, quick, yardsticks, ascFeatures, wasmThreads, rows};
mkdirSync(new URL('./results/', import.meta.url), {recursive: true});
const name = training ? 'training' : unetOnly ? `unet-node${process.versions.node.split('.')[0]}` : quick ? 'quick' : 'latest';
writeFileSync(new URL(`./results/${name}.json`, import.meta.url), JSON.stringify(result, null, 2) + '\n');
if (!training) writeFileSync(new URL(`./results/${name}.svg`, import.meta.url), renderChart(result));
console.log(`wrote bench/results/${name}.json${training ? '' : ` and ${name}.svg`}`);
