// Shared path of the element-wise unary kernels with a float32 and an int32 wasm function.
import {KernelConfig, UnaryInputs, util} from '@tensorflow/tfjs-core';
import type {ParallelKernel} from '../backend.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/** A kernel whose wasm functions (one per dtype) take (x, out, begin, end) over elements. */
export function unaryKernelConfig(kernelName: string, float32: ParallelKernel, int32: ParallelKernel): KernelConfig {
  const kernelFunc = (args: KernelArgs) => {
    const {backend} = args;
    const {x} = args.inputs as UnaryInputs;
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return runOnCpu(kernelName, args);
    const out = backend.makeOutput(x.shape, x.dtype);
    backend.parallel(x.dtype === 'float32' ? float32 : int32, [backend.ptr(x), backend.ptr(out)],
        util.sizeFromShape(x.shape), 8, 16);
    return out;
  };
  return {kernelName, backendName: 'asc', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc']};
}
