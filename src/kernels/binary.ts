// Shared path of the element-wise binary kernels: broadcasting shapes are collapsed to the fewest
// axes (broadcastDims, also the comparisons'), so the wasm loop sees rows that either advance or
// repeat one value.
import {backend_util, BinaryInputs, DataType, KernelConfig, TensorInfo, upcastType, util} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

export type BinaryOp =
    'BINARY_ADD'|'BINARY_SUB'|'BINARY_MUL'|'BINARY_PRELU'|'BINARY_DIV'|'BINARY_MIN'|'BINARY_MAX'|'BINARY_SQDIFF';

/**
 * The output shape of a broadcast of `a` and `b` and its fewest axes: axes are merged where both
 * operands walk them as one contiguous axis, so the wasm loop sees rows that either advance or repeat
 * one value. `dims`: the merged shape, then a's and b's strides in elements (0 where broadcast).
 */
export function broadcastDims(aShape: number[], bShape: number[]): {outShape: number[], rank: number, dims: number[]} {
  const rank = Math.max(aShape.length, bShape.length);
  const aSkip = rank - aShape.length, bSkip = rank - bShape.length;
  const outShape = new Array<number>(rank);
  // Axes from the last: the output's size, each operand's stride (0 where it is broadcast), merged
  // into the previous (outer) axis when both operands walk the two as one contiguous axis.
  const shape: number[] = [], as: number[] = [], bs: number[] = [];
  let aStride = 1, bStride = 1;
  for (let i = rank - 1; i >= 0; i--) {
    const p = i < aSkip ? 1 : aShape[i - aSkip], q = i < bSkip ? 1 : bShape[i - bSkip];
    // tfjs-core's error for shapes that do not broadcast.
    if (p !== q && p !== 1 && q !== 1) backend_util.assertAndGetBroadcastShape(aShape, bShape);
    const n = outShape[i] = p === 1 ? q : p;
    if (n === 1) continue;
    const sa = p === 1 ? 0 : aStride, sb = q === 1 ? 0 : bStride;
    const last = shape.length - 1;
    if (last >= 0 && sa === as[last] * shape[last] && sb === bs[last] * shape[last]) {
      shape[last] *= n;
    } else {
      shape.push(n);
      as.push(sa);
      bs.push(sb);
    }
    aStride *= p;
    bStride *= q;
  }
  if (shape.length === 0) shape.push(1), as.push(0), bs.push(0);
  shape.reverse(), as.reverse(), bs.reverse();
  return {outShape, rank: shape.length, dims: [...shape, ...as, ...bs]};
}

/** `op(a, b)` with broadcasting, in wasm, for float32 or int32 operands of one dtype. */
export function binaryImpl(backend: AscBackend, op: BinaryOp, a: TensorInfo, b: TensorInfo, dtype: DataType): TensorInfo {
  const {outShape, rank, dims} = broadcastDims(a.shape, b.shape);
  const out = backend.makeOutput(outShape, dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  // Threads share the output elements (in blocks of 16: whole cache lines).
  backend.parallel(dtype === 'float32' ? 'binaryFloat32' : 'binaryInt32',
      [backend.wasm[op].value, backend.ptr(a), backend.ptr(b), backend.ptr(out), rank, backend.args(dims)],
      util.sizeFromShape(outShape), 12, 16);
  return out;
}

/**
 * A binary kernel: the dtypes given (float32 and int32 by default) run in wasm, others on
 * tfjs-backend-cpu.
 */
export function binaryKernelConfig(kernelName: string, op: BinaryOp, dtypes: DataType[] = ['float32', 'int32']): KernelConfig {
  const kernelFunc = (args: KernelArgs) => {
    const {a, b} = args.inputs as BinaryInputs;
    const dtype = upcastType(a.dtype, b.dtype);
    if (a.dtype !== b.dtype || !dtypes.includes(dtype)) return runOnCpu(kernelName, args);
    return binaryImpl(args.backend, op, a, b, dtype);
  };
  return {kernelName, backendName: 'asc', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc']};
}
