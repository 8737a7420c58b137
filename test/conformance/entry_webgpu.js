// The suite on tfjs-backend-webgpu as initBackend sets it up (in Node: Dawn through the `webgpu`
// package), with kernels webgpu lacks handed to asc; CONFORMANCE_KERNEL_HANDOFF=0 turns the
// handoff off to count what it fixes. Reads are async: Node cannot read a GPU buffer synchronously.
import {initBackend, kernelHandoffReport, resetKernelHandoffReport} from '../../dist/index.js';
import './setup_env.js';
import '@tensorflow/tfjs-core/dist/tests';

beforeAll(async () => {
  const report = await initBackend({prefer: ['webgpu'], softwareWebGpu: true, kernelHandoff: process.env.CONFORMANCE_KERNEL_HANDOFF !== '0'});
  console.log(`webgpu: ${report.features.webgpu.description} (${report.features.webgpu.device}), ` +
      `${report.kernelHandoff.length} kernels handed to asc`);
});

// The specs in which a kernel was handed to asc, with the kernels: webgpu.mjs holds them to
// passing.
const handoffSpecs = {};
globalThis.__CONFORMANCE_EXTRA__ = {handoffSpecs};
jasmine.getEnv().addReporter({
  specStarted: () => resetKernelHandoffReport(),
  specDone(result) {
    const used = kernelHandoffReport().used.map((s) => s.kernel);
    if (used.length > 0) (handoffSpecs[result.fullName] ??= []).push(...used);
  },
});
