import {KernelConfig, Softmax, SoftmaxAttrs, SoftmaxInputs, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/** Softmax over the last axis of float32 logits: one pass per row, the sum in float64 as cpu's. */
function softmax(args: KernelArgs): TensorInfo {
  const {backend} = args;
  const {logits} = args.inputs as SoftmaxInputs;
  const {dim} = args.attrs as unknown as SoftmaxAttrs;
  const rank = logits.shape.length;
  if (logits.dtype !== 'float32' || rank === 0 || (dim !== -1 && dim !== rank - 1)) {
    return runOnCpu(Softmax, args) as TensorInfo;
  }
  const out = backend.makeOutput(logits.shape, 'float32');
  const n = logits.shape[rank - 1];
  const rows = util.sizeFromShape(logits.shape) / Math.max(n, 1);
  if (n > 0) backend.parallel('softmax', [backend.ptr(logits), backend.ptr(out), n], rows, 24 * n);
  return out;
}

export const softmaxConfig: KernelConfig = {
  kernelName: Softmax,
  backendName: 'asc',
  kernelFunc: softmax as unknown as KernelConfig['kernelFunc'],
};
