import {DataType} from '@tensorflow/tfjs-core';

/** Bytes per element of the dtypes kept in wasm memory; 0 for string and complex64. */
export function elementBytes(dtype: DataType): number {
  return dtype === 'float32' || dtype === 'int32' ? 4 : dtype === 'bool' ? 1 : 0;
}
