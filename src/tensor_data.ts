// One tensor's storage in the asc backend.
import {backend_util, DataType, TensorInfo, TypedArray} from '@tensorflow/tfjs-core';
import {elementBytes} from './kernels/dtypes.js';

type BackendValues = backend_util.BackendValues;

/** Where a deferred kernel's output comes from (src/graph/capture.ts). */
export interface Producer {
  /** Runs the deferred kernels, this output's among them. */
  flush(): void;
}

/** One tensor's storage. Numeric data sit in wasm memory at `ptr`; strings stay in JS. */
export class TensorData {
  /** The address in wasm memory; 0 while a deferred kernel has yet to write it. */
  address = 0;
  /** Set while the kernel that writes these data is deferred: reading `ptr` runs it first. */
  producer: Producer|null = null;
  /** Why the deferred kernel that was to write these data failed. */
  failure?: unknown;
  /** The capture's flush generation whose deferred calls read these data (graph/capture.ts). */
  heldBy = -1;
  /** Disposed, but kept for deferred calls until they ran. */
  buried = false;
  /** Which output of the capture's segment `roleSegment` these data are (graph/recorded_call.ts). */
  role = -1;
  roleSegment = -1;
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

  /** The address of the data in wasm memory, once any deferred kernel writing them has run. */
  get ptr(): number {
    if (this.producer != null) {
      this.producer.flush();
      if (this.producer != null) throw new Error('asc backend: internal error: a fusion left out a kernel output that is read');
    }
    if (this.failure !== undefined) throw this.failure;
    return this.address;
  }

  set ptr(address: number) {
    this.address = address;
  }

  get byteLength(): number {
    return this.size * elementBytes(this.dtype);
  }
}
