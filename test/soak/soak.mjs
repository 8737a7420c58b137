// Soak: U-Net inferences with the input shape changing on every call, tiled segmentations with the
// image size and the strips changing, a mobile graph (MobileNetV3-small's fused ops) whose input size
// changes, so whole-graph capture records, replays and leaves plans, the same graph compiled (a trace
// per size), then training steps, on asc.
//   npm run soak -- [--inferences N] [--tiled N] [--mobile N] [--steps N] [--seed S] [--json FILE]
// After a warm-up that sees every shape once, tensors, bytes in use and the wasm memory's size must
// not change from call to call; after a full GC, the JS heap in use must not grow, nor the memory
// outside V8's heap (resident minus V8's committed heap, which V8 sizes by its own policy) in the
// second half of the run, nor resident memory past a bound. Exit 1 on any violation.
import * as tf from '@tensorflow/tfjs-core';
import {readFileSync, writeFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import {captureReport, compile} from '../../dist/index.js';
import {graphFamily} from '../../bench/model_families.mjs';
import {createUNet, syntheticTensors, UNet, UNetTrainer} from '../../dist/unet.js';
import {rng} from '../unit/helpers.mjs';

const {values: args} = parseArgs({options: {
  inferences: {type: 'string', default: '1000'},
  tiled: {type: 'string', default: '200'},
  mobile: {type: 'string', default: '1000'},
  steps: {type: 'string', default: '1000'},
  seed: {type: 'string', default: '1'},
  json: {type: 'string'},
}});
const inferences = Number(args.inferences);
const tiledRuns = Number(args.tiled);
const mobileRuns = Number(args.mobile);
const steps = Number(args.steps);
if (typeof globalThis.gc !== 'function') throw new Error('soak: run with --expose-gc (npm run soak does)');

/**
 * Growth allowed after warm-up. Resident memory rises early as the wasm memory's pages are first
 * touched and V8 commits a larger heap, then holds: over 20,000 inferences it stayed within 1 MiB
 * for the last 12,000. The second half of a run may add little outside V8's heap, the run as a
 * whole at most RSS_GROWTH_LIMIT.
 */
const RSS_GROWTH_LIMIT = 64 * 2 ** 20;
const LATE_NATIVE_GROWTH_LIMIT = 16 * 2 ** 20;
const HEAP_GROWTH_LIMIT = 8 * 2 ** 20;
const PROGRAM_BYTES_LIMIT = 32 * 2 ** 20;
/** Image sides (4 levels need 16; the odd ones take the resize path) and batch sizes inferences draw from. */
const SIDES = [16, 24, 33, 40, 48, 57, 64, 71, 80, 96, 100, 128];
const BATCHES = [1, 2];
/** Tiled runs: image sides and strip widths / rows per step (the plan's own choice too). */
const TILED_SIDES = [40, 57, 96];
const TILED_CUTS = [{stripWidth: 16, bandRows: 4}, {stripWidth: 48, bandRows: 16}, {}];
/** Training: a small U-Net, batches of 4, alternating between two image sizes. */
const TRAIN_FEATURES = [8, 16, 32, 64];
const TRAIN_SIDES = [32, 48];

const random = rng(Number(args.seed));
const pick = (list) => list[Math.floor(random() * list.length)];

/**
 * What must stay the same from call to call, and what may only drift within the limits. The
 * drop-in path's programs are a cache of at most PROGRAM_BYTES_LIMIT, whose arenas come and go as
 * plans of other shapes replace theirs: the bytes outside them stay the same.
 */
function measure() {
  const {numTensors, numBytes} = tf.memory();
  const {numBytesInWasm, numBytesInPrograms, wasmMemoryBytes} = tf.backend().memory();
  if (numBytesInPrograms > PROGRAM_BYTES_LIMIT && violations.length < 20) {
    violations.push(`programs' arenas hold ${numBytesInPrograms} bytes`);
  }
  return {numTensors, numBytes, numBytesOutsidePrograms: numBytesInWasm - numBytesInPrograms, wasmMemoryBytes};
}
function processMemory() {
  globalThis.gc();
  const {rss, heapUsed, heapTotal} = process.memoryUsage();
  return {rss, heapUsed, native: rss - heapTotal};
}

const violations = [];
function check(phase, index, baseline) {
  const now = measure();
  for (const key of Object.keys(baseline)) {
    if (now[key] !== baseline[key] && violations.length < 20) {
      violations.push(`${phase} ${index}: ${key} is ${now[key]}, was ${baseline[key]} after warm-up`);
    }
  }
}

/** Runs `count` calls of `call(i)` after `warmup` ones, checking after each; returns the figures. */
async function soak(phase, warmup, count, call) {
  for (let i = 0; i < warmup; i++) await call(i);
  const baseline = measure();
  const samples = [processMemory()];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await call(warmup + i);
    check(phase, i, baseline);
    if ((i + 1) % Math.max(1, Math.floor(count / 10)) === 0) samples.push(processMemory());
  }
  const ms = performance.now() - started;
  const first = samples[0];
  const middle = samples[Math.floor(samples.length / 2)];
  const last = samples[samples.length - 1];
  const mib = (key) => samples.map((s) => Math.round(s[key] / 2 ** 20));
  const figures = {
    phase, calls: count, warmup, msPerCall: Math.round((ms / count) * 10) / 10, ...baseline,
    rssMiB: mib('rss'), nativeMiB: mib('native'), heapMiB: mib('heapUsed'),
    rssGrowthBytes: last.rss - first.rss, lateNativeGrowthBytes: last.native - middle.native,
    heapGrowthBytes: last.heapUsed - first.heapUsed,
  };
  if (figures.rssGrowthBytes > RSS_GROWTH_LIMIT) violations.push(`${phase}: resident memory grew ${figures.rssGrowthBytes} bytes`);
  if (figures.lateNativeGrowthBytes > LATE_NATIVE_GROWTH_LIMIT) {
    violations.push(`${phase}: memory outside V8's heap grew ${figures.lateNativeGrowthBytes} bytes in the second half`);
  }
  if (figures.heapGrowthBytes > HEAP_GROWTH_LIMIT) violations.push(`${phase}: the JS heap grew ${figures.heapGrowthBytes} bytes`);
  console.log(`${phase}: ${count} calls after ${warmup} warm-up, ${figures.msPerCall} ms each; flat: ${baseline.numTensors} tensors, ` +
      `${baseline.numBytesOutsidePrograms} bytes in wasm outside programs, wasm memory ${baseline.wasmMemoryBytes} bytes; resident ` +
      `${figures.rssMiB.join(' ')} MiB (outside V8's heap ${figures.nativeMiB.join(' ')}), JS heap ${figures.heapMiB.join(' ')} MiB`);
  return figures;
}

await tf.setBackend('asc');
const results = [];

// Inference with the shipped model: every (side, batch) four times in a row as warm-up (each
// shape's plan is recorded, replayed, then its flush logged and recorded as a program), then drawn
// at random.
const model = UNet.fromSafetensors(readFileSync(new URL('../../assets/unet-cells.safetensors', import.meta.url)));
const shapes = SIDES.flatMap((side) => BATCHES.map((batch) => [batch, side]));
const inputFor = ([batch, side]) => {
  const values = new Float32Array(batch * side * side * 3);
  for (let i = 0; i < values.length; i++) values[i] = random();
  return tf.tensor4d(values, [batch, side, side, 3]);
};
if (inferences > 0) {
  const warmUp = 4 * shapes.length;
  results.push(await soak('inference', warmUp, inferences, async (i) => {
    const x = inputFor(i < warmUp ? shapes[i >> 2] : [pick(BATCHES), pick(SIDES)]);
    const y = model.predict(x);
    await y.data();
    tf.dispose([x, y]);
  }));
}
// Tiled segmentation from a source of rows: every (side, cut) once as warm-up, then drawn at random.
const tiledCases = TILED_SIDES.flatMap((side) => TILED_CUTS.map((cut) => [side, cut]));
if (tiledRuns > 0) {
  results.push(await soak('tiled', tiledCases.length, tiledRuns, async (i) => {
    const [side, cut] = i < tiledCases.length ? tiledCases[i] : [pick(TILED_SIDES), pick(TILED_CUTS)];
    const pixels = Uint8Array.from({length: side * side * 4}, () => Math.floor(random() * 256));
    const source = {width: side, height: side, channels: 4, rows: () => [pixels.subarray(0, side * 20 * 4), pixels.subarray(side * 20 * 4)]};
    await model.segmentTiled(source, {...cut, onMask: () => {}});
  }));
}
model.dispose();

// A mobile graph at input sizes drawn at random: each size's plan is recorded, then replayed fused.
const MOBILE_SIDES = [96, 128, 160, 224];
if (mobileRuns > 0) {
  const mobile = await graphFamily('MobileNetV3-small');
  const replaysBefore = captureReport().replays;
  // Per size: recorded, replayed and fused, then the kept fusion result's flush logged and recorded
  // as a program (flush_program.ts) in the warm-up; then program runs.
  const warmUpDropIn = 4 * MOBILE_SIDES.length;
  results.push(await soak('mobile graph', warmUpDropIn, mobileRuns, async (i) => {
    const side = i < warmUpDropIn ? MOBILE_SIDES[i % MOBILE_SIDES.length] : pick(MOBILE_SIDES);
    const x = tf.randomUniform([1, side, side, 3], 0, 1, 'float32', i);
    const y = mobile.predict(x);
    await y.data();
    tf.dispose([x, y]);
  }));
  // The same graph compiled (src/compile.ts): per size a trace, a replay logging its blocks and one
  // recording its program (the warm-up), then program runs.
  const compiled = compile((x) => mobile.predict(x));
  let uncompiled = 0, notPrograms = 0;
  const warmUp = 3 * MOBILE_SIDES.length;
  results.push(await soak('compiled mobile graph', warmUp, mobileRuns, async (i) => {
    const side = i < warmUp ? MOBILE_SIDES[i % MOBILE_SIDES.length] : pick(MOBILE_SIDES);
    const x = tf.randomUniform([1, side, side, 3], 0, 1, 'float32', i);
    const y = compiled(x);
    if (i >= MOBILE_SIDES.length && compiled.lastRun !== null) uncompiled++;
    if (i >= warmUp && compiled.lastProgram !== null) notPrograms++;
    await y.data();
    tf.dispose([x, y]);
  }));
  compiled.dispose();
  if (uncompiled > 0) violations.push(`compiled mobile graph: ${uncompiled} calls did not replay`);
  if (notPrograms > 0) violations.push(`compiled mobile graph: ${notPrograms} calls after the warm-up did not run a program`);
  mobile.dispose();
  const {replays, fusions} = captureReport();
  if (replays - replaysBefore < mobileRuns) violations.push(`mobile graph: ${replays - replaysBefore} replays in ${mobileRuns} runs`);
  console.log(`mobile graph: fusions so far ${JSON.stringify(fusions)}`);
}

// Training: Adam's moments are made on the first step; the warm-up runs each size 5 times (wasm tiers up).
if (steps > 0) {
  const trainer = new UNetTrainer(createUNet({inChannels: 3, outChannels: 1, features: TRAIN_FEATURES, seed: 1}), {learningRate: 1e-3});
  const batches = TRAIN_SIDES.map((side, k) => syntheticTensors(1, k * 4, 4, side));
  results.push(await soak('training', 5 * batches.length, steps, async (i) => {
    const loss = trainer.trainStep(...batches[i % batches.length]);
    if (!Number.isFinite(loss)) violations.push(`training ${i}: loss ${loss}`);
  }));
  trainer.dispose();
  tf.dispose(batches.flat());
}

if (args.json) writeFileSync(args.json, JSON.stringify({node: process.version, seed: args.seed, results, violations}, null, 2) + '\n');
for (const v of violations) console.log(`FAIL ${v}`);
console.log(violations.length === 0 ? 'soak: nothing grew' : `soak: ${violations.length} violations`);
process.exit(violations.length === 0 ? 0 : 1);
