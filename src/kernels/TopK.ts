import {KernelConfig, TensorInfo, TopK, TopKAttrs, TopKInputs, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/**
 * TopK over the last axis of float32 or int32 `x`, each row a selection of its k best (a heap, not a
 * sort: assembly/kernels/top_k.ts) in tfjs-backend-cpu's order: larger values first, equal ones by
 * lower index. `sorted: false` leaves the order to the kernel (cpu's is its partition's); asc gives the
 * sorted order then too.
 */
function topK(args: KernelArgs): TensorInfo[] {
  const {backend} = args;
  const {x} = args.inputs as TopKInputs;
  const {k} = args.attrs as unknown as TopKAttrs;
  const rank = x.shape.length;
  if ((x.dtype !== 'float32' && x.dtype !== 'int32') || rank === 0) return runOnCpu(TopK, args) as TensorInfo[];
  const n = x.shape[rank - 1];
  const rows = util.sizeFromShape(x.shape.slice(0, -1));
  // With no rows there is nothing to select from, whatever k (cpu returns the empty outputs).
  if (!Number.isInteger(k) || k < 0 || (k > n && rows > 0)) {
    throw new Error(`asc backend: TopK: k must be an integer in [0, ${n}] (the last dimension), got ${k}`);
  }
  const outShape = [...x.shape.slice(0, -1), k];
  const values = backend.makeOutput(outShape, x.dtype);
  const indices = backend.makeOutput(outShape, 'int32');
  if (k > 0 && rows > 0) {
    // A row costs about n comparisons when k is small against n (most vectors are skipped whole).
    backend.parallel(x.dtype === 'float32' ? 'topKFloat32' : 'topKInt32',
        [backend.ptr(x), backend.ptr(values), backend.ptr(indices), n, k], rows, n);
  }
  return [values, indices];
}

export const topKConfig: KernelConfig = {
  kernelName: TopK,
  backendName: 'asc',
  kernelFunc: topK as unknown as KernelConfig['kernelFunc'],
};
