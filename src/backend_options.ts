// The options an asc backend is created with, and their checks.
import {env} from '@tensorflow/tfjs-core';
import {MAX_THREADS, MIN_PARALLEL_WORK} from './threads/dispatch.js';

/**
 * Which GEMM microkernel tile runs: 'auto' (the host flavor's tiles, x86's or ARM's, calibrated after
 * the first 4 M multiply-adds of GEMM), or a tile's name (IGEMM_TILES of the build that runs) to force it.
 */
export type IgemmTileName = 'auto'|string;

export interface AscBackendOptions {
  /** The most bytes the wasm memory may grow to (default: the flag ASC_MAX_MEMORY_BYTES). */
  maxMemoryBytes?: number;
  /** Which GEMM microkernel tile runs (default: the flag ASC_IGEMM_TILE; see src/conv/gemm_tiles.ts). */
  igemmTile?: IgemmTileName;
  /** Run the relaxed-SIMD module where the engine has it (default: the flag ASC_RELAXED_SIMD). */
  relaxedSimd?: boolean;
  /** A fixed thread count for this backend (0: one per core); default: the flag ASC_THREADS, read per kernel. */
  threads?: number;
  /**
   * Work (multiply-adds or bytes moved) below which a kernel runs on the calling thread alone
   * (default 200,000). 1 splits every kernel with more than one work unit (the fuzzer does).
   */
  minParallelWork?: number;
  /**
   * Whole-graph capture: repeats of a recorded kernel sequence (the next inference) run deferred and
   * fused (default: the flag ASC_CAPTURE; src/graph/capture.ts).
   */
  capture?: boolean;
}

/** `options` with the defaults the backend reads when it is created; throws on a bad value. */
export function checkedOptions(options: AscBackendOptions):
    AscBackendOptions & {maxMemoryBytes: number, relaxedSimd: boolean, minParallelWork: number} {
  const {
    maxMemoryBytes = env().getNumber('ASC_MAX_MEMORY_BYTES'),
    relaxedSimd = env().getBool('ASC_RELAXED_SIMD'),
    threads = null,
    minParallelWork = MIN_PARALLEL_WORK,
  } = options;
  if (threads != null && !(Number.isInteger(threads) && threads >= 0 && threads <= MAX_THREADS)) {
    throw new Error(`asc backend: threads must be an integer in [0, ${MAX_THREADS}] (0: one per core), got ${threads}`);
  }
  if (!(Number.isInteger(minParallelWork) && minParallelWork >= 1)) {
    throw new Error(`asc backend: minParallelWork must be a positive integer, got ${minParallelWork}`);
  }
  return {...options, maxMemoryBytes, relaxedSimd, minParallelWork};
}
