// Element-wise, shape and matmul kernels on asc against tfjs-backend-cpu.
import {test} from 'uvu';
import {expectSameOnBoth, randomTensor, tf} from './helpers.mjs';

const run = (name, inputs, attrs) => tf.engine().runKernel(name, inputs, attrs);

test('Concat on every axis, odd sizes, every fixed-width dtype, empty parts', async () => {
  let seed = 1;
  for (const dtype of ['float32', 'int32', 'bool']) {
    for (const axis of [0, 1, 2, 3, -1]) {
      await expectSameOnBoth((r) => {
        const shapes = [[2, 3, 5, 7], [2, 3, 5, 7], [2, 3, 5, 7]];
        const a = axis < 0 ? 3 : axis;
        shapes[1][a] = 1;
        shapes[2][a] = 0;
        return run('Concat', shapes.map((s) => randomTensor(r, s, dtype)), {axis});
      }, {label: `concat ${dtype} axis ${axis}`, seed: seed++});
    }
  }
  await expectSameOnBoth((r) => run('Concat', [randomTensor(r, [0, 3]), randomTensor(r, [0, 3])], {axis: 0}), {label: 'all empty'});
  await expectSameOnBoth((r) => run('Concat', Array.from({length: 70}, () => randomTensor(r, [2, 3])), {axis: 1}),
      {label: 'many inputs'});
});

test('FusedBatchNorm with and without scale / offset, per-channel and scalar parameters', async () => {
  let seed = 20;
  for (const c of [1, 3, 5, 16]) {
    for (const [withScale, withOffset] of [[true, true], [false, true], [true, false], [false, false]]) {
      await expectSameOnBoth((r) => {
        const x = randomTensor(r, [2, 3, 4, c]);
        const inputs = {x, mean: randomTensor(r, [c]), variance: tf.abs(randomTensor(r, [c]))};
        if (withScale) inputs.scale = randomTensor(r, [c]);
        if (withOffset) inputs.offset = randomTensor(r, [c]);
        return run('FusedBatchNorm', inputs, {varianceEpsilon: 1e-3});
      }, {terms: 4, label: `batchnorm c=${c} ${withScale} ${withOffset}`, seed: seed++});
    }
  }
  await expectSameOnBoth((r) => run('FusedBatchNorm', {x: randomTensor(r, [3, 6]), mean: randomTensor(r, [2]),
    variance: tf.abs(randomTensor(r, [3])), scale: randomTensor(r, [1])}, {varianceEpsilon: 0.1}), {terms: 4, label: 'mixed lengths'});
});

test('Relu and Relu6 on float32 (with NaN) and int32', async () => {
  for (const kernel of ['Relu', 'Relu6']) {
    await expectSameOnBoth((r) => run(kernel, {x: tf.mul(randomTensor(r, [3, 7]), 10)}), {label: kernel});
    await expectSameOnBoth(() => run(kernel, {x: tf.tensor([NaN, -1, 0, 3, 7, Infinity, -Infinity])}), {label: `${kernel} NaN`});
    await expectSameOnBoth((r) => run(kernel, {x: randomTensor(r, [2, 9], 'int32')}), {label: `${kernel} int32`});
  }
});

test('Add, Sub, Multiply, Prelu broadcast every way, float32 and int32', async () => {
  const pairs = [[[2, 3, 5], [2, 3, 5]], [[2, 3, 5], [5]], [[5], [2, 3, 5]], [[2, 1, 5], [3, 1]], [[], [4, 3]],
    [[4, 3], []], [[1, 7], [9, 1]], [[2, 3, 4, 5, 6], [3, 1, 5, 1]], [[0, 3], [3]], [[1], [1]]];
  let seed = 40;
  for (const kernel of ['Add', 'Sub', 'Multiply']) {
    for (const dtype of ['float32', 'int32']) {
      for (const [sa, sb] of pairs) {
        await expectSameOnBoth((r) => run(kernel, {a: randomTensor(r, sa, dtype), b: randomTensor(r, sb, dtype)}),
            {terms: 2, label: `${kernel} ${dtype} ${sa} ${sb}`, seed: seed++});
      }
    }
  }
  for (const [sa, sb] of pairs) {
    await expectSameOnBoth((r) => run('Prelu', {x: randomTensor(r, sa), alpha: randomTensor(r, sb)}),
        {terms: 2, label: `prelu ${sa} ${sb}`, seed: seed++});
  }
});

test('BatchMatMul: transposes, batch broadcasting, odd sizes', async () => {
  let seed = 80;
  for (const [sa, sb, ta, tb] of [
    [[1, 1], [1, 1], false, false], [[3, 5], [5, 7], false, false], [[5, 3], [5, 17], true, false],
    [[3, 5], [19, 5], false, true], [[5, 3], [7, 5], true, true], [[2, 3, 4], [2, 4, 33], false, false],
    [[2, 3, 4], [4, 5], false, false], [[1, 3, 4], [4, 4, 5], false, false],
    [[3, 0], [0, 4], false, false], [[0, 3], [3, 4], false, false], [[17, 64], [64, 48], false, false]]) {
    await expectSameOnBoth((r) => run('BatchMatMul', {a: randomTensor(r, sa), b: randomTensor(r, sb)},
        {transposeA: ta, transposeB: tb}), {terms: sa[sa.length - (ta ? 2 : 1)], label: `matmul ${sa} ${sb} ${ta} ${tb}`, seed: seed++});
  }
  // Batch dimensions that broadcast both ways ([2, 2] and [2, 1]): tfjs-backend-cpu reads batch i
  // of b as i % 2, which is wrong here, so its side gets b tiled to the full batch first.
  await expectSameOnBoth((r) => {
    const [a, b] = [randomTensor(r, [2, 2, 3, 4]), randomTensor(r, [2, 1, 4, 6])];
    const attrs = {transposeA: false, transposeB: false};
    return tf.getBackend() === 'cpu' ? run('BatchMatMul', {a, b: tf.tile(b, [1, 2, 1, 1])}, attrs) : run('BatchMatMul', {a, b}, attrs);
  }, {terms: 4, label: 'matmul broadcasting both ways'});
});

test('_FusedMatMul: bias shapes and activations', async () => {
  let seed = 100;
  for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu', 'prelu']) {
    for (const biasShape of [null, [6], [4, 6]]) {
      await expectSameOnBoth((r) => {
        const inputs = {a: randomTensor(r, [4, 9]), b: randomTensor(r, [9, 6])};
        if (biasShape) inputs.bias = randomTensor(r, biasShape);
        if (activation === 'prelu') inputs.preluActivationWeights = randomTensor(r, [6]);
        return run('_FusedMatMul', inputs, {transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2});
      }, {terms: 10, label: `fused matmul ${activation} ${biasShape}`, seed: seed++});
    }
  }
});

test('Transpose: permutations of rank 1 to 5, every fixed-width dtype', async () => {
  let seed = 120;
  for (const dtype of ['float32', 'int32', 'bool']) {
    for (const [shape, perm] of [[[7], [0]], [[3, 5], [1, 0]], [[2, 3, 5], [2, 0, 1]], [[2, 3, 5], [0, 2, 1]],
      [[2, 3, 4, 5], [0, 3, 1, 2]], [[2, 3, 4, 5], [0, 2, 3, 1]], [[1, 3, 1, 5, 2], [4, 3, 2, 1, 0]], [[2, 0, 3], [2, 1, 0]],
      [[9, 17], [1, 0]]]) {
      await expectSameOnBoth((r) => run('Transpose', {x: randomTensor(r, shape, dtype)}, {perm}),
          {label: `transpose ${dtype} ${shape} ${perm}`, seed: seed++});
    }
  }
});

test('PadV2: ranks 1 to 4, constants, every fixed-width dtype', async () => {
  let seed = 160;
  for (const dtype of ['float32', 'int32', 'bool']) {
    for (const [shape, paddings, constantValue] of [[[5], [[2, 3]], 0], [[3, 4], [[1, 0], [0, 2]], 1.5],
      [[2, 3, 5], [[0, 0], [1, 1], [2, 2]], -7], [[1, 5, 5, 3], [[0, 0], [1, 1], [1, 1], [0, 0]], 0],
      [[2, 0, 3], [[1, 1], [1, 1], [0, 0]], 3], [[], [], 0]]) {
      await expectSameOnBoth((r) => run('PadV2', {x: randomTensor(r, shape, dtype)}, {paddings, constantValue}),
          {label: `pad ${dtype} ${shape}`, seed: seed++});
    }
  }
});

test('Cast between float32, int32 and bool', async () => {
  for (const from of ['float32', 'int32', 'bool']) {
    for (const to of ['float32', 'int32', 'bool']) {
      await expectSameOnBoth((r) => run('Cast', {x: tf.mul(randomTensor(r, [3, 5], from), from === 'bool' ? 1 : 3)}, {dtype: to}),
          {label: `cast ${from} -> ${to}`});
    }
  }
});

test.run();
