// Convolution kernels on asc against tfjs-backend-cpu, on seeded awkward shapes.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {expectSameOnBoth, randomTensor, tf} from './helpers.mjs';
import {IGEMM_TILES, igemmTileChoice} from '../../dist/index.js';

const run = (name, inputs, attrs) => tf.engine().runKernel(name, inputs, attrs);
const CHANNELS = [1, 3, 5, 7, 9];

// [batch, h, w, inC, outC, filter, stride, dilation, pad]
const CONV_CASES = [
  [1, 1, 1, 3, 5, 1, 1, 1, 'valid'],
  [1, 1, 1, 1, 1, 3, 1, 1, 'same'],
  [2, 7, 9, 5, 7, 3, 2, 1, 'same'],
  [1, 7, 9, 9, 16, 3, 2, 1, 'valid'],
  [1, 8, 8, 3, 17, 3, 1, 2, 'same'],
  [1, 9, 7, 7, 3, 3, 1, 2, 'valid'],
  [2, 6, 5, 4, 20, 2, 2, 1, 'valid'],
  [1, 5, 6, 3, 9, 3, [2, 1], 1, [[0, 0], [1, 2], [0, 1], [0, 0]]],
  [1, 6, 6, 16, 32, 3, 1, 1, 'same'],
  [0, 4, 4, 3, 5, 3, 1, 1, 'same'],
  [1, 4, 4, 0, 5, 3, 1, 1, 'same'],
];

test('Conv2D matches cpu (NHWC)', async () => {
  let seed = 1;
  for (const [b, h, w, ci, co, f, s, d, pad] of CONV_CASES) {
    await expectSameOnBoth((r) => run('Conv2D', {x: randomTensor(r, [b, h, w, ci]), filter: randomTensor(r, [f, f, ci, co])},
        {strides: s, pad, dataFormat: 'NHWC', dilations: d}), {terms: f * f * ci, label: `conv ${[b, h, w, ci, co, f, s, d]}`, seed: seed++});
  }
});

test('Conv2D every in/out channel count (not multiples of 4)', async () => {
  let seed = 100;
  for (const ci of CHANNELS) {
    for (const co of [...CHANNELS, 16, 19]) {
      await expectSameOnBoth((r) => run('Conv2D', {x: randomTensor(r, [1, 5, 5, ci]), filter: randomTensor(r, [3, 3, ci, co])},
          {strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1}), {terms: 9 * ci, label: `conv ci=${ci} co=${co}`, seed: seed++});
    }
  }
});

test('Conv2D NCHW', async () => {
  await expectSameOnBoth((r) => run('Conv2D', {x: randomTensor(r, [2, 5, 7, 9]), filter: randomTensor(r, [3, 3, 5, 6])},
      {strides: 2, pad: 'same', dataFormat: 'NCHW', dilations: 1}), {terms: 45, label: 'conv NCHW'});
});

test('FusedConv2D: every activation, bias shapes, prelu, NCHW', async () => {
  let seed = 200;
  for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu', 'prelu']) {
    for (const biasShape of [null, [7], [1, 1, 1, 7], [6, 7]]) {
      await expectSameOnBoth((r) => {
        const x = tf.mul(randomTensor(r, [2, 6, 6, 5]), 3);
        const inputs = {x, filter: randomTensor(r, [3, 3, 5, 7])};
        if (biasShape) inputs.bias = randomTensor(r, biasShape);
        if (activation === 'prelu') inputs.preluActivationWeights = randomTensor(r, [7]);
        return run('FusedConv2D', inputs, {strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, activation,
          leakyreluAlpha: 0.3});
      }, {terms: 45, label: `fused ${activation} bias ${biasShape}`, seed: seed++});
    }
  }
  await expectSameOnBoth((r) => run('FusedConv2D', {x: randomTensor(r, [1, 4, 5, 6]), filter: randomTensor(r, [3, 3, 4, 3]),
    bias: randomTensor(r, [3]), preluActivationWeights: randomTensor(r, [3])},
  {strides: 1, pad: 'same', dataFormat: 'NCHW', dilations: 1, activation: 'prelu'}), {terms: 36, label: 'fused NCHW'});
});

test('DepthwiseConv2dNative: multipliers, strides, dilations', async () => {
  let seed = 300;
  for (const [c, m, s, d, pad] of [[1, 1, 1, 1, 'same'], [3, 1, 2, 1, 'same'], [5, 2, 1, 2, 'valid'], [7, 4, 2, 1, 'same'],
    [9, 5, 1, 1, [[0, 0], [2, 1], [1, 0], [0, 0]]], [16, 1, 1, 1, 'same']]) {
    await expectSameOnBoth((r) => run('DepthwiseConv2dNative', {x: randomTensor(r, [2, 7, 8, c]),
      filter: randomTensor(r, [3, 3, c, m])}, {strides: s, pad, dataFormat: 'NHWC', dilations: d}),
    {terms: 9, label: `depthwise c=${c} m=${m}`, seed: seed++});
  }
});

/** The shape of dy for a conv of `inShape` (NHWC or NCHW) with an f x f x ci x co filter. */
function dyShapeFor(inShape, f, ci, co, s, pad, fmt) {
  const info = tf.backend_util.computeConv2DInfo(inShape, [f, f, ci, co], s, 1, pad, undefined, false,
      fmt === 'NHWC' ? 'channelsLast' : 'channelsFirst');
  return fmt === 'NHWC' ? [inShape[0], info.outHeight, info.outWidth, co] : [inShape[0], co, info.outHeight, info.outWidth];
}

test('Conv2DBackpropInput (conv2dTranspose): the U-Net 2x2 stride 2 and odd cases', async () => {
  let seed = 400;
  // [batch, inH, inW, inC, outC(dy channels), filter, stride, pad, format]
  for (const [b, h, w, ci, co, f, s, pad, fmt] of [
    [1, 8, 8, 5, 9, 2, 2, 'valid', 'NHWC'], [2, 7, 9, 3, 7, 3, 2, 'same', 'NHWC'], [1, 1, 1, 1, 1, 1, 1, 'valid', 'NHWC'],
    [1, 6, 5, 7, 16, 3, 1, 'same', 'NHWC'], [1, 9, 9, 4, 5, 3, 2, [[0, 0], [1, 1], [2, 0], [0, 0]], 'NHWC'],
    [2, 6, 6, 3, 5, 2, 2, 'valid', 'NCHW']]) {
    const inputShape = fmt === 'NHWC' ? [b, h, w, ci] : [b, ci, h, w];
    const dyShape = dyShapeFor(inputShape, f, ci, co, s, pad, fmt);
    await expectSameOnBoth((r) => run('Conv2DBackpropInput', {dy: randomTensor(r, dyShape), filter: randomTensor(r, [f, f, ci, co])},
        {strides: s, pad, dataFormat: fmt, inputShape}), {terms: f * f * co, label: `backprop input ${inputShape}`, seed: seed++});
  }
});

test('Conv2DBackpropFilter', async () => {
  let seed = 500;
  for (const [b, h, w, ci, co, f, s, pad, fmt] of [
    [1, 8, 8, 5, 9, 3, 1, 'same', 'NHWC'], [2, 7, 9, 3, 7, 3, 2, 'same', 'NHWC'], [1, 1, 1, 1, 1, 1, 1, 'valid', 'NHWC'],
    [2, 6, 5, 4, 3, 2, 2, 'valid', 'NHWC'], [1, 9, 9, 4, 5, 3, 2, [[0, 0], [1, 1], [2, 0], [0, 0]], 'NHWC'],
    [2, 6, 6, 3, 5, 3, 1, 'same', 'NCHW']]) {
    const xShape = fmt === 'NHWC' ? [b, h, w, ci] : [b, ci, h, w];
    const dyShape = dyShapeFor(xShape, f, ci, co, s, pad, fmt);
    await expectSameOnBoth((r) => run('Conv2DBackpropFilter', {x: randomTensor(r, xShape), dy: randomTensor(r, dyShape)},
        {strides: s, pad, dataFormat: fmt, filterShape: [f, f, ci, co]}),
    {terms: dyShape.reduce((p, d) => p * d, 1) / co, label: `backprop filter ${xShape}`, seed: seed++});
  }
});

test('gradients of conv2d flow through the wasm kernels', async () => {
  await expectSameOnBoth((r) => {
    const x = randomTensor(r, [2, 6, 6, 3]);
    const w = randomTensor(r, [3, 3, 3, 4]);
    const [dx, dw] = tf.grads((a, b) => tf.sum(tf.square(tf.conv2d(a, b, 1, "same"))))([x, w]);
    return [dx, dw];
  }, {terms: 300, label: 'conv grads'});
});

/** The tiles of the module build the active asc backend runs (IGEMM_TILES has one table per build). */
const buildTiles = () => IGEMM_TILES[tf.backend().features.relaxedSimd ? 'relaxed' : 'simd'];

test('every GEMM microkernel tile of this build (x86- and ARM-tuned) matches cpu, whichever this host runs', async () => {
  await tf.setBackend('asc');
  const tiles = buildTiles();
  assert.ok(tiles.length >= 2);
  for (const {name, rows} of tiles) {
    assert.match(name, /^\d+x8-(splat|loadsplat)$/, 'a tile is named by its size and how A is broadcast');
    tf.engine().reset(); // also resets the flags: set the tile after it
    tf.env().set('ASC_IGEMM_TILE', name);
    await tf.setBackend('asc');
    assert.equal(igemmTileChoice(), {tile: name, rows, how: 'forced'});
    let seed = 900;
    for (const [b, h, w, ci, co, f, s, d, pad] of CONV_CASES) {
      await expectSameOnBoth((r) => run('FusedConv2D', {x: randomTensor(r, [b, h, w, ci]), filter: randomTensor(r, [f, f, ci, co]),
        bias: randomTensor(r, [co])}, {strides: s, pad, dataFormat: 'NHWC', dilations: d, activation: 'relu'}),
      {terms: f * f * ci, label: `${name} conv ${[b, h, w, ci, co, f, s, d]}`, seed: seed++});
    }
    await expectSameOnBoth((r) => run('Conv2DBackpropInput', {dy: randomTensor(r, [2, 5, 7, 9]), filter: randomTensor(r, [2, 2, 6, 9])},
        {strides: 2, pad: 'valid', dataFormat: 'NHWC', inputShape: [2, 10, 14, 6]}), {terms: 36, label: `${name} deconv`});
    await expectSameOnBoth((r) => run('BatchMatMul', {a: randomTensor(r, [3, 7, 13]), b: randomTensor(r, [13, 11])},
        {transposeA: false, transposeB: false}), {terms: 13, label: `${name} matmul`});
  }
  tf.engine().reset();
});

test('forcing a tile the running build lacks names the build and its tiles', async () => {
  await tf.setBackend('asc');
  const other = IGEMM_TILES[tf.backend().features.relaxedSimd ? 'simd' : 'relaxed'];
  const missing = other.find((t) => !buildTiles().some((u) => u.name === t.name)).name;
  tf.engine().reset();
  tf.env().set('ASC_IGEMM_TILE', missing);
  await tf.setBackend('asc');
  assert.throws(() => tf.tidy(() => tf.conv2d(tf.ones([1, 4, 4, 8]), tf.ones([1, 1, 8, 8]), 1, 'same')),
      new RegExp(`no igemm tile '${missing}' in the (simd|relaxed) build \\(its tiles: ${buildTiles().map((t) => t.name).join(', ')}\\)`));
  assert.throws(() => tf.env().set('ASC_IGEMM_TILE', 'x86-splat'), /ASC_IGEMM_TILE must be 'auto' or one of/);
  tf.engine().reset();
});

test('the GEMM tile is calibrated once per process after 4 M multiply-adds of GEMM, among the host flavor\'s tiles', async () => {
  tf.engine().reset();
  await tf.setBackend('asc');
  const before = igemmTileChoice();
  const tiles = buildTiles();
  const host = tf.backend().wasm.defaultNaNIsPositive(0) ? 'arm' : 'x86';
  const candidates = tiles.filter((t) => t.hosts.includes(host)).map((t) => t.name);
  const pointwise = () => tf.tidy(() => tf.conv2d(tf.ones([1, 16, 16, 64]), tf.ones([1, 1, 64, 64]), 1, 'same').dataSync());
  if (before.how !== 'calibrated') {
    const open = candidates.length > 1 ? 'default until 4 M multiply-adds of GEMM' : 'the only one for this host';
    assert.is(before.how, open);
  }
  // 16x16 pixels x 64 -> 64 channels: 1 M multiply-adds each, 4 M together.
  for (let i = 0; i < 4; i++) pointwise();
  const after = igemmTileChoice();
  assert.ok(candidates.includes(after.tile), after.tile);
  if (candidates.length > 1) {
    assert.is(after.how, 'calibrated');
    assert.equal(Object.keys(after.calibration.gflops).sort(), [...candidates].sort());
    for (const g of Object.values(after.calibration.gflops)) assert.ok(g > 0, `${g} GFLOP/s`);
    // A new backend of the same module starts with the result.
    tf.engine().reset();
    await tf.setBackend('asc');
    assert.equal(igemmTileChoice(), after);
  }
  tf.engine().reset();
});

test.run();
