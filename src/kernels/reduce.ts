// Shared path of Sum and Mean: float32 reductions over consecutive axes run in wasm as
// [outer, reduce, inner]; other axes and dtypes run on tfjs-backend-cpu.
import {backend_util, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

export function reduceKernelConfig(kernelName: 'Sum'|'Mean'): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo|TensorInfo[] => {
    const {backend} = args;
    const {x} = args.inputs as {x: TensorInfo};
    const {axis, keepDims} = args.attrs as unknown as {axis: number|number[], keepDims: boolean};
    const axes = [...new Set(util.parseAxisParam(axis, x.shape))].sort((p, q) => p - q);
    const consecutive = axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
    if (x.dtype !== 'float32' || !consecutive) return runOnCpu(kernelName, args);
    const first = axes.length > 0 ? axes[0] : x.shape.length;
    const last = axes.length > 0 ? axes[axes.length - 1] : x.shape.length - 1;
    const outer = util.sizeFromShape(x.shape.slice(0, first));
    const reduce = util.sizeFromShape(x.shape.slice(first, last + 1));
    const inner = util.sizeFromShape(x.shape.slice(last + 1));
    const [kept] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const outShape = keepDims ? backend_util.expandShapeToKeepDim(kept, axes) : kept;
    const out = backend.makeOutput(outShape, 'float32');
    if (outer * inner === 0) return out;
    // The mean of nothing is 0 on tfjs-backend-cpu.
    const divisor = kernelName === 'Mean' ? Math.max(reduce, 1) : 1;
    backend.withScratch(Math.max(inner, 1) * 8, (acc) => {
      backend.wasm.reduceSum(backend.ptr(x), backend.ptr(out), outer, reduce, inner, divisor, acc);
    });
    return out;
  };
  return {kernelName, backendName: 'asc', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc']};
}
