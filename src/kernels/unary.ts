// Shared paths of the element-wise unary kernels: a float32 and an int32 wasm function each, or one
// op of unaryFloat32.
import {KernelConfig, NamedAttrMap, UnaryInputs, util} from '@tensorflow/tfjs-core';
import type {ParallelKernel} from '../threads/parallel_kernels.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import type {UnaryFloat32Kernel} from './unary_ops.js';

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

/** The op's alpha and beta, from the kernel's attrs. */
export type UnaryParams = (attrs: NamedAttrMap) => [number, number];

/**
 * A float32 kernel of one of the module's unary functions (other dtypes on tfjs-backend-cpu). `work`
 * is the cost of an element relative to a copy (the exp-based functions are several), for the
 * thread split.
 */
export function unaryFloat32KernelConfig(kernelName: string, fn: UnaryFloat32Kernel, {params = () => [0, 0], work = 1}:
    {params?: UnaryParams, work?: number} = {}): KernelConfig {
  const kernelFunc = (args: KernelArgs) => {
    const {backend} = args;
    const {x} = args.inputs as UnaryInputs;
    if (x.dtype !== 'float32') return runOnCpu(kernelName, args);
    const out = backend.makeOutput(x.shape, x.dtype);
    const [alpha, beta] = params(args.attrs ?? {});
    backend.parallel(fn, [backend.ptr(x), backend.ptr(out), alpha, beta], util.sizeFromShape(x.shape), 8 * work, 16);
    return out;
  };
  return {kernelName, backendName: 'asc', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc']};
}
