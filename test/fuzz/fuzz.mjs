// Differential fuzzing of every kernel asc runs in WebAssembly against tfjs-backend-cpu:
//   npm run fuzz -- [--seed S] [--cases N] [--kernel K1,K2] [--case I] [--specials P] [--json FILE]
// Each case draws a random valid configuration (test/fuzz/cases.mjs) and one of four asc backends
// (plain or relaxed SIMD, 1 or 2 threads; the 2-thread ones split even the smallest kernel), runs
// the kernel on it and on cpu, and compares within the case's derived tolerance. A failure prints
// one line with the command that reruns exactly that case. Exit 1 on any mismatch or leak.
import * as tf from '@tensorflow/tfjs-core';
import {writeFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import {hasRelaxedSimd, registerAscBackend} from '../../dist/index.js';
import {KERNELS} from './cases.mjs';
import {caseRandom, chance, pick} from './draw.mjs';

const {values: args} = parseArgs({options: {
  seed: {type: 'string', default: '1'},
  cases: {type: 'string', default: '200'},
  kernel: {type: 'string'},
  case: {type: 'string'},
  specials: {type: 'string', default: '0.1'},
  json: {type: 'string'},
}});
const seed = args.seed;
const casesPerKernel = Number(args.cases);
const specialsRate = Number(args.specials);
const only = args.case == null ? null : Number(args.case);
const kernels = args.kernel == null ? KERNELS : args.kernel.split(',').map((name) => {
  const spec = KERNELS.find((k) => k.kernel === name);
  if (spec == null) throw new Error(`fuzz: no kernel '${name}'; kernels: ${KERNELS.map((k) => k.kernel).join(', ')}`);
  return spec;
});
if (!hasRelaxedSimd()) {
  throw new Error('fuzz: this engine does not run relaxed SIMD; on Node 20 run it with --import ./cli/relaxed_simd.mjs (npm run fuzz does)');
}

const VARIANTS = [
  {name: 'asc-simd-1t', options: {relaxedSimd: false, threads: 1}},
  {name: 'asc-simd-2t', options: {relaxedSimd: false, threads: 2, minParallelWork: 1}},
  {name: 'asc-relaxed-1t', options: {relaxedSimd: true, threads: 1}},
  {name: 'asc-relaxed-2t', options: {relaxedSimd: true, threads: 2, minParallelWork: 1}},
];
for (const {name, options} of VARIANTS) registerAscBackend(name, options);

/** Runs `kernel` on `backendName` with fresh input tensors; outputs come back as plain values. */
async function execute(backendName, kernel, inputs, attrs, list) {
  if (tf.getBackend() !== backendName) await tf.setBackend(backendName);
  const tensors = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype));
  try {
    const named = list ? tensors : Object.fromEntries(inputs.map((i, k) => [i.name, tensors[k]]));
    const out = tf.engine().runKernel(kernel, named, attrs);
    const outs = Array.isArray(out) ? out : [out];
    const results = outs.map((t) => ({shape: t.shape, dtype: t.dtype, values: t.dataSync()}));
    tf.dispose(outs);
    return results;
  } finally {
    tf.dispose(tensors);
  }
}

/** Runs a kernel on tfjs-backend-cpu. */
const runCpu = (kernel, inputs, attrs, list = false) => execute('cpu', kernel, inputs, attrs, list);

/** The reference outputs: tfjs-backend-cpu's kernel, or the case's own way to it (cases.mjs). */
const referenceOf = (spec, inputs, attrs) =>
  spec.reference ? spec.reference(runCpu, inputs, attrs) : runCpu(spec.kernel, inputs, attrs, spec.list);

/** Per output element, how far asc may be from cpu (see cases.mjs). */
async function tolerances(spec, drawn, reference) {
  const t = drawn.tolerance;
  const scale = t.scale ?? 1;
  const extra = (ref) => (t.ulps ? t.ulps * Math.max(Math.abs(ref), t.floor ?? 0) : 0);
  if (t.bound === 'exact') return reference.map((o) => new Float64Array(o.values.length));
  if (t.bound === 'ref') return reference.map((o) => Float64Array.from(o.values, (v) => 2 ** -23 * (t.terms * Math.abs(v) + extra(v))));
  if (t.bound === 'maxabs') {
    let max = 0;
    for (const v of drawn.inputs[0].values) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
    return reference.map((o) => Float64Array.from(o.values, (v) => 2 ** -23 * (t.terms * max + extra(v))));
  }
  const boundInputs = drawn.inputs.filter((i) => !(t.boundDrop ?? []).includes(i.name)).map((i) => {
    if ((t.keep ?? []).includes(i.name) || i.dtype === 'bool') return i;
    const negate = (t.negate ?? []).includes(i.name);
    return {...i, values: i.values.map((v) => (negate ? -Math.abs(v) : Math.abs(v)))};
  });
  const bound = await referenceOf(spec, boundInputs, {...drawn.attrs, ...t.boundAttrs});
  return bound.map((o, k) => Float64Array.from(o.values,
      (b, i) => 2 ** -23 * (t.terms * scale * b + extra(reference[k].values[i]))));
}

/** The first element where asc is out of tolerance, or null. */
function firstMismatch(reference, got, tol) {
  if (got.length !== reference.length) return `${got.length} outputs, cpu has ${reference.length}`;
  for (let k = 0; k < reference.length; k++) {
    const [ref, out] = [reference[k], got[k]];
    if (String(ref.shape) !== String(out.shape) || ref.dtype !== out.dtype) {
      return `output ${k} is ${out.dtype} [${out.shape}], cpu's ${ref.dtype} [${ref.shape}]`;
    }
    // Only the elements the shape holds (tfjs-backend-cpu's BatchMatMul returns extra NaNs for an empty batch).
    const size = ref.shape.reduce((a, b) => a * b, 1);
    if (out.values.length !== size) return `output ${k} has ${out.values.length} values for shape [${out.shape}]`;
    for (let i = 0; i < size; i++) {
      const [a, b] = [ref.values[i], out.values[i]];
      if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
      const allowed = tol[k][i] >= 0 ? tol[k][i] : 0;
      if (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= allowed) continue;
      return `output ${k}[${i}] is ${b} on asc, ${a} on cpu (allowed difference ${allowed.toExponential(2)})`;
    }
  }
  return null;
}

/** The case's configuration in a few words: variant, input shapes and dtypes, attrs. */
function describe(variant, drawn) {
  const inputs = drawn.inputs.map((i) => `${i.name}:${i.dtype === 'float32' ? '' : i.dtype}[${i.shape}]`).join(' ');
  return `${variant} ${inputs} ${JSON.stringify(drawn.attrs)}`;
}

async function runCase(spec, index) {
  const r = caseRandom(`${seed}:${spec.kernel}:${index}`);
  const variant = pick(r, VARIANTS).name;
  const specials = chance(r, specialsRate);
  const drawn = spec.draw(r, {specials});
  if (spec.output != null) {
    // An input that is another kernel's output on the same inputs (MaxPoolGrad's `output`).
    const from = drawn.inputs.filter((i) => spec.output.from.includes(i.name)).map((i) => ({...i, name: 'x'}));
    const [out] = await runCpu(spec.output.kernel, from, drawn.attrs);
    drawn.inputs.push({name: spec.output.name, ...out});
  }
  // Whether NaN or an infinity really reached an input (not every kernel's draw takes them).
  const nonFinite = drawn.inputs.some((i) => i.dtype === 'float32' && i.values.some((v) => !Number.isFinite(v)));
  const result = {variant, specials: nonFinite, description: describe(variant, drawn), threaded: false};
  let reference;
  try {
    reference = await referenceOf(spec, drawn.inputs, drawn.attrs);
  } catch (e) {
    return {...result, invalid: e.message};
  }
  const tol = await tolerances(spec, drawn, reference);
  if (tf.getBackend() !== variant) await tf.setBackend(variant);
  const runsBefore = tf.backend().parallelRuns;
  let got;
  // The direct path, then each other algorithm the case may take (cases.mjs: `paths`).
  for (const path of [{algorithm: false}, ...(drawn.paths ?? [])]) {
    tf.env().set('ASC_WINOGRAD', path.algorithm);
    try {
      got = await execute(variant, spec.kernel, drawn.inputs, drawn.attrs, spec.list);
    } catch (e) {
      return {...result, mismatch: `asc threw: ${e.message}`};
    } finally {
      tf.env().set('ASC_WINOGRAD', true);
    }
    result.threaded ||= tf.backend().parallelRuns > runsBefore;
    const scale = drawn.tolerance.scale ?? 1;
    const pathTol = path.bound == null ? tol : tol.map((t) => t.map((v, i) => v + scale * path.bound[i]));
    const mismatch = constantDataChange(variant) ?? firstMismatch(reference, got, pathTol);
    if (mismatch != null) return {...result, mismatch: path.algorithm ? `${path.algorithm}: ${mismatch}` : mismatch};
  }
  return result;
}

// Each backend's bytes in use before any case: they must be the same after all of them.
const baseline = new Map();
// Each module's constant data (below the heap): no kernel may write there.
const constantData = new Map();
for (const {name} of VARIANTS) {
  await tf.setBackend(name);
  baseline.set(name, tf.backend().memory().numBytesInWasm);
  constantData.set(name, new Uint8Array(tf.backend().wasmMemory.buffer, 0, tf.backend().wasm.heapBase()).slice());
}

/** Where a kernel wrote into the constant data of `variant`'s module (which is then restored), or null. */
function constantDataChange(variant) {
  const saved = constantData.get(variant);
  const now = new Uint8Array(tf.backend().wasmMemory.buffer, 0, saved.length);
  const at = now.findIndex((b, i) => b !== saved[i]);
  if (at < 0) return null;
  now.set(saved);
  return `wrote into the module's constant data at byte ${at}`;
}
const tensorsBefore = tf.memory().numTensors;

const rows = [];
let failures = 0;
for (const spec of kernels) {
  const row = {kernel: spec.kernel, cases: 0, mismatches: 0, invalid: 0, threaded: 0, specials: 0, ms: 0};
  const started = performance.now();
  const indices = only != null ? [only] : Array.from({length: casesPerKernel}, (_, i) => i);
  for (const index of indices) {
    const result = await runCase(spec, index);
    row.cases++;
    if (result.threaded) row.threaded++;
    if (result.specials) row.specials++;
    if (result.invalid) {
      row.invalid++;
      if (only != null || row.invalid === 1) console.log(`invalid ${spec.kernel} case ${index}: cpu threw: ${result.invalid}; ${result.description}`);
    }
    if (result.mismatch) {
      row.mismatches++;
      failures++;
      console.log(`FAIL ${spec.kernel} case ${index}: ${result.mismatch}; ${result.description}; ` +
          `rerun: npm run fuzz -- --seed ${seed} --kernel ${spec.kernel} --case ${index}`);
    } else if (only != null) {
      console.log(`ok ${spec.kernel} case ${index}: ${result.description}`);
    }
  }
  row.ms = Math.round(performance.now() - started);
  rows.push(row);
  if (only == null) {
    console.log(`${spec.kernel.padEnd(22)} ${String(row.cases).padStart(6)} cases  ${row.mismatches} mismatches  ` +
        `${row.threaded} on 2 threads  ${row.specials} with NaN/Inf  ${row.invalid} invalid  ${(row.ms / 1000).toFixed(1)} s`);
  }
}

const leaks = [];
if (tf.memory().numTensors !== tensorsBefore) leaks.push(`${tf.memory().numTensors - tensorsBefore} tensors`);
for (const [name, bytes] of baseline) {
  await tf.setBackend(name);
  const now = tf.backend().memory().numBytesInWasm;
  if (now !== bytes) leaks.push(`${name}: ${now - bytes} bytes of wasm memory`);
}
const total = rows.reduce((a, r) => a + r.cases, 0);
const invalid = rows.reduce((a, r) => a + r.invalid, 0);
console.log(`fuzz seed ${seed}: ${total} cases over ${rows.length} kernels, ${failures} mismatches, ${invalid} invalid draws, ` +
    `${leaks.length ? `LEAKED ${leaks.join(', ')}` : 'nothing leaked'}`);
if (args.json) {
  writeFileSync(args.json, JSON.stringify({seed, casesPerKernel, specialsRate, node: process.version, rows, leaks}, null, 2) + '\n');
}
process.exit(failures > 0 || invalid > 0 || leaks.length > 0 ? 1 : 0);
