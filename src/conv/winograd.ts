// Host side of the Winograd convolution (assembly/kernels/winograd.ts): which 3x3 convolutions take
// it and with which tile (a cost model's choice, kept per filter), the transformed filters (packed
// once per filter tensor), and the run in blocks of tiles: input transform, the frequencies' GEMMs,
// output transform, each split across threads.
import {env, TensorInfo} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {igemmRows, igemmTile, settleIgemmTile} from './gemm_tiles.js';
import {ConvAlgorithm, WINOGRAD_OUTPUTS, WinogradAlgorithm, winogradFrequencies, WinogradSetting} from './geometry.js';

/** A convolution's shape as the Winograd kernels see it (NHWC, 3x3, stride 1, dilation 1). */
export interface WinogradShape {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  padTop: number;
  padLeft: number;
  /** Pixels from one input row to the next, and from one image to the next (a dy larger than used). */
  rowPixels: number;
  batchPixels: number;
}

/** How a 3x3 filter is read: element (kh, kw, i, o) at (kh * 3 + kw) * tapStride + i * inStride + o * outStride, flipped for a transposed conv. */
export interface FilterLayout {
  tapStride: number;
  inStride: number;
  outStride: number;
  flip: boolean;
}

/**
 * A block of tiles holds V and M within this many bytes (they stay in the last-level cache), or
 * within the transformed filters' size up to MAX_BLOCK_BYTES: every block reads all of them, so
 * deep layers (36 MB of F(4,3) filters for 512 x 512 channels) take their tiles in fewer blocks.
 */
const BLOCK_BYTES = 4 << 20;
const MAX_BLOCK_BYTES = 16 << 20;
/** One frequency's rows of V (tiles x input channels) within this many bytes stay in L2 across its column blocks. */
const ROWS_IN_CACHE = 256 << 10;

/** The algorithm each 3x3 filter's convolutions use, chosen at its first use (per tensor data: they never change). */
const ALGORITHMS = new WeakMap<object, ConvAlgorithm>();

/** The algorithm asc chose for 3x3 stride-1 convolutions with `filter` (undefined before its first one). */
export function convAlgorithmOf(filter: {dataId: object}): ConvAlgorithm|undefined {
  return ALGORITHMS.get(filter.dataId);
}

/**
 * The algorithm for a conv with this filter that Winograd applies to (geometry.ts): the flag
 * ASC_WINOGRAD (false: always direct; 'F(2,3)' or 'F(4,3)': that one), else the cost model's choice
 * at the filter's first use, kept for the filter's life so every call with it (a band of a tiled
 * U-Net, a batch) rounds alike.
 */
function convAlgorithm(filter: TensorInfo, shape: WinogradShape): ConvAlgorithm {
  const flag = env().get('ASC_WINOGRAD') as WinogradSetting;
  if (flag === false) return 'direct';
  if (flag !== true) return flag;
  let algorithm = ALGORITHMS.get(filter.dataId);
  if (algorithm == null) {
    algorithm = cheapest(shape);
    ALGORITHMS.set(filter.dataId, algorithm);
  }
  return algorithm;
}

/**
 * The cost model, in units of one GEMM multiply-add: the direct GEMM's 9 per output and channel
 * pair against Winograd's frequencies per tile (edge tiles included), the transforms' work per
 * frequency and channel, and reading the transformed filters once per block of tiles (what makes
 * small maps slow: a 4x4 map of 512 channels reads 36 MB of F(4,3) filters for 16 outputs).
 */
function cheapest(shape: WinogradShape): ConvAlgorithm {
  const {batch, outHeight, outWidth, inChannels: ci, outChannels: co} = shape;
  let best: ConvAlgorithm = 'direct';
  let bestCost = batch * outHeight * outWidth * 9 * ci * co;
  for (const algorithm of ['F(2,3)', 'F(4,3)'] as const) {
    const m = WINOGRAD_OUTPUTS[algorithm], freqs = winogradFrequencies(algorithm);
    const tiles = batch * Math.ceil(outHeight / m) * Math.ceil(outWidth / m);
    const blocks = Math.ceil(tiles / blockTiles(algorithm, ci, co, 8));
    const cost = tiles * freqs * (ci * co + TRANSFORM_COST * (ci + co)) + blocks * freqs * ci * co * FILTER_READ_COST;
    if (cost < bestCost) {
      best = algorithm;
      bestCost = cost;
    }
  }
  return best;
}

// Fitted to bench/winograd.mjs on a Zen 4 under Node 24 (bench/results/winograd-node24.json): with
// these it picks the fastest algorithm at every shape measured, from 256²×64 to 2²×512.
/** A transform's cost per frequency and channel, in GEMM multiply-adds (memory-bound: V and M pass through L3). */
const TRANSFORM_COST = 16;
/** Reading a transformed filter element once for a block, in GEMM multiply-adds. */
const FILTER_READ_COST = 8;

/** Tiles per block: V and M within the block budget, one frequency's V rows within ROWS_IN_CACHE, a multiple of mr. */
function blockTiles(algorithm: WinogradAlgorithm, inChannels: number, outChannels: number, mr: number): number {
  const freqs = winogradFrequencies(algorithm);
  const cp = Math.ceil(inChannels / 4) * 4, cm = Math.ceil(outChannels / 4) * 4;
  const budget = Math.min(MAX_BLOCK_BYTES, Math.max(BLOCK_BYTES, freqs * inChannels * outChannels * 4));
  const fit = Math.min(budget / (freqs * (cp + cm) * 4), ROWS_IN_CACHE / (cp * 4));
  return Math.max(mr, Math.floor(fit / mr) * mr);
}

/** The transformed filter's packed block (taking kind into the weight cache's key). */
function winogradFilter(backend: AscBackend, filter: TensorInfo, algorithm: WinogradAlgorithm, inChannels: number,
    outChannels: number, layout: FilterLayout): number {
  const m = WINOGRAD_OUTPUTS[algorithm];
  const kind = `winograd ${algorithm} ${inChannels} ${outChannels} ${layout.flip ? 'flipped' : ''}`;
  return backend.cachedWeights(filter, kind, undefined, () => ({
    bytes: backend.wasm.winogradPackedBytes(m, inChannels, outChannels),
    fill: (ptr) => backend.withScratch((winogradFrequencies(algorithm) * inChannels * outChannels + 1) * 4, (scratch) =>
      backend.wasm.winogradPackFilter(backend.ptr(filter), scratch, ptr, m, inChannels, outChannels, layout.tapStride,
          layout.inStride, layout.outStride, layout.flip)),
  }));
}

/**
 * out = act(conv(x, filter) + bias) by Winograd, for a convolution winogradApplies to (the caller
 * checks), when the filter's algorithm is one of its tiles and `x` is finite (a tile's transforms would spread an infinity over the whole tile as NaN); false,
 * computing nothing, otherwise. `x` and `out` are NHWC, the filter read as `layout` says.
 */
export function runWinograd(backend: AscBackend, x: TensorInfo, filter: TensorInfo, layout: FilterLayout,
    shape: WinogradShape, out: TensorInfo, {bias, activation, alpha}: {bias?: TensorInfo, activation: number, alpha: number}):
    boolean {
  const algorithm = convAlgorithm(filter, shape);
  if (algorithm === 'direct' || !backend.allFinite(x)) return false;
  const packed = winogradFilter(backend, filter, algorithm, shape.inChannels, shape.outChannels, layout);
  runTiles(backend, algorithm, backend.ptr(x), packed, bias ? backend.ptr(bias) : 0, backend.ptr(out), shape, activation, alpha);
  return true;
}

/** The run in blocks of tiles: input transform, the frequencies' GEMMs, output transform (addresses in wasm memory). */
function runTiles(backend: AscBackend, algorithm: WinogradAlgorithm, x: number, packed: number, bias: number,
    out: number, shape: WinogradShape, activation: number, alpha: number): void {
  const {batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, padTop, padLeft, rowPixels,
    batchPixels} = shape;
  const m = WINOGRAD_OUTPUTS[algorithm], freqs = winogradFrequencies(algorithm);
  const tilesH = Math.ceil(outHeight / m), tilesW = Math.ceil(outWidth / m);
  const tiles = batch * tilesH * tilesW;
  if (tiles === 0 || outChannels === 0) return;
  settleIgemmTile(backend, tiles * freqs * inChannels * outChannels);
  const mr = igemmRows(backend);
  const perBlock = Math.min(blockTiles(algorithm, inChannels, outChannels, mr), Math.ceil(tiles / mr) * mr);
  const cp = Math.ceil(inChannels / 4) * 4, cm = Math.ceil(outChannels / 4) * 4;
  const vBytes = perBlock * freqs * cp * 4, mBytes = perBlock * freqs * cm * 4, tableBytes = freqs * perBlock * 4;
  const {wasm} = backend;
  backend.withScratch(vBytes + mBytes + 2 * tableBytes + cp * 4, (scratch) => {
    const v = scratch, mBuf = v + vBytes, aTable = mBuf + mBytes, cTable = aTable + tableBytes, zero = cTable + tableBytes;
    backend.zero(zero, cp * 4);
    wasm.winogradTables(aTable, cTable, v, mBuf, perBlock, m, cp, cm);
    const columnBlocks = Math.ceil(outChannels / 8);
    for (let first = 0; first < tiles; first += perBlock) {
      const count = Math.min(perBlock, tiles - first);
      backend.parallel('winogradInput', [x, zero, v, m, inHeight, inWidth, inChannels, cp, rowPixels, batchPixels,
        tilesH, tilesW, padTop, padLeft, first], count, freqs * cp * 4);
      backend.parallel('winogradProducts', [count, perBlock, outChannels, inChannels, aTable, cTable, packed,
        igemmTile(backend)], freqs * columnBlocks, count * 8 * inChannels);
      backend.parallel('winogradOutput', [mBuf, bias, out, m, outHeight, outWidth, outChannels, cm, tilesH, tilesW,
        activation, alpha, first], count, freqs * cm * 4);
    }
  });
}
