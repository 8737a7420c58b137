// The kernels mobile models run, at their shapes, against tfjs-backend-cpu: the depthwise strips
// (3x3 and 5x5, stride 1 and 2, with the fused epilogues), pointwise and few-channel convolutions,
// element-wise functions, reductions over the spatial axes, softmax, data movement. Plus
// hand-computed cases where cpu itself is wrong (StridedSlice with a shrink and a stride).
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {expectSameOnBoth, randomTensor, tf} from './helpers.mjs';
import {jsFallbackReport, resetJsFallbackReport} from '../../dist/index.js';

test('FusedDepthwiseConv2D: 3x3 and 5x5, stride 1 and 2, bias and relu6/relu/linear, as on cpu', async () => {
  for (const [size, channels, kernel, stride, activation] of [[17, 24, 3, 1, 'relu6'], [16, 37, 3, 2, 'relu'],
    [15, 16, 5, 1, 'linear'], [32, 8, 5, 2, 'relu6'], [7, 96, 3, 1, 'relu6']]) {
    await expectSameOnBoth((random) => tf.fused.depthwiseConv2d({x: randomTensor(random, [2, size, size, channels]),
      filter: randomTensor(random, [kernel, kernel, channels, 1]), strides: stride, pad: 'same',
      bias: randomTensor(random, [channels]), activation}), {terms: kernel * kernel + 1, label: `${size}x${channels} ${kernel}x${kernel} s${stride}`});
  }
});

test('convolutions with few input channels (direct), one output channel, one output pixel', async () => {
  await expectSameOnBoth((random) => tf.fused.conv2d({x: randomTensor(random, [1, 33, 33, 3]),
    filter: randomTensor(random, [3, 3, 3, 16]), strides: 2, pad: 'same', bias: randomTensor(random, [16]), activation: 'relu6'}),
  {terms: 28, label: 'RGB stem'});
  await expectSameOnBoth((random) => tf.fused.conv2d({x: randomTensor(random, [2, 20, 20, 13]),
    filter: randomTensor(random, [3, 3, 13, 1]), strides: 1, pad: 'same', bias: randomTensor(random, [1]), activation: 'sigmoid'}),
  {terms: 118, label: 'one output channel'});
  await expectSameOnBoth((random) => tf.fused.conv2d({x: randomTensor(random, [1, 1, 1, 40]),
    filter: randomTensor(random, [1, 1, 40, 21]), strides: 1, pad: 'valid', bias: randomTensor(random, [21]), activation: 'relu'}),
  {terms: 41, label: 'one output pixel'});
  await expectSameOnBoth((random) => tf.fused.matMul({a: randomTensor(random, [1, 300]), b: randomTensor(random, [300, 37]),
    bias: randomTensor(random, [37]), activation: 'elu'}), {terms: 301, label: 'one-row matmul'});
});

test('element-wise functions, squeeze-excite broadcasts, spatial reductions and softmax', async () => {
  await expectSameOnBoth((random) => {
    const x = tf.mul(randomTensor(random, [1, 14, 14, 40]), 8);
    const se = tf.sigmoid(tf.mean(x, [1, 2], true));
    return [tf.mul(x, se), tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)), tf.clipByValue(x, -1, 6), tf.tanh(x), tf.exp(x),
      tf.leakyRelu(x, 0.1), tf.maximum(x, tf.max(x, [1, 2], true)), tf.min(x, [1, 2]), tf.softmax(tf.reshape(x, [14 * 14, 40]))];
  }, {terms: 8, label: 'mobile element-wise'});
});

test('StridedSlice: a shrink with a stride of 2 (cpu reads the wrong elements there), hand-computed', async () => {
  await tf.setBackend('asc');
  const x = tf.tensor3d(Array.from({length: 2 * 3 * 4}, (_, i) => i), [2, 3, 4]);
  // x[1, ::2, 1::2] -> [[13, 15], [21, 23]]
  const y = tf.stridedSlice(x, [1, 0, 1], [2, 3, 4], [1, 2, 2], 0, 0, 0, 0, 1);
  assert.equal(y.shape, [2, 2]);
  assert.equal(Array.from(y.dataSync()), [13, 15, 21, 23]);
  // Reversed with a new axis: x[:, newaxis, -1, ::-1].
  const z = tf.stridedSlice(x, [0, 0, -1, 0], [0, 0, 0, 0], [1, 1, 1, -1], 1 | 8, 1 | 8, 0, 2, 4);
  assert.equal(z.shape, [2, 1, 4]);
  assert.equal(Array.from(z.dataSync()), [11, 10, 9, 8, 23, 22, 21, 20]);
  tf.dispose([x, y, z]);
});

test('MirrorPad, Pack, Unpack, Select and the comparisons, as on cpu', async () => {
  await expectSameOnBoth((random) => {
    const x = randomTensor(random, [1, 6, 5, 3]);
    const [a, b] = tf.unstack(tf.stack([x, tf.neg(x)], 1), 1);
    return [tf.mirrorPad(x, [[0, 0], [2, 1], [1, 2], [0, 0]], 'reflect'), tf.mirrorPad(x, [[0, 0], [3, 3], [0, 5], [0, 0]], 'symmetric'),
      tf.where(tf.greater(a, 0), a, b), tf.cast(tf.lessEqual(x, tf.scalar(0.25)), 'int32'), tf.cast(tf.equal(a, tf.neg(b)), 'int32')];
  }, {label: 'data movement'});
});

test('GatherV2, a dilated convolution by SpaceToBatchND/BatchToSpaceND, DepthToSpace, Fill, ZerosLike, OnesLike: in wasm, as on cpu', async () => {
  await tf.setBackend('asc');
  resetJsFallbackReport('asc');
  await expectSameOnBoth((random) => {
    const x = randomTensor(random, [2, 9, 11, 6]);
    const filter = randomTensor(random, [3, 3, 6, 4]);
    // TensorFlow's form of a rate-2 atrous convolution (what tfjs-converter keeps from some graphs).
    const spaced = tf.spaceToBatchND(x, [2, 2], [[2, 3], [2, 1]]);
    const atrous = tf.batchToSpaceND(tf.conv2d(spaced, filter, 1, 'valid'), [2, 2], [[0, 1], [0, 0]]);
    return [atrous, tf.depthToSpace(tf.slice(x, [0, 0, 0, 0], [2, 9, 11, 4]), 2),
      tf.gather(x, tf.tensor1d([5, 0, 5, 2], 'int32'), 3), tf.gather(x, tf.tensor2d([[8, 0], [1, 1]], [2, 2], 'int32'), 1, 1),
      tf.gather(tf.cast(x, 'int32'), tf.tensor1d([1], 'int32'), 0)];
  }, {terms: 54, label: 'data movement of mobile models'});
  await expectSameOnBoth((random) => {
    const x = randomTensor(random, [2, 3, 5]);
    return [tf.zerosLike(x), tf.onesLike(tf.cast(x, 'int32')), tf.fill([3, 4], 2.5), tf.fill([2, 2], 7, 'int32'),
      tf.fill([5], 1, 'bool'), tf.zerosLike(tf.greater(x, 0))];
  }, {label: 'one value'});
  const ran = jsFallbackReport('asc').map((k) => k.kernel);
  for (const kernel of ['GatherV2', 'SpaceToBatchND', 'BatchToSpaceND', 'DepthToSpace', 'ZerosLike', 'OnesLike', 'Fill']) {
    assert.not.ok(ran.includes(kernel), kernel);
  }
  assert.throws(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([3], 'int32')), /GatherV2: the index value 3 is not in \[0, 2\]/);
});

test.run();
