// Real models on asc against tfjs-backend-wasm, LiteRT.js and tfjs-backend-cpu: the pretrained tfjs
// models that npm packages ship (bench/model_packages.mjs) and mobile architecture families with
// seeded weights, each as a tfjs-layers model, as fused ops in tfjs-converter's form and, for
// LiteRT.js, as a .tflite of the same fused graph (bench/model_families.mjs).
// Usage: npm run bench -- --models [--quick] [--only <substring>] [--json file]
//   (or node --import ./cli/relaxed_simd.mjs bench/models.mjs ...); writes bench/results/models-node<major>.json.
// Per model: ms per inference on asc with 1 and 2 threads (and on one thread op by op, whole-graph
// capture off, with what the plan fused per inference), on tfjs-backend-wasm (one thread: its
// threads do not start in Node) and, for the families' graphs, on LiteRT.js with 1 and 2 threads
// (its threaded build needs relaxed SIMD: one thread only without it), in interleaved rounds
// (median), LiteRT.js's outputs checked against asc's first; tfjs-backend-cpu runs once, as the
// reference: the largest difference of every output from it, relative to the output's largest
// magnitude; and the share of asc's kernel time (tf.profile) that ran in JavaScript, with the kernels.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import {captureReport, compile, hasRelaxedSimd, igemmTileChoice, jsFallbackReport, registerAscBackend, resetCaptureReport,
  resetJsFallbackReport} from '../dist/index.js';
import {mkdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import {parseArgs} from 'node:util';
import {compileTflite, loadLiteRtInNode, runTfliteOutputs} from './litert.mjs';
import {FAMILIES, graphFamily, layersFamily, tfliteFamily} from './model_families.mjs';
import {loadModel, PACKAGE_MODELS} from './model_packages.mjs';
import {median} from './median.mjs';

const {values: args} = parseArgs({options: {
  quick: {type: 'boolean'}, only: {type: 'string'}, json: {type: 'string'}, 'no-cpu': {type: 'boolean'},
  models: {type: 'boolean'}, // from npm run bench -- --models
}, allowPositionals: true});
const ROUNDS = args.quick ? 3 : 7;
/** Untimed inferences of every runner before the rounds. */
const WARM_UP = 4;
// asc as a user gets it (whole-graph capture: repeated inferences run deferred and fused), and one
// thread op by op (capture off) to show what the plan gains.
// compile() of each model's predict on one and two threads (src/compile.ts) runs beside them.
const TIMED = ['asc-1t', 'asc-2t', 'asc-1t-ops', 'wasm'];

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
registerAscBackend('asc-1t', {threads: 1});
registerAscBackend('asc-2t', {threads: 2});
registerAscBackend('asc-1t-ops', {threads: 1, capture: false});
await tf.setBackend('asc-2t');
await tf.backend().startThreads();
const LITERT_THREADS = hasRelaxedSimd() ? [1, 2] : [1];
await loadLiteRtInNode({threads: LITERT_THREADS.length > 1});

/** Every model of the suite: a name, its input shape, and a loader that builds it on the active backend. */
function suite() {
  const models = PACKAGE_MODELS.map((m) => {
    let read = null; // the files are read once, then loaded on each backend
    return {name: m.name, source: m.source, input: m.input, load: async () => {
      read ??= m.read();
      const model = await loadModel(read);
      return {predict: (x) => model.predict(x), dispose: () => model.dispose()};
    }};
  });
  for (const [name, {input}] of Object.entries(FAMILIES)) {
    models.push({name: `${name} (layers)`, source: 'built, tfjs-layers', input, load: () => layersFamily(name)});
    models.push({name: `${name} (graph)`, source: 'built, fused ops', input, load: async () => graphFamily(name),
      tflite: () => tfliteFamily(name)});
  }
  return args.only ? models.filter((m) => m.name.toLowerCase().includes(args.only.toLowerCase())) : models;
}

/** Seeded input in [0, 1) (images) on the active backend. */
const inputFor = (shape) => tf.randomUniform(shape, 0, 1, 'float32', 7);

async function outputs(model, x) {
  const ys = [model.predict(x)].flat();
  const values = await Promise.all(ys.map((y) => y.data()));
  tf.dispose(ys);
  return values;
}

/** max |a - b| / max |b| over each output; the largest over outputs. */
function relativeError(got, want) {
  let worst = 0;
  want.forEach((w, k) => {
    let diff = 0, scale = 0;
    for (let i = 0; i < w.length; i++) {
      diff = Math.max(diff, Math.abs(got[k][i] - w[i]));
      scale = Math.max(scale, Math.abs(w[i]));
    }
    worst = Math.max(worst, scale > 0 ? diff / scale : diff);
  });
  return worst;
}

/** The model's .tflite compiled for LiteRT.js on each thread count, checked against asc's outputs `want`: runners by name. */
async function litertRunners(spec, x, want) {
  const values = x.dataSync();
  const runners = {};
  let error = 0;
  for (const threads of LITERT_THREADS) {
    const compiled = await compileTflite(spec.tflite(), threads);
    const run = () => runTfliteOutputs(compiled, values, spec.input);
    error = Math.max(error, relativeError(await run(), want));
    runners[`litert-${threads}t`] = {run, dispose: () => compiled.delete()};
  }
  if (!(error <= 1e-4)) throw new Error(`${spec.name}: LiteRT.js's outputs differ from asc's by ${error} of their largest`);
  return {runners, error};
}

async function measure(spec) {
  const loaded = {};
  for (const backend of TIMED) {
    await tf.setBackend(backend);
    const model = await spec.load();
    const x = inputFor(spec.input);
    await outputs(model, x); // warm-up: weights packed, pipelines made
    loaded[backend] = {model, x};
  }
  const runners = Object.fromEntries(TIMED.map((backend) => [backend, {run: () => {
    tf.setBackend(backend);
    return outputs(loaded[backend].model, loaded[backend].x);
  }}]));
  // compile() of the model's predict on one and two threads: traced here, then replayed until the
  // replays became a program (src/graph/program.ts: two replays, more where the first ones fold or
  // pack weights), the program run in the rounds. A model that cannot be replayed (lastRun says
  // why) has no compiled rows.
  const compiledOut = {};
  let notCompiled = null;
  let program = null;
  for (const backend of ['asc-1t', 'asc-2t']) {
    tf.setBackend(backend);
    const predict = compile((x) => loaded[backend].model.predict(x));
    for (let call = 0; call < 8; call++) {
      await outputs({predict}, loaded[backend].x);
      if (call > 0 && (predict.lastRun !== null || predict.lastProgram === null)) break;
    }
    compiledOut[backend] = await outputs({predict}, loaded[backend].x);
    notCompiled ??= predict.lastRun;
    if (backend === 'asc-1t') program = {status: predict.lastProgram, arenaBytes: predict.arenaBytes};
    if (predict.lastRun !== null) continue;
    runners[`${backend}-compiled`] = {run: () => {
      tf.setBackend(backend);
      return outputs({predict}, loaded[backend].x);
    }, dispose: () => predict.dispose()};
  }
  tf.setBackend('asc-1t');
  const ascOut = await outputs(loaded['asc-1t'].model, loaded['asc-1t'].x);
  // Compiled and drop-in run the same fused kernels: their outputs agree to the last bit, or nearly.
  const compiledError = Math.max(relativeError(compiledOut['asc-1t'], ascOut), relativeError(compiledOut['asc-2t'], ascOut));
  if (!(compiledError <= 1e-5)) throw new Error(`${spec.name}: the compiled predict's outputs differ from asc's by ${compiledError}`);
  let litertError = null;
  if (spec.tflite) {
    const litert = await litertRunners(spec, loaded['asc-1t'].x, ascOut);
    Object.assign(runners, litert.runners);
    litertError = litert.error;
  }
  const names = Object.keys(runners);
  const times = Object.fromEntries(names.map((name) => [name, []]));
  // Every runner's first inferences untimed: a model is timed as an application runs it, again and
  // again (asc's drop-in path makes its inference a program on the fourth; the first inference's
  // cost is in docs/webgpu.md#warm-up).
  for (let i = 0; i < WARM_UP; i++) for (const name of names) await runners[name].run();
  resetCaptureReport('asc-1t');
  resetCaptureReport('asc-2t');
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]; // each round starts with another runner
      const started = performance.now();
      await runners[name].run();
      times[name].push(performance.now() - started);
    }
  }
  for (const runner of Object.values(runners)) runner.dispose?.();
  // What the plan did per replayed inference on one thread: calls deferred and run, fusions fired.
  const report = captureReport('asc-1t');
  const perReplay = (n) => (report.replays > 0 ? Math.round((10 * n) / report.replays) / 10 : 0);
  // On two threads: the program runs a worker began while the calls were deferred (graph/flush_program.ts).
  const twoThreads = captureReport('asc-2t');
  const capture = {replays: report.replays, programRuns: report.programRuns, bypassed: report.bypassed, divergences: report.divergences,
    programRuns2t: twoThreads.programRuns, programsLed2t: twoThreads.programsLed,
    deferredCalls: perReplay(report.deferredCalls), ranCalls: perReplay(report.ranCalls),
    fusions: Object.fromEntries(Object.entries(report.fusions).map(([k, n]) => [k, perReplay(n)]).filter(([, n]) => n > 0))};
  // The bytes one inference holds at its peak in wasm memory beyond what was held before it, planned
  // (capture) and op by op.
  const peakBytes = {};
  for (const backend of ['asc-1t', 'asc-1t-ops']) {
    tf.setBackend(backend);
    const before = tf.backend().memory().numBytesInWasm;
    tf.backend().resetPeakMemory();
    await outputs(loaded[backend].model, loaded[backend].x);
    peakBytes[backend] = tf.backend().memory().peakBytesInWasm - before;
  }
  // asc's kernels by tf.profile, and what of them ran in JavaScript.
  tf.setBackend('asc-1t');
  resetJsFallbackReport('asc-1t');
  const profile = await tf.profile(() => loaded['asc-1t'].model.predict(loaded['asc-1t'].x));
  tf.dispose(profile.result);
  const kernelMs = profile.kernels.filter((k) => !k.name.endsWith('__op')).reduce((s, k) => s + k.kernelTimeMs, 0);
  const inJs = jsFallbackReport('asc-1t');
  const jsMs = inJs.reduce((s, k) => s + k.ms, 0);
  const ascOut2t = (tf.setBackend('asc-2t'), await outputs(loaded['asc-2t'].model, loaded['asc-2t'].x));
  const wasmOut = (tf.setBackend('wasm'), await outputs(loaded.wasm.model, loaded.wasm.x));
  for (const {model, x} of Object.values(loaded)) {
    model.dispose();
    x.dispose();
  }
  let cpu = null;
  if (!args['no-cpu']) {
    await tf.setBackend('cpu');
    const model = await spec.load();
    const x = inputFor(spec.input);
    const started = performance.now();
    const want = await outputs(model, x);
    cpu = {ms: performance.now() - started, errorAsc: relativeError(ascOut, want), errorAsc2t: relativeError(ascOut2t, want),
      errorWasm: relativeError(wasmOut, want)};
    model.dispose();
    x.dispose();
  }
  const ms = Object.fromEntries(names.map((name) => [name, median(times[name])]));
  return {name: spec.name, source: spec.source, input: spec.input, ms, samples: ROUNDS, cpu, litertError, compiledError, notCompiled, program,
    capture, peakBytes,
    kernelMs, jsMs,
    jsShare: kernelMs > 0 ? jsMs / kernelMs : 0, jsKernels: inJs.map((k) => `${k.kernel} ${k.ms.toFixed(1)} ms`)};
}

const rows = [];
for (const spec of suite()) {
  console.log(`${spec.name}...`);
  const row = await measure(spec);
  rows.push(row);
  const f = (v) => v.toFixed(v >= 100 ? 0 : 1);
  const litert = LITERT_THREADS.filter((t) => row.ms[`litert-${t}t`] != null).map((t) =>
    `, LiteRT.js ${t}t ${f(row.ms[`litert-${t}t`])} (asc/LiteRT.js ${(row.ms[`asc-${t}t`] / row.ms[`litert-${t}t`]).toFixed(2)})`).join('');
  const fused = Object.entries(row.capture.fusions).map(([k, n]) => `${k} ${n}`).join(', ') ||
      (row.capture.bypassed > 0 ? 'none: plan idle, op by op' : 'none');
  const mb = (b) => (b / 2 ** 20).toFixed(1);
  console.log(`  asc ${f(row.ms['asc-1t'])} ms (op by op ${f(row.ms['asc-1t-ops'])}; ${row.capture.ranCalls} of ` +
      `${row.capture.deferredCalls} deferred calls ran, fused: ${fused}; ${row.capture.programRuns} of ` +
      `${row.capture.replays} replays as programs; peak ${mb(row.peakBytes['asc-1t'])} MiB, ` +
      `op by op ${mb(row.peakBytes['asc-1t-ops'])}), 2 threads ${f(row.ms['asc-2t'])} (${row.capture.programsLed2t} of ` +
      `${row.capture.programRuns2t} programs run by a worker ahead of the read), ` +
      (row.notCompiled ? `not compiled (${row.notCompiled})` : `compiled ${f(row.ms['asc-1t-compiled'])} ` +
      `(2 threads ${f(row.ms['asc-2t-compiled'])}, vs drop-in ${row.compiledError.toExponential(1)}, ` +
      (row.program.status == null ? `a program, arena ${mb(row.program.arenaBytes)} MiB)` : `${row.program.status})`)) + `, tfjs-wasm ${f(row.ms.wasm)}${litert}: ` +
      `asc/wasm ${(row.ms['asc-1t'] / row.ms.wasm).toFixed(2)}; cpu ${row.cpu ? `${f(row.cpu.ms)} ms, error ${row.cpu.errorAsc.toExponential(1)}` : '-'}; ` +
      `JS ${(100 * row.jsShare).toFixed(1)}%${row.jsKernels.length ? ` (${row.jsKernels.slice(0, 4).join(', ')})` : ''}`);
}
// The per-call cost on tiny tensors (a squeeze-excite block's), in microseconds: asc against
// tfjs-backend-wasm, the same inputs living in each; interleaved rounds, medians. asc is the default
// backend a user gets (tensors this small never split across threads): the one-thread backend above
// shares its kernel functions with the two-thread one, which makes V8's caches in them polymorphic.
async function perCall() {
  const ops = {}, inputs = [];
  for (const backend of ['asc', 'wasm']) {
    await tf.setBackend(backend);
    const [a, b, x, w] = [tf.randomUniform([1, 1, 1, 64]), tf.randomUniform([1, 1, 1, 64]), tf.randomUniform([1, 7, 7, 64]),
      tf.randomUniform([1, 1, 64, 16])];
    inputs.push(a, b, x, w);
    ops[backend] = {'Add [1,1,1,64]': () => tf.add(a, b), 'Relu [1,1,1,64]': () => tf.relu(a),
      'Multiply [1,7,7,64] x [1,1,1,64]': () => tf.mul(x, a), 'Mean [1,7,7,64] over H, W': () => tf.mean(x, [1, 2], true),
      'Conv2D 1x1 [1,1,1,64] -> 16': () => tf.conv2d(a, w, 1, 'same')};
    for (const op of Object.values(ops[backend])) for (let i = 0; i < 2000; i++) op().dispose();
  }
  const samples = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const backend of round % 2 ? ['wasm', 'asc'] : ['asc', 'wasm']) {
      tf.setBackend(backend);
      for (const [name, op] of Object.entries(ops[backend])) {
        const started = performance.now();
        for (let i = 0; i < 10000; i++) op().dispose();
        ((samples[name] ??= {})[backend] ??= []).push((performance.now() - started) / 10000 * 1000);
      }
    }
  }
  tf.dispose(inputs);
  return Object.fromEntries(Object.entries(samples).map(([name, times]) =>
    [name, Object.fromEntries(Object.entries(times).map(([backend, t]) => [backend, median(t)]))]));
}
const tiny = await perCall();
for (const [name, us] of Object.entries(tiny)) {
  console.log(`per call, ${name}: asc ${us.asc.toFixed(2)} us, tfjs-wasm ${us.wasm.toFixed(2)} us`);
}

const geomeanOf = (ratios) => Math.exp(ratios.reduce((s, v) => s + Math.log(v), 0) / ratios.length);
const ratios = rows.map((r) => r.ms['asc-1t'] / r.ms.wasm);
const geomean = geomeanOf(ratios);
console.log(`geomean asc/tfjs-wasm (one thread): ${geomean.toFixed(2)} over ${rows.length} models; slowest ratio ` +
    `${Math.max(...ratios).toFixed(2)}`);
// asc against LiteRT.js on the families' graphs, per thread count.
const geomeanLitert = {};
for (const threads of LITERT_THREADS) {
  const withLitert = rows.filter((r) => r.ms[`litert-${threads}t`] != null);
  if (withLitert.length === 0) continue;
  for (const form of ['', '-compiled']) {
    const vs = withLitert.filter((r) => r.ms[`asc-${threads}t${form}`] != null).map((r) => r.ms[`asc-${threads}t${form}`] / r.ms[`litert-${threads}t`]);
    geomeanLitert[`${threads}t${form}`] = geomeanOf(vs);
    console.log(`geomean asc${form ? ' compiled' : ''}/LiteRT.js (${threads} thread${threads > 1 ? 's' : ''}): ` +
        `${geomeanOf(vs).toFixed(2)} over ${vs.length} models; slowest ratio ${Math.max(...vs).toFixed(2)}`);
  }
}

const machine = {cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.arch()}`,
  igemmTile: igemmTileChoice('asc-1t')};
const result = {date: new Date().toISOString(), machine, quick: Boolean(args.quick), rounds: ROUNDS, geomean, geomeanLitert, rows,
  perCall: tiny};
const file = args.json ?? new URL(`./results/models-node${process.versions.node.split('.')[0]}.json`, import.meta.url).pathname;
mkdirSync(new URL('./results/', import.meta.url), {recursive: true});
writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
console.log(`wrote ${file}`);
process.exit(0); // LiteRT.js's worker threads would keep the process alive
