import {BatchMatMul, BatchMatMulAttrs, BatchMatMulInputs, broadcast_util, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {runGemv, runIgemm} from '../conv/igemm.js';
import {packedBytes, packInto} from '../conv/igemm_pack.js';
import {transposeImpl} from './Transpose.js';

export interface MatMulEpilogue {
  /** Bias of shape [columns], packed with B. */
  bias?: TensorInfo;
  activation: number;
  alpha: number;
}

/**
 * float32 batched matmul through the indirect GEMM (a matrix is a 1-tap convolution); B is packed
 * once per tensor. Batch dimensions broadcast both ways, as tf.matMul's output shape says.
 */
export function batchMatMulImpl(
    backend: AscBackend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean,
    epilogue: MatMulEpilogue = {activation: backend.wasm.ACTIVATION_LINEAR.value, alpha: 0}): TensorInfo {
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const depthA = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
  const depthB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
  const rows = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
  const cols = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  const [aBatchShape, bBatchShape] = [a.shape.slice(0, -2), b.shape.slice(0, -2)];
  const batchA = util.sizeFromShape(aBatchShape);
  const batchB = util.sizeFromShape(bBatchShape);
  const outBatchShape = broadcast_util.assertAndGetBroadcastShape(aBatchShape, bBatchShape);
  util.assert(
      depthA === depthB,
      () => `Error in matMul: inner shapes (${depthA}) and (${depthB}) of Tensors with shapes ${a.shape} and ` +
          `${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  const depth = depthA;
  const out = backend.makeOutput(outBatchShape.concat([rows, cols]), 'float32');
  if (util.sizeFromShape(out.shape) === 0) return out;
  const batch = util.sizeFromShape(outBatchShape);
  // B[k, n] of batch i at i * depth * cols + (transposeB ? n * depth + k : k * cols + n).
  const layout = {n: cols, taps: 1, kc: depth, tapOffsets: [0], kStride: transposeB ? 1 : cols, nStride: transposeB ? depth : 1};
  const perBatch = packedBytes(backend, layout);
  const packed = backend.cachedWeights(b, `matmul ${transposeB} ${depth} ${cols}`, epilogue.bias, () => ({
    bytes: perBatch * batchB,
    fill: (ptr) => {
      for (let i = 0; i < batchB; i++) packInto(backend, ptr + i * perBatch, b, epilogue.bias, layout, i * depth * cols);
    },
  }));
  const aRows = transposeA ? transposeImpl(backend, {...a, shape: [batchA, depth, rows]}, [0, 2, 1]) : a;
  try {
    for (let i = 0; i < batch; i++) {
      const aBase = backend.ptr(aRows) + batchIndex(outBatchShape, aBatchShape, i) * rows * depth * 4;
      const cBase = backend.ptr(out) + i * rows * cols * 4;
      const bPacked = packed + batchIndex(outBatchShape, bBatchShape, i) * perBatch;
      if (rows === 1) {
        runGemv(backend, aBase, bPacked, cBase, cols, depth, epilogue.activation, epilogue.alpha);
        continue;
      }
      runIgemm(backend, rows, cols, 1, depth, bPacked, epilogue.activation, epilogue.alpha,
          (aTable, cTable, zero, mr) => backend.wasm.matrixIndirection(aBase, depth * 4, cBase, cols * 4, rows, zero, aTable,
              cTable, mr));
    }
  } finally {
    if (aRows !== a) backend.disposeIntermediateTensorInfo(aRows);
  }
  return out;
}

/** Which batch of an operand with batch dimensions `shape` (broadcast to `outShape`) output batch `i` reads. */
function batchIndex(outShape: number[], shape: number[], i: number): number {
  let index = 0;
  let stride = 1;
  for (let d = outShape.length - 1, s = shape.length - 1; d >= 0 && s >= 0; d--, s--) {
    const coordinate = i % outShape[d];
    i = Math.floor(i / outShape[d]);
    if (shape[s] !== 1) index += coordinate * stride;
    stride *= shape[s];
  }
  return index;
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
