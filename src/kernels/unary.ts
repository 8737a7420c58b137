// Shared paths of the element-wise unary kernels: a float32 and an int32 wasm function each, or one
// op of unaryFloat32.
import {KernelConfig, NamedAttrMap, UnaryInputs, util} from '@tensorflow/tfjs-core';
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

export type UnaryOp = 'UNARY_SQRT'|'UNARY_SQUARE'|'UNARY_STEP'|'UNARY_NEG'|'UNARY_ABS';

/** A float32 kernel of unaryFloat32 (other dtypes on tfjs-backend-cpu); Step reads its alpha. */
export function unaryFloat32KernelConfig(kernelName: string, op: UnaryOp): KernelConfig {
  const kernelFunc = (args: KernelArgs) => {
    const {backend} = args;
    const {x} = args.inputs as UnaryInputs;
    if (x.dtype !== 'float32') return runOnCpu(kernelName, args);
    const out = backend.makeOutput(x.shape, x.dtype);
    const alpha = ((args.attrs ?? {}) as NamedAttrMap & {alpha?: number}).alpha ?? 0;
    backend.parallel('unaryFloat32', [backend.wasm[op].value, backend.ptr(x), backend.ptr(out), alpha],
        util.sizeFromShape(x.shape), 8, 16);
    return out;
  };
  return {kernelName, backendName: 'asc', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc']};
}
