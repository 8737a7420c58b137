// Winograd 3x3 convolutions (F(2,3), F(4,3)) on asc against tfjs-backend-cpu within the derived
// bound of test/fuzz/winograd_bound.mjs; the kernel's transforms against the matrices of
// test/fuzz/winograd_matrices.mjs; the per-filter choice, the flag, and the fallbacks.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {readFileSync} from 'node:fs';
import {rng, randomTensor, tf} from './helpers.mjs';
import {convAlgorithmOf, registerAscBackend} from '../../dist/index.js';
import {winogradBound} from '../fuzz/winograd_bound.mjs';
import {ASC_WINOGRAD} from '../fuzz/winograd_matrices.mjs';

const run = (name, inputs, attrs) => tf.engine().runKernel(name, inputs, attrs);
registerAscBackend('asc-winograd-2t', {threads: 2, minParallelWork: 1});

/** The reference on cpu and asc's output under ASC_WINOGRAD = `algorithm`, from the same seeded inputs. */
async function both(compute, seed, algorithm, backend = 'asc') {
  const out = {};
  for (const name of ['cpu', backend]) {
    await tf.setBackend(name);
    tf.env().set('ASC_WINOGRAD', algorithm);
    const t = tf.tidy(() => compute(rng(seed)));
    out[name === 'cpu' ? 'cpu' : 'asc'] = t.dataSync();
    t.dispose();
  }
  tf.env().set('ASC_WINOGRAD', true);
  await tf.setBackend('asc');
  return out;
}

/** NHWC readers of seeded inputs, as `compute` draws them (x first, then the filter). */
function operands(seed, xShape, filterShape) {
  const r = rng(seed);
  const x = tf.tidy(() => randomTensor(r, xShape).dataSync());
  const w = tf.tidy(() => randomTensor(r, filterShape).dataSync());
  const [, h, wd, c] = xShape;
  const [, , ci, co] = filterShape;
  return {x: (b, y, xx, k) => x[((b * h + y) * wd + xx) * c + k], w: (kh, kw, i, o) => w[((kh * 3 + kw) * ci + i) * co + o]};
}

function expectWithin(label, got, ref, bound, extra = () => 0) {
  assert.is(got.length, ref.length, `${label}: size`);
  for (let i = 0; i < ref.length; i++) {
    const allowed = bound[i] + extra(ref[i]);
    if (!(Math.abs(got[i] - ref[i]) <= allowed)) {
      assert.unreachable(`${label}: [${i}] is ${got[i]} on asc, ${ref[i]} on cpu (allowed ${allowed})`);
    }
  }
}

// [batch, h, w, inC, outC, pad]: odd sizes, channels not multiples of 4 or 8, every padding.
const CASES = [
  [1, 8, 8, 8, 8, 'same'], [2, 13, 11, 12, 10, 'same'], [1, 9, 7, 9, 17, 'valid'], [1, 20, 21, 33, 19, 'valid'],
  [3, 5, 6, 16, 24, [[0, 0], [2, 0], [1, 3], [0, 0]]], [1, 1, 1, 8, 8, 'same'], [1, 2, 3, 64, 40, 'same'],
  [1, 17, 4, 20, 9, [[0, 0], [0, 2], [2, 2], [0, 0]]],
];

for (const algorithm of ['F(2,3)', 'F(4,3)']) {
  test(`${algorithm}: Conv2D and FusedConv2D (bias, every activation) match cpu within the Winograd bound`, async () => {
    let seed = algorithm === 'F(2,3)' ? 10 : 50;
    for (const [b, h, w, ci, co, pad] of CASES) {
      for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu']) {
        seed++;
        const compute = (r) => {
          const x = randomTensor(r, [b, h, w, ci]), filter = randomTensor(r, [3, 3, ci, co]), bias = randomTensor(r, [co]);
          return tf.fused.conv2d({x, filter, bias, strides: 1, pad, activation, leakyreluAlpha: 0.3});
        };
        const {cpu, asc} = await both(compute, seed, algorithm);
        const info = tf.backend_util.computeConv2DInfo([b, h, w, ci], [3, 3, ci, co], 1, 1, pad);
        const {x, w: f} = operands(seed, [b, h, w, ci], [3, 3, ci, co]);
        const shape = {batch: b, inH: h, inW: w, inC: ci, outH: info.outHeight, outW: info.outWidth, outC: co,
          padTop: info.padInfo.top, padLeft: info.padInfo.left};
        const bound = winogradBound(algorithm, shape, x, f, (n, y, xx, o) => ((n * info.outHeight + y) * info.outWidth + xx) * co + o);
        // The bias's rounding, and sigmoid's and elu's polynomials (a few ulps of the result).
        expectWithin(`${algorithm} ${activation} ${[b, h, w, ci, co]} ${JSON.stringify(pad)}`, asc, cpu, bound,
            (v) => 2 ** -21 * Math.max(1, Math.abs(v)));
      }
    }
  });

  test(`${algorithm}: NCHW, 2 threads, and Conv2DBackpropInput (the 3x3 stride-1 gradient) match cpu`, async () => {
    const [b, h, w, ci, co] = [2, 11, 10, 12, 20];
    const info = tf.backend_util.computeConv2DInfo([b, h, w, ci], [3, 3, ci, co], 1, 1, 'same');
    const {x, w: f} = operands(7, [b, h, w, ci], [3, 3, ci, co]);
    const shape = {batch: b, inH: h, inW: w, inC: ci, outH: h, outW: w, outC: co, padTop: 1, padLeft: 1};
    const nhwc = winogradBound(algorithm, shape, x, f, (n, y, xx, o) => ((n * h + y) * w + xx) * co + o);
    const nchw = winogradBound(algorithm, shape, x, f, (n, y, xx, o) => ((n * co + o) * h + y) * w + xx);
    const conv = (format) => (r) => {
      const xT = randomTensor(r, [b, h, w, ci]), filter = randomTensor(r, [3, 3, ci, co]);
      const input = format === 'NCHW' ? tf.transpose(xT, [0, 3, 1, 2]) : xT;
      return run('Conv2D', {x: input, filter}, {strides: 1, pad: 'same', dataFormat: format, dilations: 1});
    };
    const one = await both(conv('NHWC'), 7, algorithm);
    expectWithin(`${algorithm} NHWC`, one.asc, one.cpu, nhwc);
    const two = await both(conv('NHWC'), 7, algorithm, 'asc-winograd-2t');
    assert.equal(Array.from(two.asc), Array.from(one.asc), `${algorithm}: 2 threads round as 1`);
    const planar = await both(conv('NCHW'), 7, algorithm);
    expectWithin(`${algorithm} NCHW`, planar.asc, planar.cpu, nchw);
    assert.ok(info.outHeight === h);

    // dx = conv(dy, the filter flipped with its channels swapped), pads 2 - 1.
    const {x: dyAt, w: g} = operands(8, [b, h, w, co], [3, 3, ci, co]);
    const flipped = (kh, kw, a, c) => g(2 - kh, 2 - kw, c, a);
    const dxBound = winogradBound(algorithm, {batch: b, inH: h, inW: w, inC: co, outH: h, outW: w, outC: ci, padTop: 1,
      padLeft: 1}, dyAt, flipped, (n, y, xx, o) => ((n * h + y) * w + xx) * ci + o);
    const back = await both((r) => run('Conv2DBackpropInput', {dy: randomTensor(r, [b, h, w, co]),
      filter: randomTensor(r, [3, 3, ci, co])}, {strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [b, h, w, ci]}), 8, algorithm);
    expectWithin(`${algorithm} backprop input`, back.asc, back.cpu, dxBound);
  });
}

test('the cost model picks F(4,3) at the U-Net\'s shapes, once per filter; 3x3 stride-1 convs of few channels stay direct', async () => {
  await tf.setBackend('asc');
  const x = tf.randomNormal([1, 32, 32, 64], 0, 1, 'float32', 1), filter = tf.randomNormal([3, 3, 64, 64], 0, 1, 'float32', 2);
  assert.is(convAlgorithmOf(filter), undefined);
  tf.dispose(tf.conv2d(x, filter, 1, 'same'));
  assert.is(convAlgorithmOf(filter), 'F(4,3)');
  // A 1x1 image would take the direct GEMM for a new filter; this one keeps its choice, so a band of a
  // tiled run rounds as the whole image.
  tf.dispose(tf.conv2d(tf.slice(x, [0, 0, 0, 0], [1, 1, 1, 64]), filter, 1, 'same'));
  assert.is(convAlgorithmOf(filter), 'F(4,3)');
  const few = tf.randomNormal([3, 3, 4, 64], 0, 1, 'float32', 3);
  tf.dispose(tf.conv2d(tf.randomNormal([1, 32, 32, 4]), few, 1, 'same'));
  assert.is(convAlgorithmOf(few), undefined, 'four input channels: the direct kernel, no choice made');
  tf.dispose([x, filter, few]);
});

test('ASC_WINOGRAD=false runs the direct GEMM (its rounding); an infinite input takes it too', async () => {
  await tf.setBackend('asc');
  const r = rng(3);
  const x = randomTensor(r, [1, 12, 12, 16]), filter = randomTensor(r, [3, 3, 16, 16]);
  const direct = () => {
    tf.env().set('ASC_WINOGRAD', false);
    const y = tf.conv2d(x, filter, 1, 'same');
    tf.env().set('ASC_WINOGRAD', true);
    return y;
  };
  const d = direct(), wino = tf.conv2d(x, filter, 1, 'same');
  const dv = d.dataSync(), wv = wino.dataSync();
  assert.ok(dv.some((v, i) => v !== wv[i]), 'Winograd rounds differently from the direct GEMM');
  await tf.setBackend('cpu');
  const ref = tf.conv2d(tf.tensor(x.dataSync(), x.shape), tf.tensor(filter.dataSync(), filter.shape), 1, 'same').dataSync();
  await tf.setBackend('asc');
  let scale = 1;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(dv[i] - ref[i]) <= 2 ** -22 * 145 * scale, `direct [${i}]`);
  // An infinity in x: Winograd's transforms would spread NaN over its tiles; the direct GEMM is used.
  const values = x.dataSync().slice();
  values[5 * 12 * 16 + 7 * 16 + 3] = Infinity;
  const xInf = tf.tensor(values, x.shape);
  const yInf = tf.conv2d(xInf, filter, 1, 'same');
  tf.env().set('ASC_WINOGRAD', false);
  const yDirect = tf.conv2d(xInf, filter, 1, 'same');
  tf.env().set('ASC_WINOGRAD', true);
  assert.equal(Array.from(yInf.dataSync()), Array.from(yDirect.dataSync()));
  assert.ok(yInf.dataSync().filter(Number.isFinite).length > 0.9 * yInf.size, 'only the infinity\'s neighbours are not finite');
  tf.dispose([x, filter, d, wino, xInf, yInf, yDirect]);
});

/** The kernel module as the build wrote it (plain SIMD, and relaxed SIMD where this engine runs it), on a memory of its own. */
async function kernelModules() {
  const modules = [];
  for (const variant of ['simd', 'relaxed']) {
    const bytes = readFileSync(new URL(`../../build/kernels-${variant}.wasm`, import.meta.url));
    if (!WebAssembly.validate(bytes)) continue;
    const memory = new WebAssembly.Memory({initial: 2});
    const {instance} = await WebAssembly.instantiate(bytes, {env: {memory, abort: () => assert.unreachable('abort')}});
    modules.push({variant, wasm: instance.exports, memory});
  }
  return modules;
}

/**
 * What the kernel's transforms do to unit inputs, one tile of one channel: `input(y, x)` is V = Bt d B
 * for d the unit at (y, x), `output(a, b)` Y = At M A for M the unit at frequency (a, b), and
 * `filter(kh, kw)` U = G g Gt for g the unit tap (kh, kw), each as a function of its row and column.
 */
function unitTransforms({wasm, memory}, m) {
  const n = m + 2, freqs = n * n, cp = 4; // one channel, padded to a vector per frequency row
  const x = wasm.alloc(freqs * 4), zero = wasm.alloc(cp * 4), v = wasm.alloc(freqs * cp * 4);
  const mBuf = wasm.alloc(freqs * cp * 4), out = wasm.alloc(m * m * 4);
  const filter = wasm.alloc(9 * 4), scratch = wasm.alloc((freqs + 1) * 4), packed = wasm.alloc(wasm.winogradPackedBytes(m, 1, 1));
  const f32 = (ptr, length) => new Float32Array(memory.buffer, ptr, length);
  const unit = (ptr, length, at) => {
    f32(ptr, length).fill(0);
    f32(ptr, length)[at] = 1;
  };
  f32(zero, cp).fill(0);
  return {
    input(y, xx) {
      unit(x, freqs, y * n + xx);
      wasm.winogradInput(x, zero, v, m, n, n, 1, cp, n, freqs, 1, 1, 0, 0, 0, 0, 1);
      return (i, j) => f32(v, freqs * cp)[(i * n + j) * cp];
    },
    output(a, b) {
      unit(mBuf, freqs * cp, (a * n + b) * cp);
      wasm.winogradOutput(mBuf, 0, out, m, m, m, 1, cp, 1, 1, wasm.ACTIVATION_LINEAR.value, 0, 0, 0, 1);
      return (i, j) => f32(out, m * m)[i * m + j];
    },
    filter(kh, kw) {
      unit(filter, 9, kh * 3 + kw);
      wasm.winogradPackFilter(filter, scratch, packed, m, 1, 1, 1, 1, 1, false);
      return (a, b) => f32(scratch, freqs)[a * n + b];
    },
  };
}

test('the kernel\'s F(4,3) and F(2,3) transforms are the matrices of winograd_matrices.mjs', async () => {
  const modules = await kernelModules();
  assert.ok(modules.length > 0, 'no kernel module in build/');
  for (const module of modules) {
    for (const [algorithm, {at, g, bt, m, n}] of Object.entries(ASC_WINOGRAD)) {
      const unit = unitTransforms(module, m);
      const expect = (what, got, want, rows, cols) => {
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            if (!(Math.abs(got(i, j) - want(i, j)) <= 1e-6 * Math.max(1, Math.abs(want(i, j))))) {
              assert.unreachable(`${module.variant} ${algorithm} ${what}: [${i}][${j}] is ${got(i, j)}, the matrices give ${want(i, j)}`);
            }
          }
        }
      };
      for (let y = 0; y < n; y++) {
        for (let x = 0; x < n; x++) expect(`Bt d B of the unit d at (${y}, ${x})`, unit.input(y, x), (i, j) => bt[i][y] * bt[j][x], n, n);
      }
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) expect(`At M A of the unit M at (${a}, ${b})`, unit.output(a, b), (i, j) => at[i][a] * at[j][b], m, m);
      }
      for (let kh = 0; kh < 3; kh++) {
        for (let kw = 0; kw < 3; kw++) expect(`G g Gt of the unit tap (${kh}, ${kw})`, unit.filter(kh, kw), (a, b) => g[a][kh] * g[b][kw], n, n);
      }
    }
  }
});

test('transformed filters are counted and freed with their filter', async () => {
  await tf.setBackend('asc');
  const before = tf.backend().memory().numBytesInWasm;
  const x = tf.randomNormal([1, 16, 16, 32]), filter = tf.randomNormal([3, 3, 32, 48]);
  tf.env().set('ASC_WINOGRAD', 'F(4,3)');
  tf.dispose(tf.conv2d(x, filter, 1, 'same'));
  tf.env().set('ASC_WINOGRAD', true);
  const held = tf.backend().memory().numBytesInWasm - before - 4 * (x.size + filter.size);
  // 36 frequencies of 32 x 48 weights, in blocks of 8 columns with a bias row each.
  assert.is(held, 36 * 6 * (8 + 32 * 8) * 4);
  tf.dispose([x, filter]);
  assert.is(tf.backend().memory().numBytesInWasm, before);
});

test.run();
