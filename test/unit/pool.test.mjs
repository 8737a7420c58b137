// Pooling and resize kernels on asc against tfjs-backend-cpu.
import {test} from 'uvu';
import {expectSameOnBoth, randomTensor, randomValues, rng, tf} from './helpers.mjs';

const run = (name, inputs, attrs) => tf.engine().runKernel(name, inputs, attrs);

// [batch, h, w, c, filter, stride, pad]
const POOL_CASES = [
  [1, 1, 1, 1, 1, 1, 'valid'], [1, 4, 4, 3, 2, 2, 'valid'], [2, 7, 9, 5, 2, 2, 'valid'], [1, 7, 9, 7, 3, 2, 'same'],
  [1, 8, 8, 9, 3, 1, 'same'], [1, 5, 6, 16, [2, 3], [1, 2], 'same'], [2, 6, 5, 4, 3, 2, 1],
  [1, 6, 6, 3, 2, 2, [[0, 0], [1, 0], [0, 1], [0, 0]]], [0, 4, 4, 3, 2, 2, 'valid'],
];

for (const kernel of ['MaxPool', 'AvgPool']) {
  test(`${kernel} matches cpu`, async () => {
    let seed = 1;
    for (const [b, h, w, c, f, s, pad] of POOL_CASES) {
      await expectSameOnBoth((r) => run(kernel, {x: randomTensor(r, [b, h, w, c])}, {filterSize: f, strides: s, pad}),
          {terms: 9, label: `${kernel} ${[b, h, w, c, f, s, pad]}`, seed: seed++});
    }
  });
}

test('MaxPool: NaN never wins, -Infinity stays, as on cpu', async () => {
  await expectSameOnBoth(() => run('MaxPool', {x: tf.tensor4d([NaN, 1, -Infinity, NaN, 2, NaN, NaN, NaN], [1, 2, 2, 2])},
      {filterSize: 2, strides: 2, pad: 'valid'}), {label: 'maxpool NaN'});
  await expectSameOnBoth(() => run('AvgPool', {x: tf.tensor4d([NaN, 1, 3, 4], [1, 2, 2, 1])},
      {filterSize: 2, strides: 2, pad: 'valid'}), {label: 'avgpool NaN'});
});

for (const kernel of ['MaxPoolGrad', 'AvgPoolGrad']) {
  test(`${kernel} matches cpu`, async () => {
    let seed = 50;
    for (const [b, h, w, c, f, s, pad] of POOL_CASES) {
      await expectSameOnBoth((r) => {
        const x = randomTensor(r, [b, h, w, c]);
        const attrs = {filterSize: f, strides: s, pad};
        const y = run('MaxPool', {x}, attrs);
        const dy = randomTensor(r, y.shape);
        return kernel === 'MaxPoolGrad' ? run(kernel, {dy, input: x, output: y}, attrs) : run(kernel, {dy, input: x}, attrs);
      }, {terms: 9, label: `${kernel} ${[b, h, w, c, f, s, pad]}`, seed: seed++});
    }
  });
}

test('MaxPoolGrad with ties sends dy to the first maximum', async () => {
  await expectSameOnBoth(() => {
    const x = tf.tensor4d([1, 1, 1, 1, 2, 2, 0, 2, 3], [1, 3, 3, 1]);
    const attrs = {filterSize: 2, strides: 1, pad: 'valid'};
    const y = run('MaxPool', {x}, attrs);
    return run('MaxPoolGrad', {dy: tf.tensor4d([1, 10, 100, 1000], [1, 2, 2, 1]), input: x, output: y}, attrs);
  }, {label: 'ties'});
});

// [batch, inH, inW, c, outH, outW]
const RESIZE_CASES = [
  [1, 1, 1, 1, 3, 3], [1, 4, 4, 3, 8, 8], [2, 5, 7, 5, 9, 4], [1, 8, 8, 7, 3, 5], [1, 37, 53, 9, 74, 106],
  [1, 2, 3, 16, 2, 3], [1, 3, 3, 4, 1, 1], [0, 4, 4, 3, 8, 8],
];
const MODES = [[false, false], [true, false], [false, true]];

for (const kernel of ['ResizeBilinear', 'ResizeNearestNeighbor']) {
  test(`${kernel} matches cpu for alignCorners / halfPixelCenters`, async () => {
    let seed = 100;
    for (const [b, h, w, c, oh, ow] of RESIZE_CASES) {
      for (const [alignCorners, halfPixelCenters] of MODES) {
        await expectSameOnBoth((r) => run(kernel, {images: randomTensor(r, [b, h, w, c])},
            {alignCorners, halfPixelCenters, size: [oh, ow]}),
        {terms: 4, label: `${kernel} ${[b, h, w, c, oh, ow, alignCorners, halfPixelCenters]}`, seed: seed++});
      }
    }
  });
}

test('ResizeNearestNeighbor keeps int32', async () => {
  await expectSameOnBoth((r) => run('ResizeNearestNeighbor', {images: randomTensor(r, [1, 3, 5, 3], 'int32')},
      {alignCorners: true, halfPixelCenters: false, size: [7, 4]}), {label: 'nearest int32'});
});

test('ResizeBilinearGrad matches cpu (which ignores halfPixelCenters: compared without it)', async () => {
  let seed = 200;
  for (const [b, h, w, c, oh, ow] of RESIZE_CASES) {
    for (const alignCorners of [false, true]) {
      // cpu labels its result [b, w, h, c] (its data are [b, h, w, c]); asc returns [b, h, w, c].
      await expectSameOnBoth((r) => tf.reshape(run('ResizeBilinearGrad', {images: randomTensor(r, [b, h, w, c]),
        dy: randomTensor(r, [b, oh, ow, c])}, {alignCorners, halfPixelCenters: false}), [b, h, w, c]),
      {terms: 16, label: `resize grad ${[b, h, w, c, oh, ow, alignCorners]}`, seed: seed++});
    }
  }
});

test('ResizeBilinearGrad with halfPixelCenters is the transpose of the forward pass', async () => {
  // <dy, resize(x)> == <grad(dy), x> for every x, dy: checked on random pairs.
  await tf.setBackend('asc');
  const r = rng(7);
  for (const [b, h, w, c, oh, ow] of RESIZE_CASES.filter((cs) => cs[0] > 0)) {
    const x = tf.tensor4d(randomValues(r, b * h * w * c), [b, h, w, c]);
    const dy = tf.tensor4d(randomValues(r, b * oh * ow * c), [b, oh, ow, c]);
    const attrs = {alignCorners: false, halfPixelCenters: true};
    const y = run('ResizeBilinear', {images: x}, {...attrs, size: [oh, ow]});
    const dx = run('ResizeBilinearGrad', {images: x, dy}, attrs);
    if (dx.shape.join() !== x.shape.join()) throw new Error(`dx shape ${dx.shape}, expected ${x.shape}`);
    const lhs = tf.sum(tf.mul(dy, y)).dataSync()[0];
    const rhs = tf.sum(tf.mul(dx, x)).dataSync()[0];
    if (Math.abs(lhs - rhs) > 1e-4 * Math.max(1, Math.abs(lhs))) {
      throw new Error(`adjoint mismatch ${lhs} vs ${rhs} for ${[b, h, w, c, oh, ow]}`);
    }
    tf.dispose([x, dy, y, dx]);
  }
});

test.run();
