// Host side of the indirect GEMM (assembly/kernels/igemm.ts): packing weights (cached per weight
// tensor) and running one GEMM with its indirection tables in a scratch block.
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
    {n, taps, kc, tapOffsets, kStride, nStride}: PackLayout, weightsOffset = 0): void {
  backend.withScratch(Math.max(1, taps) * 4, (offsets) => {
    new Int32Array(backend.wasmMemory.buffer, offsets, taps).set(tapOffsets);
    backend.wasm.igemmPack(backend.ptr(weights) + weightsOffset * 4, bias ? backend.ptr(bias) : 0, ptr, n, taps, kc,
        offsets, kStride, nStride);
  });
}

/**
 * Runs igemm on `m` rows: `fillTables(a, c, zero)` writes the A and C tables in tiles of
 * backend.igemmRows rows (the zero block holds kc zeros for padded taps), then the product with
 * `packed` is computed in place.
 */
export function runIgemm(
    backend: AscBackend, m: number, n: number, taps: number, kc: number, packed: number, activation: number,
    alpha: number, fillTables: (a: number, c: number, zero: number) => void): void {
  if (m === 0 || n === 0) return;
  const rows = Math.ceil(m / backend.igemmRows) * backend.igemmRows;
  const aBytes = rows * Math.max(taps, 1) * 4;
  const cBytes = rows * 4;
  const zeroBytes = Math.max(kc, 1) * 4;
  backend.withScratch(aBytes + cBytes + zeroBytes, (scratch) => {
    const a = scratch;
    const c = a + aBytes;
    const zero = c + cBytes;
    new Float32Array(backend.wasmMemory.buffer, zero, zeroBytes / 4).fill(0);
    fillTables(a, c, zero);
    // Threads share the row tiles, or the column blocks when there are more columns than rows (each
    // thread then reads only its share of B, the larger operand) or too few row tiles to go round.
    const rowTiles = rows / backend.igemmRows, columnBlocks = Math.ceil(n / 8);
    const byColumns = columnBlocks >= 2 * backend.threads && (n > m || rowTiles < 2 * backend.threads);
    const units = byColumns ? columnBlocks : rowTiles;
    const unitWork = (byColumns ? m * 8 : backend.igemmRows * n) * Math.max(taps, 1) * kc;
    backend.parallel('igemm', [m, n, taps, kc, a, packed, c, activation, alpha, Number(backend.igemmArm),
      Number(byColumns)], units, unitWork);
  });
}

/**
 * One row of A (at `a`, kc floats) times packed B (taps = 1) into `c`: igemm's product for m = 1
 * (a dense layer on one sample, a squeeze-excite 1x1 conv), without the tile's idle rows.
 */
export function runGemv(backend: AscBackend, a: number, packed: number, c: number, n: number, kc: number,
    activation: number, alpha: number): void {
  if (n === 0) return;
  // Threads share the column blocks, four at a time (the kernel's step).
  backend.parallel('gemv', [a, packed, c, n, kc, activation, alpha], Math.ceil(n / 8), 8 * kc, 4);
}
