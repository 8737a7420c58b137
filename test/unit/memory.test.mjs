// Memory behaviour of the asc backend: reuse without leaks, limits, stale views, moving tensors.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {readFileSync} from 'node:fs';
import {UNet} from '../../dist/unet.js';
import {captureReport, resetCaptureReport} from '../../dist/index.js';
import {expectSameOnBoth, randomTensor, rng, tf} from './helpers.mjs';

const ascMemory = () => tf.backend().memory();

/** A small U-Net-like step: conv, batch norm, relu, pool, transposed conv, resize, concat. */
function step(random, size) {
  return tf.tidy(() => {
    const x = randomTensor(random, [1, size, size, 3]);
    const y = tf.relu(tf.batchNorm(tf.conv2d(x, randomTensor(random, [3, 3, 3, 8]), 1, 'same'),
        randomTensor(random, [8]), tf.abs(randomTensor(random, [8]))));
    const down = tf.maxPool(y, 2, 2, 'valid');
    const up = tf.conv2dTranspose(down, randomTensor(random, [2, 2, 8, 8]), [1, down.shape[1] * 2, down.shape[2] * 2, 8], 2, 'valid');
    const resized = tf.image.resizeBilinear(up, [size, size], true);
    return tf.sum(tf.concat([y, resized], 3)).dataSync()[0];
  });
}

test('1000 allocate / compute / dispose cycles leave memory where it started', async () => {
  await tf.setBackend('asc');
  const random = rng(3);
  const sizes = [8, 9, 12, 7, 16];
  for (let i = 0; i < 20; i++) step(random, sizes[i % sizes.length]); // warm-up: memory reaches its working size
  const tensors = tf.memory().numTensors;
  const before = ascMemory();
  for (let i = 0; i < 1000; i++) step(random, sizes[i % sizes.length]);
  const after = ascMemory();
  assert.is(tf.memory().numTensors, tensors, 'numTensors');
  assert.is(after.numBytesInWasm, before.numBytesInWasm, 'bytes in use');
  assert.is(after.wasmMemoryBytes, before.wasmMemoryBytes, 'wasm memory size');
});

/** Runs `use(limit)` on a fresh asc backend whose wasm memory may grow to `limit` bytes. */
async function withMemoryLimit(limit, use) {
  tf.engine().reset(); // also resets the flags: set the limit after it
  tf.env().set('ASC_MAX_MEMORY_BYTES', limit);
  try {
    await tf.setBackend('asc');
    await use(limit);
  } finally {
    tf.engine().reset();
  }
}

test('an allocation past the memory limit throws an Error naming the bytes and the limit; the backend keeps working',
    () => withMemoryLimit(32 * 1024 * 1024, async (limit) => {
  assert.is(ascMemory().wasmMemoryLimitBytes, limit);
  const tensors = tf.memory().numTensors;
  assert.throws(() => tf.zeros([10_000_000]), (e) => e instanceof Error &&
      e.message.includes('40000000 bytes') && e.message.includes(`${limit} bytes`));
  const x = tf.ones([1000, 1000]);
  assert.throws(() => tf.tidy(() => tf.matMul(tf.tile(x, [3, 1]), tf.tile(x, [3, 1]), false, true)), /cannot allocate 36000000 bytes/);
  tf.dispose(x);
  assert.is(tf.memory().numTensors, tensors, 'nothing leaked by the failed calls');
  const y = tf.add(tf.tensor([1, 2, 3]), tf.tensor([10, 20, 30]));
  assert.equal(Array.from(y.dataSync()), [11, 22, 33]);
  y.dispose();
}));

test('a flush program\'s arena, kept between inferences, is freed when an allocation finds the memory full',
    () => withMemoryLimit(32 * 1024 * 1024, async () => {
  const random = rng(11);
  const [filter, bias, x] = [randomTensor(random, [3, 3, 16, 16]), randomTensor(random, [16]), randomTensor(random, [1, 256, 256, 16])];
  // Intermediates of 4 MiB each: the program's arena holds them between inferences.
  const f = () => tf.tidy(() => tf.maxPool(tf.fused.conv2d({x: tf.fused.conv2d({x, filter, strides: 1, pad: 'same', bias,
    activation: 'relu'}), filter, strides: 1, pad: 'same', bias, activation: 'relu'}), 2, 2, 'same').dataSync());
  resetCaptureReport();
  const expected = f();
  for (let i = 0; i < 4; i++) f();
  assert.ok(captureReport().programRuns > 0, 'the inference runs as a program');
  const held = ascMemory().numBytesInWasm;
  // 2 MiB more than is left: fits only once the arena (two 4 MiB intermediates) is freed.
  const big = tf.zeros([(32 * 1024 * 1024 - held + 2 * 1024 * 1024) >> 2]);
  assert.ok(ascMemory().numBytesInWasm < held + big.size * 4 - 6 * 1024 * 1024, 'the arena was freed');
  big.dispose();
  assert.equal(f(), expected, 'the inference runs as before');
  tf.dispose([filter, bias, x]);
}));

test('a U-Net inference that runs out of memory midway throws the limit error, leaks nothing, and the next one works',
    () => withMemoryLimit(48 * 1024 * 1024, async (limit) => {
  const model = UNet.fromSafetensors(readFileSync(new URL('../../assets/unet-cells.safetensors', import.meta.url)));
  const small = tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 5);
  const predict = () => tf.tidy(() => Array.from(model.predict(small).dataSync()));
  const expected = predict(); // also packs the weights, which stay
  const tensors = tf.memory().numTensors;
  const bytes = ascMemory().numBytesInWasm;
  const big = tf.zeros([1, 512, 512, 3]); // 3 MiB fits; its first 16-channel activation (16 MiB) and the next do not
  assert.throws(() => model.predict(big), (e) => e instanceof Error &&
      new RegExp(`cannot allocate \\d+ bytes: the wasm memory limit is ${limit} bytes \\(\\d+ bytes in use\\)`).test(e.message));
  big.dispose();
  assert.is(tf.memory().numTensors, tensors, 'tensors left by the failed inference');
  assert.is(ascMemory().numBytesInWasm, bytes, 'wasm bytes left by the failed inference');
  assert.equal(predict(), expected, 'the same model gives the same output afterwards');
  tf.dispose(small);
  model.dispose();
}));

test('a tfjs-backend-cpu kernel whose outputs do not fit frees everything it made', () => withMemoryLimit(32 * 1024 * 1024, async () => {
  const indices = tf.tensor1d([1, 2, 3], 'int32');
  const state = () => [tf.memory().numTensors, tf.backend().numDataIds(), ascMemory().numBytesInWasm];
  const before = state();
  // Range and OneHot run tfjs-backend-cpu's code; their outputs (80 MB, 48 MB) wait in JS, then cannot move in.
  assert.throws(() => tf.range(0, 2e7), /cannot allocate 80000000 bytes/);
  assert.throws(() => tf.oneHot(indices, 4e6), /cannot allocate 48000000 bytes/);
  assert.equal(state(), before, 'tensors, data entries and wasm bytes');
  assert.equal(Array.from(tf.oneHot(indices, 4).dataSync()), [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
}));

test('tensors past 2 GiB of wasm memory (addresses above 2^31) are written, computed on and read', async () => {
  await tf.setBackend('asc');
  // Three tensors of just under 1 GiB (one tensor's most): the third lies past 2 GiB.
  const length = 2 ** 28 - 4;
  const big = [1, 2, 3].map((v) => tf.fill([length], v));
  try {
    assert.ok(tf.backend().ptr(big[2]) >= 2 ** 31, `the third tensor starts at ${tf.backend().ptr(big[2])}`);
    const tail = tf.slice(big[2], [length - 100], [100]);
    assert.equal(Array.from(tf.add(tail, 1).dataSync().slice(0, 4)), [4, 4, 4, 4]);
    assert.is(tf.sum(tail).dataSync()[0], 300);
  } finally {
    tf.dispose(big);
  }
});

test('a flag outside (0, 4 GiB] is refused with a message naming it', () => {
  assert.throws(() => tf.env().set('ASC_MAX_MEMORY_BYTES', -1), /ASC_MAX_MEMORY_BYTES/);
});

test('unsupported dtypes and attributes get an Error naming them', async () => {
  await tf.setBackend('asc');
  assert.throws(() => tf.backend().write(new Float32Array(2), [2], 'float16'), /unsupported dtype 'float16'/);
  const x = tf.ones([1, 3, 3, 2]);
  const filter = tf.ones([3, 3, 2, 2]);
  assert.throws(() => tf.engine().runKernel('FusedConv2D', {x, filter}, {strides: 1, pad: 'same', dataFormat: 'NHWC',
    dilations: 1, activation: 'swish'}), /unsupported fused activation 'swish'/);
  assert.throws(() => tf.engine().runKernel('ResizeBilinear', {images: x}, {size: [4, 4], alignCorners: true,
    halfPixelCenters: true}), /halfPixelCenters must be false/);
  assert.throws(() => tf.engine().runKernel('MaxPoolGrad', {dy: tf.ones([1, 2, 2, 2]), input: x, output: x},
      {filterSize: 2, strides: 2, pad: 'valid'}), /MaxPoolGrad: dy has shape \[1, 2, 2, 2\], expected \[1, 1, 1, 2\]/);
  assert.throws(() => tf.engine().runKernel('Conv2D', {x, filter: tf.ones([3, 3, 5, 2])}, {strides: 1, pad: 'same',
    dataFormat: 'NHWC', dilations: 1}), /Conv2D: filter has shape \[3, 3, 5, 2\], expected \[3, 3, 2, 2\]/);
  tf.dispose([x, filter]);
});

test('cpu kernels whose outputs grow memory (and share input views) read correct values', async () => {
  // Fresh backend: memory starts small, so these outputs grow it while the kernel's views are live.
  tf.engine().reset();
  await expectSameOnBoth((r) => tf.tile(randomTensor(r, [256, 257]), [40, 3]), {label: 'tile'});
  tf.engine().reset();
  await expectSameOnBoth((r) => tf.split(randomTensor(r, [64, 1024, 3]), [16, 16, 32], 0), {label: 'split'});
  tf.engine().reset();
  await expectSameOnBoth((r) => tf.unstack(randomTensor(r, [8, 100000])), {label: 'unstack'});
});

test('tensors move between backends with tf.setBackend, complex64 included', async () => {
  await tf.setBackend('asc');
  const onAsc = tf.tensor([1.5, -2, 3], [3]);
  const ints = tf.tensor([1, 2, 3], [3], 'int32');
  await tf.setBackend('cpu');
  const onCpu = tf.complex([1, 2], [3, 4]);
  assert.equal(Array.from(tf.add(onAsc, onAsc).dataSync()), [3, -4, 6]);
  await tf.setBackend('asc');
  assert.equal(Array.from(tf.mul(ints, ints).dataSync()), [1, 4, 9]);
  assert.equal(Array.from(tf.real(tf.add(onCpu, onCpu)).dataSync()), [2, 4]);
  assert.equal(Array.from(await onCpu.data()), [1, 3, 2, 4]);
  tf.dispose([onAsc, ints, onCpu]);
});

test('creating the backend is cheap: the module is compiled once', async () => {
  const started = performance.now();
  for (let i = 0; i < 50; i++) {
    tf.engine().reset();
    await tf.setBackend('asc');
    tf.tensor([1]).dispose();
  }
  const each = (performance.now() - started) / 50;
  assert.ok(each < 20, `backend creation took ${each.toFixed(1)} ms`);
});

test.run();
