// What this engine offers the backend: wasm relaxed SIMD, worker threads on a shared memory, and
// the cores; the kernel module variant follows from them.
import {detectCores, SpawnWorker, workerSpawner} from './threads/pool.js';
import {hasRelaxedSimd, KernelVariant} from './wasm_module.js';

/** What the backend runs with, and why not more. */
export interface AscFeatures {
  /** The kernel module variant: plain or relaxed SIMD, on a private or shared memory. */
  variant: KernelVariant;
  relaxedSimd: boolean;
  /** Why relaxed SIMD is off, when it is. */
  relaxedSimdReason: string|null;
  /** Logical cores the platform reports. */
  cores: number;
  /** Whether worker threads can run here (shared memory and workers exist). */
  threadsSupported: boolean;
  /** Why the backend runs on one thread only, when it must. */
  threadsReason: string|null;
}

/** The features (relaxed SIMD where wanted and valid) and how to start a worker, or null where threads cannot run. */
export async function detectFeatures(relaxedWanted: boolean): Promise<{features: AscFeatures, spawn: SpawnWorker|null}> {
  const relaxedSimd = relaxedWanted && hasRelaxedSimd();
  const relaxedSimdReason = relaxedSimd ? null :
      relaxedWanted ? 'this engine does not validate relaxed SIMD (Node 20 and 21 need the V8 flag --experimental-wasm-relaxed-simd)' :
                      'turned off (option relaxedSimd or flag ASC_RELAXED_SIMD)';
  const [spawner, cores] = await Promise.all([workerSpawner(), detectCores()]);
  const spawn = typeof spawner === 'string' ? null : spawner;
  const variant: KernelVariant = `${relaxedSimd ? 'relaxed' : 'simd'}${spawn ? '-shared' : ''}`;
  const features: AscFeatures = {
    variant, relaxedSimd, relaxedSimdReason, cores, threadsSupported: spawn != null,
    threadsReason: typeof spawner === 'string' ? spawner : null,
  };
  return {features, spawn};
}
