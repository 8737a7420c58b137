// Weights packed for the indirect GEMM (assembly/kernels/igemm.ts) in the order its microkernels
// read them: per block of 8 output columns, 8 bias values, then taps x kc rows of 8 weights.
import {TensorInfo} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';

/** How B is read while packing: element (t, k, n) at (tapOffsets[t] + k * kStride + n * nStride). */
export interface PackLayout {
  n: number;
  taps: number;
  kc: number;
  tapOffsets: number[];
  kStride: number;
  nStride: number;
}

export function packedBytes(backend: AscBackend, {n, taps, kc}: PackLayout): number {
  return backend.wasm.igemmPackedBytes(n, taps, kc);
}

/** Packs `weights` (and `bias`, if any) at `ptr` in the order igemm reads them. */
export function packInto(backend: AscBackend, ptr: number, weights: TensorInfo, bias: TensorInfo|undefined,
    layout: PackLayout, weightsOffset = 0): void {
  packAt(backend, ptr, backend.ptr(weights) + weightsOffset * 4, bias ? backend.ptr(bias) : 0, layout);
}

/** packInto from raw addresses (`biasPtr` 0: no bias). */
export function packAt(backend: AscBackend, ptr: number, weightsPtr: number, biasPtr: number,
    {n, taps, kc, tapOffsets, kStride, nStride}: PackLayout): void {
  backend.withScratch(Math.max(1, taps) * 4, (offsets) => {
    new Int32Array(backend.wasmMemory.buffer, offsets, taps).set(tapOffsets);
    backend.wasm.igemmPack(weightsPtr, biasPtr, ptr, n, taps, kc, offsets, kStride, nStride);
  });
}

/**
 * `weights` (and `bias`) packed in the layout `layoutOf()` gives, from the backend's weight cache:
 * packed at the first call (the only one that builds the layout), kept until `weights` is
 * disposed. `kind` names the use (and its geometry).
 */
export function packedWeights(backend: AscBackend, weights: TensorInfo, kind: string, bias: TensorInfo|undefined,
    layoutOf: () => PackLayout): number {
  return backend.cachedWeights(weights, kind, bias, () => {
    const layout = layoutOf();
    return {bytes: packedBytes(backend, layout), fill: (ptr) => packInto(backend, ptr, weights, bias, layout)};
  });
}
