// The suite on tfjs-backend-webgpu as initBackend sets it up (in Node: Dawn through the `webgpu`
// package), with kernels webgpu lacks falling back to asc; CONFORMANCE_KERNEL_FALLBACK=0 turns the
// fallback off to count what it fixes. Reads are async: Node cannot read a GPU buffer synchronously.
import {initBackend, kernelFallbackReport, resetKernelFallbackStats} from '../../dist/index.js';
import './setup_env.js';
import '@tensorflow/tfjs-core/dist/tests';

beforeAll(async () => {
  const report = await initBackend({prefer: ['webgpu'], softwareWebGpu: true, kernelFallback: process.env.CONFORMANCE_KERNEL_FALLBACK !== '0'});
  console.log(`webgpu: ${report.features.webgpu.description} (${report.features.webgpu.device}), ` +
      `${report.kernelFallback.length} kernels fall back to asc`);
});

// The specs in which a kernel ran through the fallback, with the kernels: webgpu.mjs holds them to
// passing.
const fallbackSpecs = {};
globalThis.__CONFORMANCE_EXTRA__ = {fallbackSpecs};
jasmine.getEnv().addReporter({
  specStarted: () => resetKernelFallbackStats(),
  specDone(result) {
    const used = kernelFallbackReport().used.map((s) => s.kernel);
    if (used.length > 0) (fallbackSpecs[result.fullName] ??= []).push(...used);
  },
});
