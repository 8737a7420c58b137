// tfjs-backend-asc: importing this module registers the `asc` backend (priority 2: above cpu,
// below webgpu) with all its kernels, and tfjs-core's gradients.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import './register_all_kernels.js';
import {engine, env, findBackend, getKernelsForBackend, registerBackend, registerKernel} from '@tensorflow/tfjs-core';
import {AscBackend} from './backend.js';
import type {AscBackendOptions} from './backend_options.js';
import {IGEMM_TILE_NAMES, igemmTileChoice as tileChoice, IgemmTileChoice} from './conv/gemm_tiles.js';
import type {CaptureReport} from './graph/capture.js';
import type {JsFallbackEntry} from './js_fallback.js';
import {nodeProcess} from './node_process.js';
import {MAX_THREADS} from './threads/dispatch.js';
import {MAX_MEMORY_BYTES} from './wasm_module.js';

export {AscBackend} from './backend.js';
export type {AscMemoryInfo} from './backend.js';
export type {AscBackendOptions, IgemmTileName} from './backend_options.js';
export type {AscFeatures} from './features.js';
export type {TensorData} from './tensor_data.js';
export type {ParallelKernel} from './threads/parallel_kernels.js';
export type {IgemmTileChoice} from './conv/gemm_tiles.js';
export type {ConvAlgorithm} from './conv/geometry.js';
export {convAlgorithmOf} from './conv/winograd.js';
export type {JsFallbackEntry} from './js_fallback.js';
export type {CaptureReport} from './graph/capture.js';
export type {FusionCounts} from './graph/fusion.js';
export {IGEMM_TILES} from './generated/igemm_tiles.js';
export {hasRelaxedSimd} from './wasm_module.js';
export type {KernelVariant} from './wasm_module.js';
export {wasmKernelConfigs} from './register_all_kernels.js';
export {initBackend} from './gpu/init_backend.js';
export type {BackendReport, InitBackendOptions} from './gpu/init_backend.js';
export {installKernelHandoff, kernelHandoffReport, resetKernelHandoffReport} from './gpu/kernel_handoff.js';
export type {KernelHandoffReport, KernelHandoffStats} from './gpu/kernel_handoff.js';
export type {WebGpuInfo, WebGpuOptions} from './gpu/webgpu_device.js';
export {warmup} from './warmup.js';
export {compile} from './compile.js';
export type {CompiledFunction, CompiledResult} from './compile.js';
export type {Predictor, WarmupReport} from './warmup.js';

/** The most bytes the backend's wasm memory may grow to (default and upper bound: 4 GiB). */
env().registerFlag('ASC_MAX_MEMORY_BYTES', () => MAX_MEMORY_BYTES, (bytes) => {
  if (typeof bytes !== 'number' || !(bytes > 0) || bytes > MAX_MEMORY_BYTES) {
    throw new Error(`ASC_MAX_MEMORY_BYTES must be in (0, ${MAX_MEMORY_BYTES}], got ${bytes}`);
  }
});

/**
 * Which GEMM microkernel tile runs: 'auto' (the host's tiles, calibrated once per process after its
 * first 4 M multiply-adds of GEMM), or a tile's name (IGEMM_TILES of the build that runs) to force one (tests,
 * benchmarks).
 */
env().registerFlag('ASC_IGEMM_TILE', () => 'auto', (tile) => checkTileName('ASC_IGEMM_TILE', tile));

function checkTileName(what: string, tile: unknown): void {
  if (tile !== 'auto' && !IGEMM_TILE_NAMES.includes(tile as string)) {
    throw new Error(`${what} must be 'auto' or one of ${IGEMM_TILE_NAMES.join(', ')}, got ${tile}`);
  }
}

/** An environment variable of the Node process, if any (the flags' defaults for command lines). */
const processEnv = (name: string): string|undefined => nodeProcess()?.env[name];

/**
 * Threads the kernels run on: 0 (the default, or the environment variable ASC_THREADS in Node)
 * means one per core; where no shared memory or workers exist, one.
 */
env().registerFlag('ASC_THREADS', () => Number(processEnv('ASC_THREADS') ?? 0), (threads) => {
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 0 || threads > MAX_THREADS) {
    throw new Error(`ASC_THREADS must be an integer in [0, ${MAX_THREADS}] (0: one per core), got ${threads}`);
  }
});

/**
 * Whether to run the relaxed-SIMD kernels where the engine has them (read when a backend is
 * created; the environment variable ASC_RELAXED_SIMD=0 turns it off by default in Node).
 */
env().registerFlag('ASC_RELAXED_SIMD', () => !['0', 'false'].includes(processEnv('ASC_RELAXED_SIMD') ?? ''));

/**
 * Winograd convolution for 3x3 stride-1 convolutions: true (the default) lets the cost model choose
 * per filter, false always runs the direct GEMM (its exact rounding; the environment variable
 * ASC_WINOGRAD=0 in Node), 'F(2,3)' or 'F(4,3)' forces that tile where Winograd applies.
 */
env().registerFlag('ASC_WINOGRAD', () => {
  const value = processEnv('ASC_WINOGRAD');
  return value === 'F(2,3)' || value === 'F(4,3)' ? value : !['0', 'false'].includes(value ?? '');
}, (value) => {
  if (![true, false, 'F(2,3)', 'F(4,3)'].includes(value as boolean|string)) {
    throw new Error(`ASC_WINOGRAD must be true, false, 'F(2,3)' or 'F(4,3)', got ${value}`);
  }
});

/**
 * Log (console.warn) the first call of each kernel that runs on tfjs-backend-cpu's JavaScript
 * (default: the environment variable ASC_LOG_JS_FALLBACK=1 in Node).
 */
env().registerFlag('ASC_LOG_JS_FALLBACK', () => ['1', 'true'].includes(processEnv('ASC_LOG_JS_FALLBACK') ?? ''));

/**
 * Whole-graph capture (src/graph/capture.ts): a repeat of a recorded kernel sequence, such as the
 * next inference of a model, runs deferred until a read and fused (default true; the environment
 * variable ASC_CAPTURE=0 turns it off in Node). Read when a backend is created.
 */
env().registerFlag('ASC_CAPTURE', () => !['0', 'false'].includes(processEnv('ASC_CAPTURE') ?? ''));

/**
 * Sets how many threads `asc` kernels use (the calling thread included; 0: one per core). Takes
 * effect on the next kernel; workers start in the background.
 */
export function setThreadsCount(threads: number): void {
  env().set('ASC_THREADS', threads);
}

registerBackend('asc', () => AscBackend.create(), 2);

/**
 * What an `asc` backend (default: the active one) ran on tfjs-backend-cpu's JavaScript, per kernel:
 * calls and milliseconds, slowest first.
 */
export function jsFallbackReport(backendName?: string): JsFallbackEntry[] {
  return ascBackend('jsFallbackReport', backendName).jsFallbackReport();
}

/** Clears jsFallbackReport's counts (e.g. after a warm-up). */
export function resetJsFallbackReport(backendName?: string): void {
  ascBackend('resetJsFallbackReport', backendName).resetJsFallbackReport();
}

/**
 * What whole-graph capture did on an `asc` backend (default: the active one): plans recorded,
 * replays, calls deferred and run, and the fusions that fired.
 */
export function captureReport(backendName?: string): CaptureReport {
  return ascBackend('captureReport', backendName).capture.report();
}

/** Zeroes captureReport's counts (the plans stay). */
export function resetCaptureReport(backendName?: string): void {
  ascBackend('resetCaptureReport', backendName).capture.resetReport();
}

/** Which GEMM microkernel tile an `asc` backend (default: the active one) runs, and how it was chosen. */
export function igemmTileChoice(backendName?: string): IgemmTileChoice {
  return tileChoice(ascBackend('igemmTileChoice', backendName));
}

function ascBackend(caller: string, name?: string): AscBackend {
  const backend = name == null ? engine().backend : findBackend(name);
  if (!(backend instanceof AscBackend)) {
    throw new Error(`${caller}: ${name == null ? 'the active backend' : `backend '${name}'`} is not an asc backend`);
  }
  return backend;
}

/**
 * Registers one more asc backend under `name`, with fixed settings (e.g. one thread, or plain SIMD)
 * and all of asc's kernels, beside the default `asc`.
 */
export function registerAscBackend(name: string, options: AscBackendOptions = {}, priority = 0): void {
  if (options.igemmTile != null) checkTileName('registerAscBackend: option igemmTile', options.igemmTile);
  registerBackend(name, () => AscBackend.create(options), priority);
  for (const config of getKernelsForBackend('asc')) registerKernel({...config, backendName: name});
}
