// Worker threads and the module variants: every kernel that splits its work gives bit-identical
// results on 1 and 2 threads (and really splits), the pool ends with the backend, a process that
// never disposes still exits, and without SharedArrayBuffer the backend runs on one thread and says why.
import {execFileSync} from 'node:child_process';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {randomTensor, rng, tf} from './helpers.mjs';

/** Each case is large enough to be split (see MIN_PARALLEL_WORK in src/backend.ts). */
const cases = {
  'conv2d (row tiles)': (r) => tf.conv2d(randomTensor(r, [1, 40, 36, 19]), randomTensor(r, [3, 3, 19, 21]), 1, 'same'),
  'conv2d (column blocks)': (r) => tf.conv2d(randomTensor(r, [1, 3, 3, 64]), randomTensor(r, [3, 3, 64, 300]), 1, 'same'),
  'fused conv2d + sigmoid (a pass after the tiles)': (r) => tf.fused.conv2d({
    x: randomTensor(r, [2, 20, 20, 16]), filter: randomTensor(r, [3, 3, 16, 24]), strides: 1, pad: 'same',
    bias: randomTensor(r, [24]), activation: 'sigmoid'}),
  'conv2dTranspose': (r) => tf.conv2dTranspose(randomTensor(r, [1, 20, 20, 32]), randomTensor(r, [2, 2, 16, 32]),
      [1, 40, 40, 16], 2, 'valid'),
  'matMul': (r) => tf.matMul(randomTensor(r, [130, 70]), randomTensor(r, [70, 90])),
  'depthwiseConv2d': (r) => tf.depthwiseConv2d(randomTensor(r, [1, 60, 60, 24]), randomTensor(r, [3, 3, 24, 2]), 1, 'same'),
  'conv2d filter gradient': (r) => {
    const x = randomTensor(r, [2, 24, 24, 12]);
    const dy = randomTensor(r, [2, 24, 24, 20]);
    return tf.grad((w) => tf.sum(tf.mul(tf.conv2d(x, w, 1, 'same'), dy)))(randomTensor(r, [3, 3, 12, 20]));
  },
  'maxPool': (r) => tf.maxPool(randomTensor(r, [1, 64, 64, 35]), 2, 2, 'valid'),
  'avgPool': (r) => tf.avgPool(randomTensor(r, [1, 64, 64, 35]), 3, 1, 'same'),
  'resizeBilinear': (r) => tf.image.resizeBilinear(randomTensor(r, [1, 31, 29, 13]), [70, 66], true),
  'resizeNearestNeighbor': (r) => tf.image.resizeNearestNeighbor(randomTensor(r, [1, 31, 29, 13]), [90, 80]),
  'concat': (r) => tf.concat([randomTensor(r, [1, 48, 48, 24]), randomTensor(r, [1, 48, 48, 9])], 3),
  'batchNorm (period not a multiple of 4)': (r) => tf.batchNorm(randomTensor(r, [1, 70, 70, 7]),
      randomTensor(r, [7]), tf.abs(randomTensor(r, [7])), randomTensor(r, [7]), randomTensor(r, [7])),
  'relu': (r) => tf.relu(randomTensor(r, [1, 100, 100, 9])),
  'relu int32': (r) => tf.relu(randomTensor(r, [300, 301], 'int32')),
  'relu6': (r) => tf.relu6(tf.mul(randomTensor(r, [1, 100, 100, 9]), 8)),
  'relu6 int32': (r) => tf.relu6(randomTensor(r, [300, 301], 'int32')),
  'add with broadcasting': (r) => tf.add(randomTensor(r, [1, 90, 90, 11]), randomTensor(r, [90, 1, 11])),
  'multiply int32': (r) => tf.mul(randomTensor(r, [300, 301], 'int32'), randomTensor(r, [301], 'int32')),
  'fused matMul, bias per element (activation as a pass)': (r) => tf.fused.matMul({
    a: randomTensor(r, [200, 150]), b: randomTensor(r, [150, 160]), bias: randomTensor(r, [200, 160]),
    activation: 'relu'}),
  'transpose': (r) => tf.transpose(randomTensor(r, [1, 80, 90, 12]), [0, 3, 1, 2]),
  'slice of channels': (r) => tf.slice(randomTensor(r, [2, 90, 90, 24]), [0, 0, 0, 8], [-1, -1, -1, 16]),
  'tile': (r) => tf.tile(randomTensor(r, [1, 1, 1, 32]), [4, 80, 80, 1]),
  'realDiv': (r) => tf.div(randomTensor(r, [1, 90, 90, 11]), tf.add(randomTensor(r, [11]), 2)),
  'sqrt': (r) => tf.sqrt(tf.abs(randomTensor(r, [1, 100, 100, 9]))),
  'fused depthwiseConv2d 3x3 strips': (r) => tf.fused.depthwiseConv2d({x: randomTensor(r, [1, 60, 60, 24]),
    filter: randomTensor(r, [3, 3, 24, 1]), strides: 1, pad: 'same', bias: randomTensor(r, [24]), activation: 'relu6'}),
  'depthwiseConv2d 5x5 strips, stride 2': (r) => tf.depthwiseConv2d(randomTensor(r, [1, 64, 64, 20]),
    randomTensor(r, [5, 5, 20, 1]), 2, 'same'),
  'conv2d on 3 channels (direct)': (r) => tf.conv2d(randomTensor(r, [1, 64, 64, 3]), randomTensor(r, [3, 3, 3, 32]), 2, 'same'),
  'conv2d to one channel': (r) => tf.conv2d(randomTensor(r, [1, 64, 64, 16]), randomTensor(r, [3, 3, 16, 1]), 1, 'same'),
  'matMul of one row': (r) => tf.matMul(randomTensor(r, [1, 700]), randomTensor(r, [700, 400])),
  'sigmoid': (r) => tf.sigmoid(tf.mul(randomTensor(r, [1, 100, 100, 9]), 8)),
  'softmax': (r) => tf.softmax(tf.mul(randomTensor(r, [300, 100]), 5)),
  'addN': (r) => tf.addN([randomTensor(r, [1, 90, 90, 11]), randomTensor(r, [1, 90, 90, 11]), randomTensor(r, [1, 90, 90, 11])]),
  'greater with broadcasting': (r) => tf.greater(randomTensor(r, [1, 90, 90, 11]), randomTensor(r, [11])),
  'where': (r) => tf.where(tf.greater(randomTensor(r, [300, 300]), 0), randomTensor(r, [300, 300]), randomTensor(r, [300, 300])),
  'stridedSlice with strides': (r) => tf.stridedSlice(randomTensor(r, [1, 180, 180, 24]), [0, 0, 1, 0], [1, 180, 180, 24], [1, 2, 2, 3]),
  'mirrorPad': (r) => tf.mirrorPad(randomTensor(r, [1, 90, 90, 11]), [[0, 0], [3, 3], [2, 2], [0, 0]], 'reflect'),
};

async function runWithThreads(threads, compute) {
  tf.env().set('ASC_THREADS', threads);
  const backend = tf.backend();
  await backend.startThreads();
  const splitBefore = backend.parallelRuns;
  const values = tf.tidy(() => compute(rng(7)).dataSync());
  return {values, split: backend.parallelRuns - splitBefore};
}

test('every threaded kernel gives bit-identical results on 1 and 2 threads, and splits its work on 2', async () => {
  await tf.setBackend('asc');
  assert.ok(tf.backend().features.threadsSupported, tf.backend().threadsReason);
  for (const [name, compute] of Object.entries(cases)) {
    const one = await runWithThreads(1, compute);
    const two = await runWithThreads(2, compute);
    assert.is(one.split, 0, `${name}: 1 thread splits nothing`);
    assert.ok(two.split > 0, `${name}: split across threads`);
    assert.is(two.values.length, one.values.length, name);
    for (let i = 0; i < one.values.length; i++) {
      if (!Object.is(one.values[i], two.values[i])) {
        assert.unreachable(`${name}: element ${i} is ${two.values[i]} on 2 threads, ${one.values[i]} on 1`);
      }
    }
  }
  tf.env().set('ASC_THREADS', 0);
});

test('setThreadsCount validates its argument and sets the flag', async () => {
  const {setThreadsCount} = await import('../../dist/index.js');
  setThreadsCount(3);
  assert.is(tf.env().getNumber('ASC_THREADS'), 3);
  assert.throws(() => setThreadsCount(-1), /ASC_THREADS must be an integer/);
  assert.throws(() => setThreadsCount(1.5), /ASC_THREADS must be an integer/);
  setThreadsCount(0);
});

test('registerAscBackend adds an asc backend with fixed settings and all of asc\'s kernels', async () => {
  const {registerAscBackend} = await import('../../dist/index.js');
  registerAscBackend('asc-test-1t', {threads: 1, relaxedSimd: false});
  registerAscBackend('asc-test-bad', {threads: -2});
  try {
    await tf.setBackend('asc-test-1t');
    const backend = tf.backend();
    assert.is(backend.threads, 1);
    assert.not.ok(backend.features.relaxedSimd);
    const fromFixed = tf.tidy(() => cases.concat(rng(7)).dataSync());
    assert.is(backend.parallelRuns, 0);
    assert.not.ok(await tf.setBackend('asc-test-bad'), 'a backend with a bad thread count does not start');
    await tf.setBackend('asc');
    const fromAsc = tf.tidy(() => cases.concat(rng(7)).dataSync());
    assert.equal(fromFixed, fromAsc);
  } finally {
    tf.removeBackend('asc-test-1t');
    tf.removeBackend('asc-test-bad');
    await tf.setBackend('asc');
  }
});

/** Runs `source` (an ES module) in a fresh Node process and returns what it printed. */
function node(source, {flags = [], timeout = 20000, env = {}} = {}) {
  return execFileSync(process.execPath, [...flags, '--input-type=module', '-e', source],
      {cwd: new URL('../..', import.meta.url), encoding: 'utf8', timeout, env: {...process.env, ...env}});
}

const threadedConv = `
  import * as tf from '@tensorflow/tfjs-core';
  import './dist/index.js';
  await tf.setBackend('asc');
  tf.env().set('ASC_THREADS', 2);
  await tf.backend().startThreads();
  const y = tf.conv2d(tf.ones([1, 64, 64, 32]), tf.ones([3, 3, 32, 32]), 1, 'same');
  console.log(JSON.stringify({runs: tf.backend().parallelRuns, center: y.dataSync()[(32 * 64 + 32) * 32]}));
`;

// The direct GEMM (ASC_WINOGRAD=0) sums the ones exactly: 3 * 3 * 32 = 288 at the centre.
const DIRECT = {env: {ASC_WINOGRAD: '0'}};

test('a process whose backend still has running workers exits on its own', () => {
  const out = JSON.parse(node(threadedConv, DIRECT));
  assert.ok(out.runs > 0, 'the conv was split');
  assert.is(out.center, 288);
});

test('disposing the backend ends its worker threads', () => {
  // Linux lists a process's threads in /proc/self/task.
  const out = JSON.parse(node(`${threadedConv}
    const {readdirSync} = await import('node:fs');
    const threads = () => readdirSync('/proc/self/task').length;
    const running = threads();
    tf.removeBackend('asc');
    const deadline = Date.now() + 5000;
    while (threads() >= running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    console.log(JSON.stringify({running, after: threads()}));
  `).trim().split('\n').pop());
  assert.ok(out.after < out.running, JSON.stringify(out));
});

test('without SharedArrayBuffer the backend runs on one thread, reports why, and computes the same', () => {
  // As in a page that is not cross-origin isolated (V8's flag for it is gone from Node 24).
  const out = JSON.parse(node(`
    delete globalThis.SharedArrayBuffer;
    const tf = await import('@tensorflow/tfjs-core');
    await import('./dist/index.js');
    await tf.setBackend('asc');
    const b = tf.backend();
    const y = tf.conv2d(tf.ones([1, 64, 64, 32]), tf.ones([3, 3, 32, 32]), 1, 'same');
    console.log(JSON.stringify({variant: b.features.variant, threads: b.threads, reason: b.threadsReason,
      runs: b.parallelRuns, center: y.dataSync()[(32 * 64 + 32) * 32]}));
  `, DIRECT));
  assert.ok(!out.variant.endsWith('-shared'), out.variant);
  assert.is(out.threads, 1);
  assert.match(out.reason, /SharedArrayBuffer is unavailable/);
  assert.is(out.runs, 0);
  assert.is(out.center, 288);
});

test('relaxed SIMD is chosen where the engine validates it, and can be turned off', () => {
  const report = (flags, env) => JSON.parse(node(`
    import * as tf from '@tensorflow/tfjs-core';
    import {hasRelaxedSimd} from './dist/index.js';
    await tf.setBackend('asc');
    const f = tf.backend().features;
    console.log(JSON.stringify({engine: hasRelaxedSimd(), variant: f.variant, relaxed: f.relaxedSimd, reason: f.relaxedSimdReason}));
  `, {flags, env}));
  // cli/relaxed_simd.mjs turns the engine's relaxed SIMD on where it is behind a flag (Node 20, 21).
  const on = ['--import', './cli/relaxed_simd.mjs'];
  const withFlag = report(on, {ASC_RELAXED_SIMD: ''});
  assert.ok(withFlag.engine && withFlag.relaxed && withFlag.variant.startsWith('relaxed'), JSON.stringify(withFlag));
  const off = report(on, {ASC_RELAXED_SIMD: '0'});
  assert.ok(!off.relaxed && off.variant.startsWith('simd'), JSON.stringify(off));
  assert.match(off.reason, /ASC_RELAXED_SIMD/);
  // Node 22 and later always validate relaxed SIMD (and have no flag to turn it off).
  const plain = report([], {ASC_RELAXED_SIMD: ''});
  if (Number(process.versions.node.split('.')[0]) >= 22) {
    assert.ok(plain.engine && plain.relaxed, JSON.stringify(plain));
  } else {
    assert.ok(!plain.engine && !plain.relaxed && plain.variant.startsWith('simd'), JSON.stringify(plain));
    assert.match(plain.reason, /does not validate relaxed SIMD/);
  }
});

test.run();
