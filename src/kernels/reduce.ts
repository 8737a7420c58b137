// Shared path of the reductions: over consecutive axes they run in wasm as [outer, reduce, inner]
// (Sum and Mean of float32, Max and Min of float32 and int32); other axes and dtypes run on
// tfjs-backend-cpu.
import {backend_util, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/** Axes as [outer, reduce, inner] sizes with the output shape, or null when they are not consecutive. */
function reductionGeometry(x: TensorInfo, axis: number|number[], keepDims: boolean) {
  const axes = [...new Set(util.parseAxisParam(axis, x.shape))].sort((p, q) => p - q);
  if (!axes.every((a, i) => i === 0 || a === axes[i - 1] + 1)) return null;
  const first = axes.length > 0 ? axes[0] : x.shape.length;
  const last = axes.length > 0 ? axes[axes.length - 1] : x.shape.length - 1;
  const [kept] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  return {
    outer: util.sizeFromShape(x.shape.slice(0, first)),
    reduce: util.sizeFromShape(x.shape.slice(first, last + 1)),
    inner: util.sizeFromShape(x.shape.slice(last + 1)),
    outShape: keepDims ? backend_util.expandShapeToKeepDim(kept, axes) : kept,
  };
}

export function reduceKernelConfig(kernelName: 'Sum'|'Mean'): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo|TensorInfo[] => {
    const {backend} = args;
    const {x} = args.inputs as {x: TensorInfo};
    const {axis, keepDims} = args.attrs as unknown as {axis: number|number[], keepDims: boolean};
    const g = x.dtype === 'float32' ? reductionGeometry(x, axis, keepDims) : null;
    if (g == null) return runOnCpu(kernelName, args);
    const {outer, reduce, inner, outShape} = g;
    const out = backend.makeOutput(outShape, 'float32');
    if (outer * inner === 0) return out;
    // The mean of nothing is 0 on tfjs-backend-cpu.
    const divisor = kernelName === 'Mean' ? Math.max(reduce, 1) : 1;
    backend.wasm.reduceSum(backend.ptr(x), backend.ptr(out), outer, reduce, inner, divisor);
    return out;
  };
  return {kernelName, backendName: 'asc', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc']};
}

/** Max and Min of float32 or int32 over consecutive, non-empty axes (NaN wins, as on cpu). */
export function extremeKernelConfig(kernelName: 'Max'|'Min'): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo|TensorInfo[] => {
    const {backend} = args;
    const {x} = args.inputs as {x: TensorInfo};
    // Max names its axes reductionIndices, Min axis.
    const attrs = args.attrs as unknown as {reductionIndices?: number|number[], axis?: number|number[], keepDims: boolean};
    const axes = kernelName === 'Max' ? attrs.reductionIndices! : attrs.axis!;
    const g = x.dtype === 'float32' || x.dtype === 'int32' ? reductionGeometry(x, axes, attrs.keepDims) : null;
    if (g == null || g.reduce === 0) return runOnCpu(kernelName, args);
    const out = backend.makeOutput(g.outShape, x.dtype);
    if (g.outer * g.inner === 0) return out;
    backend.wasm.reduceExtreme(kernelName === 'Min', x.dtype === 'float32', backend.ptr(x), backend.ptr(out), g.outer,
        g.reduce, g.inner);
    return out;
  };
  return {kernelName, backendName: 'asc', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc']};
}
