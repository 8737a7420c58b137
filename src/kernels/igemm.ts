// Host side of the indirect GEMM (assembly/kernels/igemm.ts): packing weights (cached per weight
// tensor), choosing the microkernel tile, and running one GEMM with its indirection tables in a
// scratch block.
import {TensorInfo} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {IGEMM_TILES} from '../generated/igemm_tiles.js';

/** How the backend's igemm tile was chosen, and what the calibration measured (GFLOP/s per tile). */
export interface IgemmTileChoice {
  tile: string;
  /** Rows of C per tile. */
  rows: number;
  how: 'forced'|'the only one for this host'|'calibrated'|'default until the first large GEMM';
  /** The calibration's GFLOP/s per candidate tile, and how long it took. */
  calibration?: TileCalibration['measured'];
}

/** A calibration's result: the fastest tile, and what was measured. */
export interface TileCalibration {
  tile: number;
  measured: {gflops: Record<string, number>, ms: number};
}

/** The tiles for the host: the ARM-tuned ones where the default NaN is positive (XNNPACK's rule), else x86's. */
export function hostTiles(backend: AscBackend): number[] {
  const host = backend.wasm.defaultNaNIsPositive(0) ? 'arm' : 'x86';
  return IGEMM_TILES.flatMap((t, i) => t.host === host ? [i] : []);
}

/** The index of a tile by name, or an error that lists the names. */
export function tileIndex(name: string): number {
  const index = IGEMM_TILES.findIndex((t) => t.name === name);
  if (index < 0) throw new Error(`asc backend: no igemm tile '${name}' (tiles: ${IGEMM_TILES.map((t) => t.name).join(', ')})`);
  return index;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];

/** A GEMM with at least this many multiply-adds makes the backend calibrate its tile first. */
export const CALIBRATE_MIN_MACS = 1 << 22;
/** The calibration's product: 96 x 128 times 128 x 64 (0.8 M multiply-adds, tens of microseconds a run). */
const CAL_M = 96, CAL_N = 64, CAL_K = 128;

/**
 * Times each candidate tile on one thread and returns the fastest with every tile's GFLOP/s. The
 * tiles share one wasm function, so the engine's tier-up (its optimizing compiler replaces the
 * baseline code after a few calls) reaches them together; the warm-up outlasts it. Then samples of
 * about half a millisecond (coarse browser timers), the tiles interleaved, medians compared.
 * Every tile sums in the same order, so the choice changes speed only, never a result.
 */
export function calibrateTiles(backend: AscBackend, candidates: number[]): TileCalibration {
  const {wasm} = backend;
  const started = performance.now();
  const packedSize = wasm.igemmPackedBytes(CAL_N, 1, CAL_K);
  const maxRows = Math.max(...candidates.map((t) => Math.ceil(CAL_M / wasm.igemmTileRows(t)) * wasm.igemmTileRows(t)));
  const floats = CAL_M * CAL_K + CAL_N * CAL_K + CAL_M * CAL_N + CAL_K;
  return backend.withScratch(floats * 4 + packedSize + 2 * maxRows * 4 * candidates.length, (scratch) => {
    const a = scratch, b = a + CAL_M * CAL_K * 4, c = b + CAL_N * CAL_K * 4, zero = c + CAL_M * CAL_N * 4;
    const packed = zero + CAL_K * 4, tables = packed + packedSize;
    const f32 = new Float32Array(backend.wasmMemory.buffer, scratch, floats);
    for (let i = 0; i < f32.length; i++) f32[i] = i < CAL_M * CAL_K + CAL_N * CAL_K ? ((i * 7919) % 17) / 16 - 0.5 : 0;
    packAt(backend, packed, b, 0, {n: CAL_N, taps: 1, kc: CAL_K, tapOffsets: [0], kStride: CAL_N, nStride: 1});
    const runs = candidates.map((tile, i) => {
      const mr = wasm.igemmTileRows(tile);
      const at = tables + 2 * i * maxRows * 4, ct = at + maxRows * 4;
      wasm.matrixIndirection(a, CAL_K * 4, c, CAL_N * 4, CAL_M, zero, at, ct, mr);
      const rowTiles = Math.ceil(CAL_M / mr);
      return (times: number): number => {
        const started = performance.now();
        for (let r = 0; r < times; r++) wasm.igemm(CAL_M, CAL_N, 1, CAL_K, at, packed, ct, 0, 0, tile, false, 0, rowTiles);
        return performance.now() - started;
      };
    });
    // Warm-up: until the engine's optimizing tier has replaced its baseline code (the tiles share one
    // function, so they tier up together): the time per round of the last two 2 ms windows below half
    // the median window's (the first left out) and within 25% of each other (one noisy window neither starts nor ends it);
    // at most 150 ms. Times per round come from rounds
    // counted in a window, so coarse timers serve.
    const warmStart = performance.now();
    const windows: number[] = [];
    while (performance.now() - warmStart < 150) {
      const windowStart = performance.now();
      let rounds = 0;
      while (performance.now() - windowStart < 2) {
        for (const run of runs) run(1);
        rounds++;
      }
      windows.push((performance.now() - windowStart) / rounds);
      const last = windows.slice(-2);
      const typical = median(windows.slice(1)); // the first window compiled the baseline code
      if (windows.length >= 6 && Math.max(...last) < 0.5 * typical && Math.max(...last) < 1.25 * Math.min(...last)) break;
    }
    const perRound = windows[windows.length - 1];
    const times = Math.max(1, Math.ceil(0.5 / (perRound / runs.length)));
    const samples = runs.map((): number[] => []);
    for (let round = 0; round < 9; round++) {
      for (let i = 0; i < runs.length; i++) {
        const j = (i + round) % runs.length; // each round starts with another tile
        samples[j].push(runs[j](times) / times);
      }
    }
    const medians = samples.map(median);
    const best = medians.indexOf(Math.min(...medians));
    const flops = 2 * CAL_M * CAL_N * CAL_K;
    const gflops = Object.fromEntries(candidates.map((t, i) => [IGEMM_TILES[t].name, Math.round(flops / medians[i] / 1e5) / 10]));
    return {tile: candidates[best], measured: {gflops, ms: Math.round(performance.now() - started)}};
  });
}

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
function packAt(backend: AscBackend, ptr: number, weightsPtr: number, biasPtr: number,
    {n, taps, kc, tapOffsets, kStride, nStride}: PackLayout): void {
  backend.withScratch(Math.max(1, taps) * 4, (offsets) => {
    new Int32Array(backend.wasmMemory.buffer, offsets, taps).set(tapOffsets);
    backend.wasm.igemmPack(weightsPtr, biasPtr, ptr, n, taps, kc, offsets, kStride, nStride);
  });
}

/** What backend.packedWeights needs to pack `weights` (and `bias`) in `layout`: the block's size and the packing. */
export function packJob(backend: AscBackend, weights: TensorInfo, bias: TensorInfo|undefined, layout: PackLayout):
    {bytes: number, pack: (ptr: number) => void} {
  return {bytes: packedBytes(backend, layout), pack: (ptr) => packInto(backend, ptr, weights, bias, layout)};
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
  if (m * n * Math.max(taps, 1) * kc >= CALIBRATE_MIN_MACS) backend.settleIgemmTile();
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
    backend.parallel('igemm', [m, n, taps, kc, a, packed, c, activation, alpha, backend.igemmTile, Number(byColumns)],
        units, unitWork);
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
