import {KernelConfig, Reshape, ReshapeAttrs, TensorInfo, util} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/** `x` under another shape: the same data (one more reference), nothing copied. */
export function reshapeImpl(backend: AscBackend, x: TensorInfo, shape: number[]): TensorInfo {
  const size = util.sizeFromShape(x.shape);
  const $shape = util.inferFromImplicitShape(shape, size);
  util.assert(util.sizeFromShape($shape) === size,
      () => `The new shape (${$shape}) has ${util.sizeFromShape($shape)} elements and the old shape (${x.shape}) has ` +
          `${size} elements. The new shape and old shape must have the same number of elements.`);
  backend.incRef(x.dataId);
  return {dataId: x.dataId, shape: $shape, dtype: x.dtype};
}

function reshape(args: KernelArgs): TensorInfo {
  const {x} = args.inputs as {x: TensorInfo};
  // complex64 keeps its parts' shapes in step: tfjs-backend-cpu's kernel does that.
  if (x.dtype === 'complex64') return runOnCpu(Reshape, args) as TensorInfo;
  return reshapeImpl(args.backend, x, (args.attrs as unknown as ReshapeAttrs).shape);
}

export const reshapeConfig: KernelConfig = {
  kernelName: Reshape,
  backendName: 'asc',
  kernelFunc: reshape as unknown as KernelConfig['kernelFunc'],
};
