// TopK and ArgMax/ArgMin where tfjs-backend-cpu is no reference: infinities and NaN (cpu's TopK
// compares by a difference, NaN for two equal infinities, and its selection can then return a wrong
// set), checked against answers made by hand; and a large selection against a sort.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {rng, tf} from './helpers.mjs';

const topK = (values, k, shape = [values.length]) => tf.tidy(() => {
  const {values: v, indices} = tf.topk(tf.tensor(values, shape), k);
  return [Array.from(v.dataSync()).map(String), Array.from(indices.dataSync())];
});

test('TopK ranks infinities as numbers, equal ones by lower index, and NaN above +Infinity', async () => {
  await tf.setBackend('asc');
  assert.equal(topK([1, Infinity, -Infinity, 3, Infinity, 0], 4), [['Infinity', 'Infinity', '3', '1'], [1, 4, 3, 0]]);
  assert.equal(topK([-Infinity, -1, -Infinity, -2], 4), [['-1', '-2', '-Infinity', '-Infinity'], [1, 3, 0, 2]]);
  assert.equal(topK([1, NaN, 3, NaN, Infinity, -1], 4), [['NaN', 'NaN', 'Infinity', '3'], [1, 3, 4, 2]]);
  // -0 and 0 are equal: the lower index first.
  assert.equal(topK([0, -0, 0, -1], 3), [['0', '0', '0'], [0, 1, 2]]);
  // Each row on its own; a wrong pivot in cpu's selection once returned a value outside the top k here.
  const row = [0.64, -0.66, -0.19, -0.8, 0.42, Infinity, 0.57, -0.42, -0.98, -Infinity, 0.07, -0.25];
  assert.equal(topK([...row, ...row.map((v) => -v)], 5, [2, 12]), [
    ['Infinity', '0.6399999856948853', '0.5699999928474426', '0.41999998688697815', '0.07000000029802322',
      'Infinity', '0.9800000190734863', '0.800000011920929', '0.6600000262260437', '0.41999998688697815'],
    [5, 0, 6, 4, 10, 9, 8, 3, 1, 7]]);
});

test('TopK of k = 100 over 1.3 M values equals the first 100 of a stable sort, with ties', async () => {
  await tf.setBackend('asc');
  const random = rng(23);
  const n = 1_300_000;
  // Quantized values, so the top 100 hold ties that only the index order decides.
  const values = Float32Array.from({length: n}, () => Math.floor(random() * 20000) / 4);
  const [v, i] = topK(values, 100);
  const expected = Array.from(values.keys()).sort((a, b) => values[b] - values[a] || a - b).slice(0, 100);
  assert.equal(i, expected);
  assert.equal(v, expected.map((j) => String(values[j])));
});

test('ArgMax and ArgMin keep the first best, never choose a later NaN, and keep a first NaN', async () => {
  await tf.setBackend('asc');
  const arg = (op, values, shape, axis) => tf.tidy(() => Array.from(tf[op](tf.tensor(values, shape), axis).dataSync()));
  // Rows of 3 (four at a time, one a lane) and of 12 (the vector path).
  assert.equal(arg('argMax', [1, NaN, 5, NaN, 2, 3, 0, -0, 0, -Infinity, -Infinity, -1], [4, 3], 1), [2, 0, 0, 2]);
  assert.equal(arg('argMin', [1, NaN, 5, NaN, 2, 3, 0, -0, 0, -Infinity, -Infinity, -1], [4, 3], 1), [0, 0, 0, 0]);
  const long = [3, 9, NaN, 9, 1, 9, Infinity, 0, 2, Infinity, 5, -Infinity];
  assert.equal(arg('argMax', long, [12], 0), [6]);
  assert.equal(arg('argMin', long, [12], 0), [11]);
  // Along an axis that is not the last: four inner positions at once.
  assert.equal(arg('argMax', [1, 2, 3, 4, NaN, 5, 3, 4, 7, 5, 3, 9], [3, 4], 0), [2, 1, 0, 2]);
});

test.run();
