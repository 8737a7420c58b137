// Slice in wasm for fixed-width dtypes up to rank 4: one contiguous run of the source per output
// row (the innermost axis), so last-axis slices (channel splits) are block copies too.
import {KernelConfig, Slice, slice_util, SliceAttrs, TensorInfo, util} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {elementBytes} from './dtypes.js';
import {padToRank4} from './layout.js';

/** x[begin : begin + size], or null where wasm does not take it (rank > 4, strings, complex). */
export function sliceImpl(backend: AscBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo|null {
  const bytes = elementBytes(x.dtype);
  if (bytes === 0 || x.shape.length > 4) return null;
  const out = backend.makeOutput(size, x.dtype);
  if (util.sizeFromShape(size) === 0) return out;
  const [shape4, begin4, size4] = [padToRank4(x.shape, 1), padToRank4(begin, 0), padToRank4(size, 1)];
  const rows = size4[0] * size4[1] * size4[2];
  // Threads share the output rows.
  backend.parallel('slice4', [backend.ptr(x), backend.ptr(out), bytes, backend.args([...shape4, ...begin4, ...size4])],
      rows, 2 * size4[3] * bytes);
  return out;
}

function slice(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {x} = args.inputs as {x: TensorInfo};
  const {begin, size} = args.attrs as unknown as SliceAttrs;
  const [begins, sizes] = slice_util.parseSliceParams(x, begin, size);
  slice_util.assertParamsValid(x, begins, sizes);
  return sliceImpl(args.backend, x, begins, sizes) ?? runOnCpu(Slice, args);
}

export const sliceConfig: KernelConfig = {
  kernelName: Slice,
  backendName: 'asc',
  kernelFunc: slice as unknown as KernelConfig['kernelFunc'],
};
