// NaN and infinities: asc gives what tfjs-backend-cpu gives, hand-computed for max-pool, relu and
// conv, and against cpu for the rest of the wasm kernels with NaN and infinities sprinkled in.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {expectSameOnBoth, randomValues, tf} from './helpers.mjs';

/** Asserts `compute()` gives `expected` (NaN matching NaN) on cpu and on asc. */
async function expectOnBoth(compute, expected, label) {
  for (const backend of ['cpu', 'asc']) {
    await tf.setBackend(backend);
    const got = tf.tidy(() => Array.from(compute().dataSync()));
    assert.equal(got.map(String), expected.map(String), `${label} on ${backend}`);
  }
}

test('max-pool skips NaN as tfjs-backend-cpu does (a window of NaN alone gives -Infinity); infinities compare as numbers', async () => {
  const x = () => tf.tensor4d([NaN, 1, NaN, -Infinity, 5, -2, NaN, Infinity, NaN, NaN, -3, -Infinity], [1, 2, 6, 1]);
  await expectOnBoth(() => tf.maxPool(x(), [2, 2], [2, 2], 'valid'), [Infinity, -Infinity, 5], 'maxPool 2x2');
  await expectOnBoth(() => tf.maxPool(tf.fill([1, 2, 2, 1], NaN), 2, 2, 'valid'), [-Infinity], 'maxPool of NaN');
  // Average pooling and the gradient of max-pooling carry NaN as arithmetic does.
  await expectOnBoth(() => tf.avgPool(x(), [2, 2], [2, 2], 'valid'), [NaN, NaN, -Infinity], 'avgPool 2x2');
});

test('relu, relu6 and leaky relu keep NaN, clamp infinities', async () => {
  const x = () => tf.tensor([NaN, -Infinity, Infinity, -1, 7]);
  await expectOnBoth(() => tf.relu(x()), [NaN, 0, Infinity, 0, 7], 'relu');
  await expectOnBoth(() => tf.relu6(x()), [NaN, 0, 6, 0, 6], 'relu6');
  await expectOnBoth(() => tf.leakyRelu(x(), 0.5), [NaN, -Infinity, Infinity, -0.5, 7], 'leakyRelu');
});

test('conv: NaN inputs spread to the outputs whose window holds them; padded taps of infinite weights are skipped', async () => {
  const filter = () => tf.ones([1, 2, 1, 1]);
  await expectOnBoth(() => tf.conv2d(tf.tensor4d([1, NaN, 2, 3], [1, 1, 4, 1]), filter(), 1, 'valid'), [NaN, NaN, 5], 'NaN input');
  await expectOnBoth(() => tf.conv2d(tf.tensor4d([1, Infinity, 2, -Infinity], [1, 1, 4, 1]), filter(), 1, 'valid'),
      [Infinity, Infinity, -Infinity], 'infinite inputs');
  await expectOnBoth(() => tf.conv2d(tf.tensor4d([1, -Infinity, Infinity, 3], [1, 1, 4, 1]), filter(), 1, 'valid'),
      [-Infinity, NaN, Infinity], 'inf - inf');
  // out[0] = pad * Inf (skipped) + 1 + 2; out[1] = 1 * Inf + 2 + 3; out[2] = 2 * Inf + 3 + pad (skipped).
  const infWeight = () => tf.tensor4d([Infinity, 1, 1], [1, 3, 1, 1]);
  await expectOnBoth(() => tf.conv2d(tf.tensor4d([1, 2, 3], [1, 1, 3, 1]), infWeight(), 1, 'same'), [3, Infinity, Infinity], 'infinite weight');
  await expectOnBoth(() => tf.fused.conv2d({x: tf.tensor4d([1, 2, 3], [1, 1, 3, 1]), filter: infWeight(), strides: 1, pad: 'same',
    bias: tf.tensor1d([1]), activation: 'relu'}), [4, Infinity, Infinity], 'infinite weight, fused');
});

/** Seeded values in [-1, 1) with every seventh NaN, +Infinity or -Infinity. */
function withSpecials(random, shape) {
  const values = randomValues(random, shape.reduce((a, b) => a * b, 1));
  for (let i = 3; i < values.length; i += 7) values[i] = [NaN, Infinity, -Infinity][i % 3];
  return tf.tensor(values, shape);
}

test('every other wasm kernel gives cpu\'s NaN and infinities', async () => {
  const cases = {
    'fused conv + bias + relu6': (r) => tf.fused.conv2d({x: withSpecials(r, [2, 6, 6, 5]), filter: tf.tensor(randomValues(r, 3 * 3 * 5 * 6), [3, 3, 5, 6]),
      strides: 1, pad: 'same', bias: withSpecials(r, [6]), activation: 'relu6'}),
    'fused matmul + elu': (r) => tf.fused.matMul({a: withSpecials(r, [5, 9]), b: withSpecials(r, [9, 6]), activation: 'elu'}),
    'depthwise conv': (r) => tf.depthwiseConv2d(withSpecials(r, [1, 5, 5, 3]), tf.tensor(randomValues(r, 27), [3, 3, 3, 1]), 1, 'same'),
    'transposed conv': (r) => tf.conv2dTranspose(withSpecials(r, [1, 3, 3, 4]), tf.tensor(randomValues(r, 2 * 2 * 2 * 4), [2, 2, 2, 4]),
        [1, 6, 6, 2], 2, 'valid'),
    'batch norm': (r) => tf.batchNorm(withSpecials(r, [2, 3, 3, 4]), withSpecials(r, [4]), tf.abs(withSpecials(r, [4])),
        withSpecials(r, [4]), withSpecials(r, [4]), 1e-3),
    'resize bilinear': (r) => tf.image.resizeBilinear(withSpecials(r, [1, 4, 5, 3]), [7, 9], true),
    'resize nearest': (r) => tf.image.resizeNearestNeighbor(withSpecials(r, [1, 4, 5, 3]), [7, 9], false, true),
    'add, mul, div': (r) => tf.div(tf.mul(tf.add(withSpecials(r, [4, 9]), withSpecials(r, [9])), withSpecials(r, [4, 1])), withSpecials(r, [4, 9])),
    'sum and mean': (r) => [tf.sum(withSpecials(r, [3, 5, 4]), [0, 1]), tf.mean(withSpecials(r, [3, 5, 4]), 2)],
    'sqrt, square, abs, neg, step': (r) => {
      const x = withSpecials(r, [30]);
      return [tf.sqrt(x), tf.square(x), tf.abs(x), tf.neg(x), tf.step(x, 0.5)];
    },
    'cast to int32 and bool': (r) => [tf.cast(withSpecials(r, [30]), 'int32'), tf.cast(withSpecials(r, [30]), 'bool')],
  };
  for (const [label, compute] of Object.entries(cases)) await expectSameOnBoth(compute, {terms: 45, label});
});

test.run();
