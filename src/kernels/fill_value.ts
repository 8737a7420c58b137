// Tensors of one value (Fill, ZerosLike, OnesLike): a fresh wasm output filled through a typed-array
// view (a native memset), in the dtype's storage as tfjs-backend-cpu's TypedArray.fill gives it.
import {DataType, KernelConfig, TensorInfo} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {elementBytes} from './dtypes.js';

/** `shape` of `value` in `dtype`, or null for the dtypes not in wasm memory (string, complex64). */
export function fillImpl(backend: AscBackend, shape: number[], dtype: DataType, value: number): TensorInfo|null {
  if (elementBytes(dtype) === 0) return null;
  const out = backend.makeOutput(shape, dtype);
  backend.fill(out, value);
  return out;
}

/** ZerosLike or OnesLike: x's shape and dtype, every element `value`. */
export function fillLikeConfig(kernelName: string, value: number): KernelConfig {
  const kernelFunc = (args: KernelArgs) => {
    const {x} = args.inputs as {x: TensorInfo};
    return fillImpl(args.backend, x.shape, x.dtype, value) ?? runOnCpu(kernelName, args);
  };
  return {kernelName, backendName: 'asc', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc']};
}
