// The kernels a U-Net training step spent its time in on tfjs-backend-cpu's JavaScript (tf.profile:
// Sum, Mean, SplitV, Tile, RealDiv, Sqrt, Square, Step), now in wasm, against tfjs-backend-cpu.
import {test} from 'uvu';
import {expectSameOnBoth, randomTensor, tf} from './helpers.mjs';

const run = (name, inputs, attrs) => tf.engine().runKernel(name, inputs, attrs);

test('Sum and Mean over consecutive axes (BatchNorm statistics, long runs), others on cpu, keepDims, empty', async () => {
  const cases = [[[4, 5, 6, 7], [0, 1, 2]], [[4, 5, 6, 7], [3]], [[4, 5, 6, 7], [1, 2]], [[4, 5, 6, 7], null],
    [[4, 5, 6, 7], [0]], [[4, 5, 6, 7], [0, 2]], [[2, 3], [-1]], [[8, 64, 64, 5], [0, 1, 2]], [[3, 4097], [1]],
    [[0, 3], [0]], [[3, 0], [1]], [[7], [0]], [[], []]];
  let seed = 1;
  for (const kernel of ['Sum', 'Mean']) {
    for (const [shape, axis] of cases) {
      for (const keepDims of [false, true]) {
        const terms = axis == null ? shape.reduce((a, b) => a * b, 1) : shape.filter((_, i) => axis.includes(i)).reduce((a, b) => a * b, 1);
        await expectSameOnBoth((r) => run(kernel, {x: randomTensor(r, shape)}, {axis: axis ?? [...shape.keys()], keepDims}),
            {terms: Math.max(terms, 1), label: `${kernel} ${shape} axis ${axis} keepDims ${keepDims}`, seed: seed++});
      }
    }
    await expectSameOnBoth(() => run(kernel, {x: tf.tensor([[1, NaN], [3, 4]])}, {axis: [0], keepDims: false}), {label: `${kernel} NaN`});
    await expectSameOnBoth((r) => run(kernel, {x: randomTensor(r, [3, 5], 'int32')}, {axis: [1], keepDims: false}), {label: `${kernel} int32`});
  }
});

test('Slice and SplitV: ranks 1 to 4, the last axis (channel splits), every fixed-width dtype', async () => {
  let seed = 100;
  for (const dtype of ['float32', 'int32', 'bool']) {
    await expectSameOnBoth((r) => run('Slice', {x: randomTensor(r, [9], dtype)}, {begin: [2], size: [5]}), {label: `${dtype} rank 1`, seed: seed++});
    await expectSameOnBoth((r) => run('Slice', {x: randomTensor(r, [4, 7], dtype)}, {begin: [1, 2], size: [2, -1]}), {label: `${dtype} rank 2`, seed: seed++});
    await expectSameOnBoth((r) => run('Slice', {x: randomTensor(r, [3, 4, 5], dtype)}, {begin: [1, 0, 3], size: [2, 4, 2]}), {label: `${dtype} rank 3`, seed: seed++});
    await expectSameOnBoth((r) => run('Slice', {x: randomTensor(r, [2, 5, 6, 7], dtype)}, {begin: [1, 1, 2, 3], size: [1, 3, 4, 4]}), {label: `${dtype} rank 4`, seed: seed++});
    await expectSameOnBoth((r) => run('SplitV', {x: randomTensor(r, [2, 3, 4, 24], dtype)}, {numOrSizeSplits: [16, 8], axis: 3}), {label: `${dtype} split channels`, seed: seed++});
    await expectSameOnBoth((r) => run('SplitV', {x: randomTensor(r, [6, 5], dtype)}, {numOrSizeSplits: 3, axis: 0}), {label: `${dtype} split rows`, seed: seed++});
  }
  await expectSameOnBoth((r) => run('Slice', {x: randomTensor(r, [2, 3, 2, 2, 3])}, {begin: [0, 1, 0, 1, 1], size: [2, 2, 2, 1, 2]}), {label: 'rank 5 on cpu'});
  await expectSameOnBoth((r) => run('Slice', {x: randomTensor(r, [4, 3])}, {begin: [1, 1], size: [0, 2]}), {label: 'empty'});
  await expectSameOnBoth((r) => run('SplitV', {x: randomTensor(r, [2, 7])}, {numOrSizeSplits: [3, -1, 0], axis: 1}), {label: 'split -1 and 0'});
});

test('Tile: ranks 1 to 4, every fixed-width dtype', async () => {
  let seed = 200;
  for (const dtype of ['float32', 'int32', 'bool']) {
    for (const [shape, reps] of [[[3], [4]], [[2, 3], [3, 2]], [[1, 1, 5], [2, 3, 1]], [[1, 1, 1, 16], [2, 8, 8, 1]], [[2, 1, 3, 2], [1, 4, 2, 3]]]) {
      await expectSameOnBoth((r) => run('Tile', {x: randomTensor(r, shape, dtype)}, {reps}), {label: `${dtype} ${shape} x ${reps}`, seed: seed++});
    }
  }
  await expectSameOnBoth((r) => run('Tile', {x: randomTensor(r, [2, 3])}, {reps: [0, 2]}), {label: 'zero reps'});
});

test('RealDiv broadcasting, by zero; Sqrt, Square, Step (alpha), Neg, Abs with NaN, infinities, negatives', async () => {
  let seed = 300;
  for (const [sa, sb] of [[[2, 3, 5], [2, 3, 5]], [[2, 3, 5], [5]], [[], [4, 3]], [[1, 7], [9, 1]]]) {
    await expectSameOnBoth((r) => run('RealDiv', {a: randomTensor(r, sa), b: tf.add(randomTensor(r, sb), 1.5)}),
        {terms: 2, label: `RealDiv ${sa} ${sb}`, seed: seed++});
  }
  await expectSameOnBoth(() => run('RealDiv', {a: tf.tensor([1, -1, 0, NaN]), b: tf.tensor([0, 0, 0, 1])}), {label: 'by zero'});
  await expectSameOnBoth((r) => run('RealDiv', {a: randomTensor(r, [5], 'int32'), b: tf.tensor([1, 2, 3, 4, 5], [5], 'int32')}), {label: 'int32 on cpu'});
  const special = () => tf.tensor([NaN, -Infinity, Infinity, -2.5, -0, 0, 1e-30, 3, 1e30]);
  for (const [kernel, attrs] of [['Sqrt'], ['Square'], ['Step', {alpha: 0}], ['Step', {alpha: 0.25}], ['Neg'], ['Abs']]) {
    await expectSameOnBoth((r) => run(kernel, {x: tf.mul(randomTensor(r, [3, 11]), 4)}, attrs), {label: kernel, seed: seed++});
    await expectSameOnBoth(() => run(kernel, {x: special()}, attrs), {label: `${kernel} special values`});
  }
  await expectSameOnBoth((r) => run('Abs', {x: randomTensor(r, [7], 'int32')}), {label: 'Abs int32 on cpu'});
});

test.run();
