// Graph fuzzer for whole-graph capture: random DAGs of the ops the fusion passes rewrite
// (convolutions plain and fused, depthwise, matmul, bias adds, batch norms, activations, hard-swish in three
// spellings and one they must not fuse, residual adds, squeeze-excite blocks and forms of them that
// must not fuse, scalar products, concatenations, work nothing reads), some
// intermediates kept as outputs so that fusing them away would be wrong. Each graph runs on
// tfjs-backend-cpu, on asc op by op (capture off), and eight times on asc with capture (recorded,
// replayed and fused, replayed on the fusion result kept from that flush, replayed holding one more
// intermediate, replayed as before, then three more: the kept result's flush logged, recorded as a
// program, run as the program: on two threads or more a worker runs it while the calls are deferred)
// and five times compiled (traced, replayed logging its blocks, replayed
// recording its program, the program run twice): the fused outputs must equal op by op's bit for bit (the fusions
// keep the roundings) unless a batch norm was folded into weights, and be within the tolerance of cpu.
// Usage: node test/fuzz/graph_fuzz.mjs [--graphs N] [--seed S]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {captureReport, compile, registerAscBackend} from '../../dist/index.js';
import {parseArgs} from 'node:util';
import {rng} from '../unit/helpers.mjs';

const {values: args} = parseArgs({options: {graphs: {type: 'string', default: '300'}, seed: {type: 'string', default: '1'}}});
const GRAPHS = Number(args.graphs);

registerAscBackend('asc-ops', {capture: false, minParallelWork: 1});
registerAscBackend('asc-plan', {capture: true, minParallelWork: 1});

const ACTS = ['linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu'];
const pick = (random, list) => list[Math.floor(random() * list.length)];

/** A random graph: a function of the input that builds its weights (seeded) on the active backend. */
function drawGraph(random) {
  const size = pick(random, [5, 8, 9, 12]), channels = pick(random, [1, 3, 4, 8]);
  const steps = [];
  const count = 3 + Math.floor(random() * 9);
  for (let i = 0; i < count; i++) steps.push({op: pick(random, ['conv', 'conv', 'dw', 'matmul', 'bias', 'act', 'hswish',
    'hswish', 'residual', 'se', 'scale', 'unused', 'bn', 'bn', 'concat']), r: Array.from({length: 8}, () => random())});
  const keep = steps.map(() => random() < 0.15);
  return {input: [1, size, size, channels], steps, keep, seed: Math.floor(random() * 2 ** 31)};
}

/** Builds `graph` on the active backend: returns predict(x) and the weights to dispose. */
function buildGraph(graph) {
  const random = rng(graph.seed);
  const weights = [];
  const w = (shape, scale = 1) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(Float32Array.from({length: n}, () => (random() * 2 - 1) * scale), shape);
    weights.push(t);
    return t;
  };
  const layers = [];
  let shape = graph.input.slice();
  for (const {op, r} of graph.steps) {
    const c = shape[3];
    const act = ACTS[Math.floor(r[1] * ACTS.length)];
    const alpha = 0.1 + r[2] * 0.2;
    if (op === 'conv') {
      const k = r[3] < 0.5 ? 1 : 3, stride = r[4] < 0.8 ? 1 : 2, filters = 1 + Math.floor(r[5] * 16);
      const filter = w([k, k, c, filters], 1 / Math.sqrt(k * k * c)), bias = r[6] < 0.7 ? w([filters], 0.5) : undefined;
      const plain = r[0] < 0.3;
      layers.push((x) => (plain ? tf.conv2d(x, filter, stride, 'same') :
        tf.fused.conv2d({x, filter, strides: stride, pad: 'same', bias, activation: act, leakyreluAlpha: alpha})));
      shape = [1, Math.ceil(shape[1] / stride), Math.ceil(shape[2] / stride), filters];
    } else if (op === 'dw') {
      const k = r[3] < 0.5 ? 3 : 5, stride = r[4] < 0.8 ? 1 : 2;
      const filter = w([k, k, c, 1], 1 / k), bias = r[6] < 0.7 ? w([c], 0.5) : undefined;
      const plain = r[0] < 0.3;
      layers.push((x) => (plain ? tf.depthwiseConv2d(x, filter, stride, 'same') :
        tf.fused.depthwiseConv2d({x, filter, strides: stride, pad: 'same', bias, activation: act, leakyreluAlpha: alpha})));
      shape = [1, Math.ceil(shape[1] / stride), Math.ceil(shape[2] / stride), c];
    } else if (op === 'matmul') {
      const units = 1 + Math.floor(r[5] * 12), [, h, wd] = shape;
      const b = w([c, units], 1 / Math.sqrt(c)), bias = r[6] < 0.5 ? w([units], 0.5) : undefined;
      layers.push((x) => tf.reshape(r[0] < 0.3 ? tf.matMul(tf.reshape(x, [h * wd, c]), b) :
        tf.fused.matMul({a: tf.reshape(x, [h * wd, c]), b, bias, activation: act, leakyreluAlpha: alpha}), [1, h, wd, units]));
      shape = [1, h, wd, units];
    } else if (op === 'bias') {
      const bias = w(r[3] < 0.5 ? [c] : [1, 1, 1, c], 0.5);
      layers.push((x) => (r[4] < 0.5 ? tf.add(x, bias) : tf.add(bias, x)));
    } else if (op === 'act') {
      // A clip to [0, 6], or a relu and then the clip, as tfjs-layers' ReLU(maxValue 6) computes it.
      const clip6 = r[4] < 0.5 ? (y) => tf.clipByValue(y, 0, 6) : (y) => tf.clipByValue(tf.relu(y), 0, 6);
      layers.push((x) => ({linear: clip6, relu: tf.relu, relu6: tf.relu6, sigmoid: tf.sigmoid,
        elu: tf.elu, leakyrelu: (y) => tf.leakyRelu(y, alpha)})[act](x));
    } else if (op === 'bn') {
      // tfjs-layers' batchNormalization at inference; offset and scale sometimes absent.
      const mean = w([c], 0.5), variance = tf.add(w([c], 0.5), 0.6), offset = r[3] < 0.8 ? w([c], 0.5) : undefined;
      const scale = r[4] < 0.8 ? w([c], 1) : undefined;
      weights.push(variance);
      layers.push((x) => tf.batchNorm(x, mean, variance, offset, scale, 1e-3));
    } else if (op === 'hswish') {
      // tfjs-converter's x * (relu6(x + 3) / 6), Keras's x * (relu6(x + 3) * (1/6)), tfjs-layers' x times its
      // hard sigmoid, x * clip(0.2 x + 0.5, 0, 1), and (x * relu6(x + 3)) / 6, which must not fuse.
      const form = Math.floor(r[3] * 4);
      layers.push((x) => (form === 0 ? tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)) :
        form === 1 ? tf.mul(tf.mul(tf.relu6(tf.add(3, x)), 1 / 6), x) :
        form === 2 ? tf.mul(x, tf.clipByValue(tf.add(0.5, tf.mul(0.2, x)), 0, 1)) :
        tf.div(tf.mul(x, tf.relu6(tf.add(x, 3))), 6)));
    } else if (op === 'residual') {
      layers.push((x, earlier) => {
        const same = earlier.filter((e) => e !== x && tf.util.arraysEqual(e.shape, x.shape));
        return same.length > 0 ? tf.add(x, same[Math.floor(r[3] * same.length)]) : tf.add(x, x);
      });
    } else if (op === 'se') {
      // Squeeze-excite: the pooled channels through two 1x1 convolutions to a gate that scales x
      // (either operand order); as tfjs-layers spells it (no keepDims and a reshape, the gate's
      // activation an op of its own), and a form that must not fuse (pooling over one axis).
      const squeezed = 1 + Math.floor(r[5] * 6), form = Math.floor(r[3] * 5);
      const f1 = w([1, 1, c, squeezed], 1 / Math.sqrt(c)), b1 = r[6] < 0.8 ? w([squeezed], 0.5) : undefined;
      const f2 = w([1, 1, squeezed, c], 1 / Math.sqrt(squeezed)), b2 = r[7] < 0.8 ? w([c], 0.5) : undefined;
      const act2 = r[4] < 0.5 ? 'sigmoid' : ACTS[Math.floor(r[4] * 2 * ACTS.length) % ACTS.length];
      const fc = (v, filter, bias, activation) => tf.fused.conv2d({x: v, filter, strides: 1, pad: 'same', bias, activation,
        leakyreluAlpha: alpha});
      layers.push((x) => {
        const pooled = form === 3 ? tf.reshape(tf.mean(x, [1, 2]), [1, 1, 1, c]) : form === 4 ? tf.mean(x, 1, true) : tf.mean(x, [1, 2], true);
        const gate = fc(fc(pooled, f1, b1, act), f2, b2, form === 2 ? 'linear' : act2);
        const g = form === 2 ? tf.sigmoid(gate) : gate;
        return r[0] < 0.5 ? tf.mul(x, g) : tf.mul(g, x);
      });
    } else if (op === 'concat') {
      // A list of inputs (the fusion cache keeps it a list): x beside a multiple of itself.
      layers.push((x) => tf.concat([x, tf.mul(x, 0.5 + r[3])], 3));
      shape = [...shape.slice(0, 3), 2 * c];
    } else if (op === 'unused') {
      // Work whose result nothing reads: dead code once the tidy disposes it.
      layers.push((x) => {
        tf.relu(tf.mul(x, 0.5 + r[3]));
        return tf.clone(x);
      });
    } else {
      layers.push((x) => tf.mul(x, 0.5 + r[3]));
    }
  }
  // `hold`: one more layer whose output is returned too (last), so fusions through it must not happen.
  const predict = (x, hold = -1) => tf.tidy(() => {
    const earlier = [x];
    const outs = [];
    for (let i = 0; i < layers.length; i++) {
      const y = layers[i](earlier[earlier.length - 1], earlier);
      earlier.push(y);
      if (graph.keep[i] || i === layers.length - 1) outs.push(y);
    }
    return hold >= 0 ? [...outs, earlier[hold + 1]] : outs;
  });
  return {predict, weights};
}

/** Runs `graph` `times` times; the runs listed in `holding` also return the output of layer `hold`, last. */
async function run(backend, graph, input, times, hold = -1, holding = [], compiled = false) {
  await tf.setBackend(backend);
  const built = buildGraph(graph);
  const {weights} = built;
  const predict = compiled ? compile((x) => built.predict(x)) : built.predict;
  const x = tf.tensor(input, graph.input);
  const results = [];
  for (let t = 0; t < times; t++) {
    const ys = holding.includes(t) ? predict(x, hold) : predict(x);
    results.push(ys.map((y) => y.dataSync()));
    tf.dispose(ys);
  }
  tf.dispose([x, ...weights]);
  if (compiled) {
    if (predict.lastRun !== null) throw new Error(`graph fuzz: a compiled graph did not replay: ${predict.lastRun}`);
    if (predict.lastProgram !== null) throw new Error(`graph fuzz: a compiled graph did not run as a program: ${predict.lastProgram}`);
    predict.dispose();
  }
  return results;
}

const main = rng(Number(args.seed));
for (const backend of ['asc-ops', 'asc-plan', 'cpu']) await tf.setBackend(backend);
let mismatches = 0, reuses = 0, programRuns = 0, programsLed = 0;
const fused = {activation: 0, hardSwish: 0, batchNorm: 0, squeezeExcite: 0, deadCode: 0};
const started = Date.now();
for (let g = 0; g < GRAPHS; g++) {
  const graph = drawGraph(main);
  const inputSize = graph.input.reduce((a, b) => a * b, 1);
  const input = Float32Array.from({length: inputSize}, () => main() * 2 - 1);
  // The references hold layer `hold`'s output too: the planned runs' outputs are their first ones.
  const hold = Math.floor(main() * graph.steps.length);
  const [cpu] = await run('cpu', graph, input, 1, hold, [0]);
  const [ops] = await run('asc-ops', graph, input, 1, hold, [0]);
  const {fusions: before, fusionReuses: reusesBefore, programRuns: programsBefore, programsLed: ledBefore} = captureReport('asc-plan');
  // Recorded, replayed (fused), replayed again (the fusion result reused), replayed holding one more
  // intermediate (reused only where nothing held was fused away), replayed as at first (fused anew),
  // then three more: the reused result's flush logged, recorded as a program, run as the program.
  const planned = await run('asc-plan', graph, input, 8, hold, [3]);
  // Compiled (compile.ts): traced, replayed (logged, recorded), then run twice as a program.
  planned.push(...await run('asc-plan', graph, input, 5, -1, [], true));
  const {fusions: after, fusionReuses: reusesAfter, programRuns: programsAfter, programsLed: ledAfter} = captureReport('asc-plan');
  reuses += reusesAfter - reusesBefore;
  programRuns += programsAfter - programsBefore;
  programsLed += ledAfter - ledBefore;
  for (const k of Object.keys(fused)) fused[k] += after[k] - before[k];
  // Every fusion keeps op by op's roundings but the batch norm fold, which rescales the weights.
  const exact = after.batchNorm === before.batchNorm;
  const problems = [];
  planned.forEach((outs, t) => outs.forEach((got, o) => {
    const want = cpu[o];
    let scale = 1;
    for (const v of want) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < want.length; i++) {
      const same = got[i] === ops[o][i] || (Number.isNaN(got[i]) && Number.isNaN(ops[o][i]));
      if (exact && !same) {
        problems.push(`run ${t} output ${o}[${i}]: fused ${got[i]}, op by op ${ops[o][i]}`);
        break;
      }
      if (!(Math.abs(got[i] - want[i]) <= 2e-4 * scale)) {
        problems.push(`run ${t} output ${o}[${i}]: asc ${got[i]}, cpu ${want[i]}`);
        break;
      }
    }
  }));
  if (problems.length > 0) {
    mismatches++;
    if (mismatches <= 5) console.error(`graph ${g} ${JSON.stringify(graph.steps.map((s) => s.op))}: ${problems.slice(0, 3).join('; ')}`);
  }
}
console.log(`graph fuzz: ${GRAPHS} graphs, ${mismatches} mismatches (fused = op by op bit for bit unless a batch norm folded, all within 2e-4 of cpu); ` +
  `fusions fired: ${JSON.stringify(fused)}, fusion results reused ${reuses} times, flushes run as programs ${programRuns} (by a worker while the calls were deferred: ${programsLed}; ` +
  `${tf.engine().findBackend('asc-plan').threadsStarted} threads) (${((Date.now() - started) / 1000).toFixed(1)} s)`);
if (mismatches > 0) process.exit(1);
if (Object.values(fused).some((n) => n === 0) || reuses === 0 || programRuns === 0 ||
    (tf.engine().findBackend('asc-plan').threadsStarted > 1) !== (programsLed > 0)) {
  console.error('graph fuzz: a fusion pass never fired, no flush reused a fusion result, none ran as a program, ' +
    'or a worker ran programs on one thread or none on two');
  process.exit(1);
}
