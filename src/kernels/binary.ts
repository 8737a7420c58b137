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
  // A model repeats a few shape pairs: their geometry is kept (it cost a tenth of a small op's call).
  const key = `${aShape}|${bShape}`;
  let geometry = GEOMETRIES.get(key);
  if (geometry == null) {
    if (GEOMETRIES.size >= MAX_GEOMETRIES) GEOMETRIES.clear();
    geometry = mergedAxes(aShape, bShape);
    GEOMETRIES.set(key, geometry);
  }
  // Each output gets its own shape array.
  return {...geometry, outShape: geometry.outShape.slice()};
}

type BroadcastGeometry = ReturnType<typeof broadcastDims>;
const GEOMETRIES = new Map<string, Readonly<BroadcastGeometry>>();
const MAX_GEOMETRIES = 256;

function mergedAxes(aShape: number[], bShape: number[]): BroadcastGeometry {
  const outShape = backend_util.assertAndGetBroadcastShape(aShape, bShape);
  const rank = outShape.length;
  const stridesFor = (shape: number[]) => {
    const aligned = new Array(rank - shape.length).fill(1).concat(shape);
    const dense = util.computeStrides(aligned).concat([1]);
    return aligned.map((s, i) => (s === 1 ? 0 : dense[i]));
  };
  const aStrides = stridesFor(aShape);
  const bStrides = stridesFor(bShape);
  // Merge axis i into the previous one when both operands walk them as one contiguous axis.
  const shape: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (outShape[i] === 1) continue;
    const last = shape.length - 1;
    if (last >= 0 && as[last] === aStrides[i] * outShape[i] && bs[last] === bStrides[i] * outShape[i]) {
      shape[last] *= outShape[i];
      as[last] = aStrides[i];
      bs[last] = bStrides[i];
    } else {
      shape.push(outShape[i]);
      as.push(aStrides[i]);
      bs.push(bStrides[i]);
    }
  }
  if (shape.length === 0) shape.push(1), as.push(0), bs.push(0);
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
