// initBackend: WebGPU when a device can be had, asc otherwise, with a report that says why.
import {backend, findBackendFactory, KernelBackend, registerBackend, removeBackend, setBackend} from '@tensorflow/tfjs-core';
import type {WebGPUBackend} from '@tensorflow/tfjs-backend-webgpu';
import {AscBackend} from '../backend.js';
import {hasWasmSimd} from '../wasm_module.js';
import {handoffAscBackend, installKernelHandoff, kernelHandoffReport} from './kernel_handoff.js';
import {refuseSoftware, requestWebGpuDevice, SoftwareAdapterError, WebGpuInfo, WebGpuOptions} from './webgpu_device.js';

export interface InitBackendOptions extends WebGpuOptions {
  /** Backends to try, in order (default ['webgpu', 'asc', 'cpu']). */
  prefer?: string[];
  /** Hand the kernels that webgpu lacks to asc (default true). */
  kernelHandoff?: boolean;
}

export interface BackendReport {
  /** The backend now active. */
  chosen: string;
  /** The candidates before it, each with why it was not taken. */
  skipped: {backend: string, reason: string}[];
  features: {
    wasmSimd: boolean;
    relaxedSimd: boolean;
    relaxedSimdReason: string|null;
    /** Threads asc kernels run on, and why not more when there is one. */
    threads: number;
    threadsReason: string|null;
    cores: number;
    /** The WebGPU adapter found, used or not (null when none was looked for or found). */
    webgpu: WebGpuInfo|null;
    /** Why there is no WebGPU, when it was looked for and not found. */
    webgpuReason: string|null;
  };
  /** Kernels handed to asc because webgpu lacks them (empty unless webgpu is chosen). */
  kernelHandoff: string[];
  /** Time initBackend took. */
  ms: number;
}

/** The priority tfjs-backend-webgpu registers itself with (above asc's 2). */
const WEBGPU_PRIORITY = 3;

/**
 * The WebGPU device initBackend registered last: a later call reuses it while its factory is still
 * the registered one and the device lives (unless it asks for another entry point or adapter).
 */
let webGpuSetup: {info: WebGpuInfo, factory: () => KernelBackend, lost: boolean}|null = null;

/**
 * Makes the first backend of `prefer` that works the active one. Never throws for a missing
 * WebGPU; throws only when no candidate works, with every reason.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendReport> {
  const started = performance.now();
  const {prefer = ['webgpu', 'asc', 'cpu'], kernelHandoff = true} = options;
  const skipped: BackendReport['skipped'] = [];
  let webgpu: WebGpuInfo|null = null;
  let webgpuReason: string|null = null;
  let handedOff: string[] = [];
  let chosen: string|null = null;
  for (const name of prefer) {
    let reason: string|null;
    if (name === 'webgpu') {
      try {
        webgpu = await startWebGpu(options);
        if (kernelHandoff) await installKernelHandoff();
        handedOff = kernelHandoffReport().kernels;
        reason = await setBackend('webgpu') ? null : 'tfjs-backend-webgpu failed to initialize';
      } catch (e) {
        reason = webgpuReason = (e as Error).message;
        // A software adapter passed over is still described.
        if (e instanceof SoftwareAdapterError) webgpu = e.info;
      }
    } else if (name === 'asc' && !hasWasmSimd()) {
      reason = 'this engine has no WebAssembly SIMD';
    } else if (findBackendFactory(name) == null) {
      reason = `no backend '${name}' is registered (import its package first)`;
    } else {
      reason = await setBackend(name) ? null : `backend '${name}' failed to initialize`;
    }
    if (reason == null) {
      chosen = name;
      break;
    }
    skipped.push({backend: name, reason});
  }
  if (chosen == null) {
    throw new Error(`initBackend: no backend works: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
  }
  if (chosen !== 'webgpu') handedOff = [];
  const asc = chosen === 'asc' ? backend() as AscBackend : handoffAscBackend() ?? await AscBackend.create();
  const features = {
    wasmSimd: hasWasmSimd(), relaxedSimd: asc.features.relaxedSimd,
    relaxedSimdReason: asc.features.relaxedSimdReason, threads: asc.threads, threadsReason: asc.threadsReason,
    cores: asc.features.cores, webgpu, webgpuReason,
  };
  if (asc !== backend() && asc !== handoffAscBackend()) asc.dispose();
  return {chosen, skipped, features, kernelHandoff: handedOff, ms: performance.now() - started};
}

/**
 * Finds a device and registers tfjs-backend-webgpu on it as 'webgpu' (replacing the registration
 * the package makes for itself, which asks for an adapter tfjs's way and has no Node path).
 */
async function startWebGpu(options: WebGpuOptions): Promise<WebGpuInfo> {
  const {gpu, powerPreference, dawnFlags} = options;
  if (webGpuSetup != null && !webGpuSetup.lost && findBackendFactory('webgpu') === webGpuSetup.factory &&
      gpu === undefined && powerPreference === undefined && dawnFlags === undefined) {
    refuseSoftware(webGpuSetup.info, options);
    return webGpuSetup.info;
  }
  let found = await requestWebGpuDevice(options);
  let WebGPUBackendClass: typeof WebGPUBackend;
  try {
    ({WebGPUBackend: WebGPUBackendClass} = await import('@tensorflow/tfjs-backend-webgpu'));
  } catch (e) {
    throw new Error(`@tensorflow/tfjs-backend-webgpu does not load: ${(e as Error).message}`);
  }
  // The probe gets a device of its own, before the one tfjs runs on. A software adapter is not
  // probed: SwiftShader reads back zeros, and the probe there breaks the page's other devices and
  // canvases (2D readbacks return zeros after it).
  const probeSyncReads = typeof OffscreenCanvas !== 'undefined' && !found.info.software;
  const syncReads = probeSyncReads && syncReadsWork(WebGPUBackendClass, found.device);
  if (probeSyncReads) found = await requestWebGpuDevice(options);
  const {adapter, device, info} = found;
  const adapterInfo = (adapter as {info?: GPUAdapterInfo}).info;
  // Constructed here so that a failure comes back with its reason; tfjs would only log it.
  let first: WebGPUBackend|null = new WebGPUBackendClass(device, adapterInfo);
  const create = () => {
    const created = first ?? new WebGPUBackendClass(device, adapterInfo);
    first = null;
    if (!syncReads) refuseSyncReads(created);
    return created;
  };
  if (findBackendFactory('webgpu') != null) removeBackend('webgpu');
  registerBackend('webgpu', create, WEBGPU_PRIORITY);
  const setup = {info: {...info, syncReads}, factory: create, lost: false};
  void device.lost.then(() => setup.lost = true);
  webGpuSetup = setup;
  return setup.info;
}

/**
 * tfjs-backend-webgpu reads GPU buffers synchronously (dataSync, and moving a tensor to another
 * backend) by drawing them into an OffscreenCanvas. Node has none, and headless Chromium on
 * SwiftShader reads back zeros: a round trip of known values on `device` (destroyed after) tells.
 */
function syncReadsWork(WebGPUBackendClass: typeof WebGPUBackend, device: GPUDevice): boolean {
  const backend = new WebGPUBackendClass(device);
  const values = Float32Array.from({length: 1024}, (_, i) => i + 0.5);
  const dataId = backend.write(values, [values.length], 'float32');
  try {
    backend.uploadToGPU(dataId);
    const read = backend.readSync(dataId) as Float32Array;
    return read.length === values.length && read.every((v, i) => v === values[i]);
  } catch {
    return false;
  } finally {
    backend.dispose();
    device.destroy();
  }
}

/** Makes a synchronous read of GPU-only data throw a clear error instead of returning garbage. */
function refuseSyncReads(backend: WebGPUBackend): void {
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId: object) => {
    const data = backend.tensorMap.get(dataId);
    if (data.values != null || data.dtype === 'string' || data.dtype === 'complex64') return readSync(dataId);
    throw new Error('webgpu: this platform cannot read GPU data synchronously (dataSync, or moving a tensor to ' +
        'another backend). Use `await tensor.data()` (it also keeps a CPU copy that later moves use), or create the ' +
        'tensor on the other backend.');
  };
}
