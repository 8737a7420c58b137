// One tensor's storage in the asc backend.
import {backend_util, DataType, TensorInfo, TypedArray} from '@tensorflow/tfjs-core';
import {elementBytes} from './kernels/dtypes.js';

type BackendValues = backend_util.BackendValues;

/** One tensor's storage. Numeric data sit in wasm memory at `ptr`; strings stay in JS. */
export class TensorData {
  ptr = 0;
  /** Values not in wasm memory: strings, or the output of a cpu kernel until the kernel returns. */
  pending?: BackendValues;
  complexTensorInfos?: {real: TensorInfo, imag: TensorInfo};
  disposed = false;

  constructor(
      private readonly storage: {view(entry: TensorData): TypedArray}, readonly dtype: DataType, readonly size: number,
      public refCount: number) {}

  /**
   * The values as a typed array. For wasm-resident data this is a fresh view on every access: a
   * view kept across an allocation that grows memory would be detached.
   */
  get values(): BackendValues {
    return this.pending ?? this.storage.view(this);
  }

  get byteLength(): number {
    return this.size * elementBytes(this.dtype);
  }
}
