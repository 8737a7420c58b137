// WebGPU in Node through the `webgpu` package (Dawn; on a machine without a GPU, Mesa's llvmpipe
// behind OpenGL ES): initBackend's choice and report, the U-Net against PyTorch's fixtures, every
// U-Net kernel against asc at U-Net shapes, the kernel handoff to asc, and warmup.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {execFileSync, spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import {getKernel, registerKernel, unregisterKernel} from '@tensorflow/tfjs-core';
import {initBackend, installKernelHandoff, kernelHandoffReport, resetKernelHandoffReport, warmup} from '../../dist/index.js';
import {readSafetensors, toFloat32, UNet} from '../../dist/unet.js';
import {randomValues, rng} from '../unit/helpers.mjs';

const fixture = (name, part) => readFileSync(new URL(`../fixtures/unet/${name}.${part}.safetensors`, import.meta.url));

/** max|a - b| and max|b| of two same-shaped outputs, read asynchronously (webgpu in Node has no sync read). */
async function difference(a, b) {
  const [va, vb] = await Promise.all([a.data(), b.data()]);
  let diff = 0, scale = 0;
  for (let i = 0; i < vb.length; i++) {
    diff = Math.max(diff, Math.abs(va[i] - vb[i]));
    scale = Math.max(scale, Math.abs(vb[i]));
  }
  return {diff, scale};
}

test('initBackend passes over the software adapter (llvmpipe) for asc by default, describing it', async () => {
  const report = await initBackend();
  assert.is(report.chosen, 'asc');
  assert.is(tf.getBackend(), 'asc');
  assert.equal(report.skipped.map((s) => s.backend), ['webgpu']);
  assert.match(report.skipped[0].reason, /^the WebGPU adapter is a software rasterizer \(llvmpipe.*\) and softwareWebGpu is false$/);
  assert.is(report.features.webgpuReason, report.skipped[0].reason);
  assert.is(report.features.webgpu.software, true, 'the adapter passed over is described');
  assert.equal(report.features.webgpu.dawnFlags, ['backend=opengles']);
  assert.equal(report.kernelHandoff, []);
});

test('in a fresh process, initBackend prints nothing from Dawn: its warnings land in the reasons', () => {
  const run = (options) => spawnSync(process.execPath, ['--input-type=module', '-e',
    `const {initBackend} = await import('./dist/index.js'); console.log(JSON.stringify(await initBackend(${options})));`],
  {cwd: new URL('../..', import.meta.url).pathname, encoding: 'utf8'});
  const byDefault = run('');
  assert.is(byDefault.status, 0, byDefault.stderr);
  assert.is(byDefault.stderr, '', 'nothing on stderr');
  assert.is(JSON.parse(byDefault.stdout).chosen, 'asc');
  // Dawn's native backend alone (Vulkan: no driver here): its warning is in the reason, not on stderr.
  const vulkanOnly = run("{dawnFlags: [[]]}");
  assert.is(vulkanOnly.stderr, '', 'nothing on stderr');
  const [skipped] = JSON.parse(vulkanOnly.stdout).skipped;
  assert.is(skipped.backend, 'webgpu');
  assert.match(skipped.reason, /^Dawn found no adapter \(flags tried: \[\] \(Dawn: Warning: Couldn't load Vulkan/);
});

test('with softwareWebGpu, initBackend picks webgpu (Dawn) and reports the adapter, the asc features and the handed-off kernels', async () => {
  const report = await initBackend({softwareWebGpu: true});
  assert.is(report.chosen, 'webgpu');
  assert.is(tf.getBackend(), 'webgpu');
  assert.equal(report.skipped, []);
  assert.is(report.features.webgpu.source, 'webgpu');
  assert.ok(report.features.webgpu.description.length > 0, 'adapter description');
  assert.is(report.features.webgpuReason, null);
  assert.is(report.features.webgpu.software, true, 'llvmpipe is a software rasterizer');
  assert.is(report.features.wasmSimd, true);
  assert.type(report.features.relaxedSimd, 'boolean');
  assert.ok(report.features.threads >= 1 && report.features.cores >= 1);
  // Kernels tfjs-backend-webgpu 4.22 does not have; each must now run on asc.
  for (const kernel of ['Unique', 'SparseReshape', 'StringSplit', 'RaggedRange']) {
    assert.ok(report.kernelHandoff.includes(kernel), `${kernel} is handed to asc`);
  }
  const active = tf.backend();
  const again = await initBackend({softwareWebGpu: true});
  assert.is(again.chosen, 'webgpu');
  assert.is(tf.backend(), active, 'a second call reuses the device and the backend');
  assert.equal(again.kernelHandoff, report.kernelHandoff);
});

test('prefer orders the candidates; one that fails is skipped with its reason; none working throws', async () => {
  let report = await initBackend({prefer: ['asc', 'webgpu']});
  assert.is(report.chosen, 'asc');
  assert.equal(report.kernelHandoff, []);
  report = await initBackend({prefer: ['webgpu', 'nope', 'asc'], gpu: null});
  assert.is(report.chosen, 'asc');
  assert.equal(report.skipped.map((s) => s.backend), ['webgpu', 'nope']);
  assert.match(report.skipped[0].reason, 'WebGPU turned off');
  assert.match(report.skipped[1].reason, "no backend 'nope' is registered");
  assert.is(report.features.webgpu, null);
  report = await initBackend({softwareWebGpu: false});
  assert.is(report.chosen, 'asc');
  assert.match(report.skipped[0].reason, /^the WebGPU adapter is a software rasterizer \(llvmpipe.*\) and softwareWebGpu is false$/);
  try {
    await initBackend({prefer: ['nope', 'webgpu'], gpu: null});
    assert.unreachable('no candidate works');
  } catch (e) {
    assert.match(e.message, "initBackend: no backend works: nope: no backend 'nope' is registered");
    assert.match(e.message, 'webgpu: WebGPU turned off');
  }
  assert.is(tf.getBackend(), 'asc', 'a failed initBackend leaves the active backend');
});

test('without the optional webgpu package, Node gets asc and the reason; importing the package does not throw', () => {
  const script = "const {initBackend} = await import('./dist/index.js'); " +
      'console.log(JSON.stringify(await initBackend()));';
  const hook = new URL('./no_webgpu_package.mjs', import.meta.url).pathname;
  const out = execFileSync(process.execPath, ['--import', hook, '--input-type=module', '-e', script],
      {cwd: new URL('../..', import.meta.url).pathname, encoding: 'utf8'});
  const report = JSON.parse(out);
  assert.is(report.chosen, 'asc');
  assert.equal(report.skipped, [{backend: 'webgpu', reason:
    "no navigator.gpu in Node, and the optional package 'webgpu' (Dawn) does not load: Cannot find package 'webgpu'"}]);
  assert.is(report.features.webgpuReason, report.skipped[0].reason);
});

test('the U-Net matches every PyTorch fixture within 1e-4 x max|y| on webgpu', async () => {
  await initBackend({prefer: ['webgpu'], softwareWebGpu: true});
  for (const name of ['even', 'odd', 'batch2', 'three_levels', 'gray_multiclass']) {
    const {tensors} = readSafetensors(fixture(name, 'io'));
    const nhwc = (key) => tf.tidy(() => tf.transpose(tf.tensor(toFloat32(key, tensors.get(key)), tensors.get(key).shape), [0, 2, 3, 1]));
    const [x, y] = [nhwc('input'), nhwc('output')];
    const model = UNet.fromSafetensors(fixture(name, 'weights'));
    const before = tf.memory().numTensors;
    const out = model.predict(x);
    assert.is(tf.memory().numTensors, before + 1, `${name}: predict leaves only its output`);
    assert.equal(out.shape, y.shape, `${name}: shape`);
    const {diff, scale} = await difference(out, y);
    assert.ok(diff <= 1e-4 * scale, `${name} on webgpu: max error ${diff} > 1e-4 x ${scale}`);
    tf.dispose([x, y, out]);
    model.dispose();
  }
});

/** Runs `compute(random)` on asc and on webgpu with the same seeded inputs; returns both outputs' values. */
async function onAscAndWebGpu(compute, seed = 7) {
  const values = {};
  for (const backend of ['asc', 'webgpu']) {
    await tf.setBackend(backend);
    const out = tf.tidy(() => compute(rng(seed)));
    values[backend] = {shape: out.shape, data: await out.data()};
    out.dispose();
  }
  return values;
}

const random4d = (random, shape) => tf.tensor4d(randomValues(random, shape.reduce((a, b) => a * b)), shape);
/** He-scaled weights, as a trained U-Net has: outputs stay O(1) at every layer. */
const weights = (random, shape) => tf.mul(random4d(random, shape), Math.sqrt(2 / (shape[0] * shape[1] * shape[2])));

// The layers of the seed U-Net (features 64..512, bottleneck 1024) on a 64x64 image; resizes at the
// sizes a 75x75 image needs. [height, in channels, out channels].
const DOUBLE_CONVS = [[64, 3, 64], [64, 64, 64], [32, 64, 128], [32, 128, 128], [16, 128, 256], [16, 256, 256],
  [8, 256, 512], [8, 512, 512], [4, 512, 1024], [4, 1024, 1024], [8, 1024, 512], [16, 512, 256], [32, 256, 128],
  [64, 128, 64]];
const UNET_KERNELS = [
  ...DOUBLE_CONVS.map(([h, ci, co]) => [`Conv2D 3x3 ${h}x${h}x${ci}->${co}`,
    (r) => tf.conv2d(random4d(r, [1, h, h, ci]), weights(r, [3, 3, ci, co]), 1, 'same')]),
  ...DOUBLE_CONVS.map(([h, ci, co]) => [`FusedConv2D 3x3+bias+relu ${h}x${h}x${ci}->${co}`,
    (r) => tf.fused.conv2d({x: random4d(r, [1, h, h, ci]), filter: weights(r, [3, 3, ci, co]), strides: 1, pad: 'same',
      bias: tf.tensor1d(randomValues(r, co)), activation: 'relu'})]),
  ...[[64, 64], [32, 128], [16, 256], [8, 512], [4, 1024]].flatMap(([h, c]) => [
    [`FusedBatchNorm ${h}x${h}x${c}`, (r) => tf.batchNorm(random4d(r, [1, h, h, c]), tf.tensor1d(randomValues(r, c)),
      tf.add(tf.abs(tf.tensor1d(randomValues(r, c))), 0.5), tf.tensor1d(randomValues(r, c)), tf.tensor1d(randomValues(r, c)), 1e-5)],
    [`Relu ${h}x${h}x${c}`, (r) => tf.relu(random4d(r, [1, h, h, c]))],
  ]),
  ...[[64, 64], [32, 128], [16, 256], [8, 512]].map(([h, c]) => [`MaxPool 2x2 ${h}x${h}x${c}`,
    (r) => tf.maxPool(random4d(r, [1, h, h, c]), 2, 2, 'valid')]),
  ...[[4, 1024, 512], [8, 512, 256], [16, 256, 128], [32, 128, 64]].map(([h, ci, co]) => [`Conv2DBackpropInput 2x2/2 ${h}x${h}x${ci}->${co}`,
    (r) => tf.conv2dTranspose(random4d(r, [1, h, h, ci]), weights(r, [2, 2, co, ci]), [1, 2 * h, 2 * h, co], 2, 'valid')]),
  // A source coordinate near h carries float32 rounding of ~h x 2^-24 from the scale and the product;
  // times neighbours up to 2 apart, that is the bound (webgpu and asc order the arithmetic apart).
  ...[[8, 9, 512], [36, 37, 128], [74, 75, 64]].map(([h, to, c]) => [`ResizeBilinear align_corners ${h}->${to} x${c}`,
    (r) => tf.image.resizeBilinear(random4d(r, [1, h, h, c]), [to, to], true), 2 * h * 2 ** -23]),
  ...[[64, 64], [32, 128], [16, 256], [8, 512]].flatMap(([h, c]) => [
    [`Concat ${h}x${h}x(${c}+${c})`, (r) => tf.concat([random4d(r, [1, h, h, c]), random4d(r, [1, h, h, c])], 3)],
    [`Add bias ${h}x${h}x${c}`, (r) => tf.add(random4d(r, [1, h, h, c]), tf.tensor1d(randomValues(r, c)))],
  ]),
  ['Conv2D 1x1 64x64x64->1', (r) => tf.conv2d(random4d(r, [1, 64, 64, 64]), weights(r, [1, 1, 64, 1]), 1, 'valid')],
];

test('webgpu agrees with asc on every U-Net kernel at the U-Net shapes (within 1e-5 x max|y|)', async () => {
  for (const [name, compute, tolerance = 1e-5] of UNET_KERNELS) {
    const {asc, webgpu} = await onAscAndWebGpu(compute);
    assert.equal(webgpu.shape, asc.shape, `${name}: shape`);
    let diff = 0, scale = 0;
    for (let i = 0; i < asc.data.length; i++) {
      diff = Math.max(diff, Math.abs(webgpu.data[i] - asc.data[i]));
      scale = Math.max(scale, Math.abs(asc.data[i]));
    }
    assert.ok(diff <= tolerance * scale, `${name}: webgpu differs from asc by ${diff} (max|y| ${scale})`);
  }
});

test('a kernel unregistered on webgpu is handed to asc, its moves counted, nothing leaked', async () => {
  await initBackend({prefer: ['webgpu'], softwareWebGpu: true});
  const original = getKernel('Relu6', 'webgpu');
  unregisterKernel('Relu6', 'webgpu');
  try {
    assert.equal(await installKernelHandoff(), ['Relu6']);
    assert.equal(await installKernelHandoff(), [], 'installing again adds nothing');
    resetKernelHandoffReport();
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([[-1, 3, 7, 0.5]]);
    const y = tf.relu6(x);
    assert.equal(Array.from(await y.data()), [0, 3, 6, 0.5]);
    // The output is a webgpu tensor: webgpu kernels take it as it is.
    const z = tf.add(y, 1);
    assert.equal(Array.from(await z.data()), [1, 4, 7, 1.5]);
    const report = kernelHandoffReport();
    assert.ok(report.kernels.includes('Relu6') && report.kernels.includes('Unique'));
    assert.equal(report.used, [{kernel: 'Relu6', calls: 1, bytesToAsc: 16, bytesFromAsc: 16}]);
    assert.is(report.bytesMoved, 32);
    assert.is(report.ascTensors, 0, 'the handoff frees what it moved into asc');
    // Gradients run through it too: d relu6 / dx = 1 inside (0, 6).
    const dx = tf.grad((t) => tf.relu6(t))(x);
    assert.equal(Array.from(await dx.data()), [0, 1, 0, 1]);
    tf.dispose([x, y, z, dx]);
    assert.is(tf.memory().numTensors, before);
  } finally {
    unregisterKernel('Relu6', 'webgpu');
    registerKernel(original);
  }
  assert.not.ok(kernelHandoffReport().kernels.includes('Relu6'), 'restored: Relu6 is webgpu\'s again');
});

test('in Node, a handed-off kernel on a GPU-resident input says to read it first; after a read it runs', async () => {
  await initBackend({prefer: ['webgpu'], softwareWebGpu: true});
  const onGpu = tf.add(tf.fill([4096], 2, 'int32'), tf.fill([4096], 1, 'int32'));
  assert.throws(() => tf.unique(onGpu), /Kernel 'Unique' is not on webgpu and runs on asc, but its input 'x' cannot be read synchronously/);
  await onGpu.data();
  const {values, indices} = tf.unique(onGpu);
  assert.equal(Array.from(await values.data()), [3]);
  assert.is(indices.size, 4096);
  tf.dispose([onGpu, values, indices]);
});

test('warmup compiles the pipelines ahead: the first predict after it is about as fast as later ones', async () => {
  await initBackend({prefer: ['webgpu'], softwareWebGpu: true});
  const model = UNet.fromSafetensors(fixture('even', 'weights'));
  const shape = [1, 96, 96, 3];
  const report = await warmup(model, shape);
  assert.is(report.backend, 'webgpu');
  assert.ok(report.compileMs > 0 && report.ms >= report.compileMs, JSON.stringify(report));
  const x = tf.randomUniform(shape);
  const times = [];
  for (let i = 0; i < 4; i++) {
    const started = performance.now();
    const y = model.predict(x);
    await y.data();
    times.push(performance.now() - started);
    y.dispose();
  }
  const later = times.slice(1).sort((a, b) => a - b)[1];
  console.log(`warmup ${report.ms.toFixed(0)} ms (compile ${report.compileMs.toFixed(0)} ms); predicts after it: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  assert.ok(times[0] <= 2 * later, `first predict ${times[0]} ms, later median ${later} ms`);
  x.dispose();
  model.dispose();
});

test.run();
