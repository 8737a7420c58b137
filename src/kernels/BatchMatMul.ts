import {BatchMatMul, BatchMatMulAttrs, BatchMatMulInputs, broadcast_util, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/** float32 batched matmul in wasm; batch dimensions broadcast as on tfjs-backend-cpu (index % batch). */
export function batchMatMulImpl(
    backend: AscBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const depthA = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
  const depthB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
  const rows = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
  const cols = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  const outBatchShape = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  util.assert(
      depthA === depthB,
      () => `Error in matMul: inner shapes (${depthA}) and (${depthB}) of Tensors with shapes ${a.shape} and ` +
          `${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  const out = backend.makeOutput(outBatchShape.concat([rows, cols]), 'float32');
  const batch = Math.max(batchA, batchB);
  if (batch * rows * cols === 0) return out;
  if (depthA === 0) {
    new Float32Array(backend.wasmMemory.buffer, backend.ptr(out), batch * rows * cols).fill(0);
    return out;
  }
  backend.wasm.batchMatMul(
      backend.ptr(a), backend.ptr(b), backend.ptr(out), batch, batchA, batchB, rows, depthA, cols, transposeA,
      transposeB);
  return out;
}

function batchMatMul(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {a, b} = inputs as BatchMatMulInputs;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return runOnCpu(BatchMatMul, args);
  const {transposeA, transposeB} = attrs as unknown as BatchMatMulAttrs;
  return batchMatMulImpl(backend, a, b, transposeA, transposeB);
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'asc',
  kernelFunc: batchMatMul as unknown as KernelConfig['kernelFunc'],
};
