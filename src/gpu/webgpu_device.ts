// Finds a WebGPU device: the browser's navigator.gpu, or in Node the optional `webgpu` package
// (Dawn). Dawn is tried on its default backend first (Vulkan, Metal or D3D12: a real GPU), then on
// OpenGL ES in compatibility mode, which runs on Mesa's software rasterizer where there is no GPU.
import {importNodeModule, nodeProcess} from '../node_process.js';

/** What was found, as the report shows it. */
export interface WebGpuInfo {
  /** 'navigator.gpu', or 'webgpu' (the npm package: Dawn in Node). */
  source: 'navigator.gpu'|'webgpu';
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** 'core', or 'compatibility' (a restricted WebGPU, e.g. on OpenGL ES). */
  featureLevel: 'core'|'compatibility';
  /** A software rasterizer (SwiftShader, llvmpipe, ...): the CPU doing the GPU's work. */
  software: boolean;
  /** The Dawn flags the adapter was found with (Node only). */
  dawnFlags?: string[];
  /**
   * Whether GPU data can be read synchronously here (dataSync; moving a tensor off webgpu). Where
   * not, such a read throws a clear error: await data() instead.
   */
  syncReads?: boolean;
}

export interface WebGpuDevice {
  adapter: GPUAdapter;
  device: GPUDevice;
  info: WebGpuInfo;
}

export interface WebGpuOptions {
  /** The WebGPU entry point (default: navigator.gpu, else in Node the `webgpu` package); null: none. */
  gpu?: GPU|null;
  /**
   * Take a software adapter (SwiftShader, llvmpipe) too (default true). asc on the same CPU is
   * faster (bench/warmup.mjs), so false skips them.
   */
  softwareWebGpu?: boolean;
  powerPreference?: GPUPowerPreference;
  /**
   * Node only: the Dawn instance flags to try, in order (default: [] for the platform's native
   * backend, then ['backend=opengles'] in compatibility mode).
   */
  dawnFlags?: string[][];
}

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/** Dawn instances stay referenced while their devices live. */
const dawnInstances: GPU[] = [];

/** Requests an adapter and a device; throws an Error that says why there is none. */
export async function requestWebGpuDevice(options: WebGpuOptions = {}): Promise<WebGpuDevice> {
  const {powerPreference = 'high-performance'} = options;
  if (options.gpu === null) throw new Error('WebGPU turned off (option gpu: null)');
  const gpu = options.gpu ?? (globalThis as {navigator?: {gpu?: GPU}}).navigator?.gpu;
  if (gpu != null) {
    const adapter = await gpu.requestAdapter({powerPreference}) ??
        await gpu.requestAdapter({powerPreference, featureLevel: 'compatibility'} as GPURequestAdapterOptions);
    if (adapter == null) throw new Error('navigator.gpu exists but requestAdapter() returned no adapter');
    return {adapter, device: await requestDevice(adapter), info: describe(adapter, 'navigator.gpu')};
  }
  if (nodeProcess() == null) throw new Error('no navigator.gpu: this browser has no WebGPU (or it is turned off)');
  return requestDawnDevice(powerPreference, options.dawnFlags ?? [[], ['backend=opengles']]);
}

async function requestDawnDevice(powerPreference: GPUPowerPreference, flagSets: string[][]): Promise<WebGpuDevice> {
  let dawn: DawnModule;
  try {
    dawn = await importNodeModule<DawnModule>('webgpu');
  } catch (e) {
    throw new Error(`no navigator.gpu in Node, and the optional package 'webgpu' (Dawn) does not load: ${(e as Error).message}`);
  }
  // Mesa's EGL must not look for a display server.
  const env = nodeProcess()!.env;
  env.EGL_PLATFORM ??= 'surfaceless';
  const tried: string[] = [];
  for (const flags of flagSets) {
    const compatibility = flags.includes('backend=opengles');
    const gpu = dawn.create(flags);
    const request = {powerPreference, ...(compatibility ? {featureLevel: 'compatibility'} : {})} as GPURequestAdapterOptions;
    const adapter = await gpu.requestAdapter(request);
    if (adapter == null) {
      tried.push(`[${flags.join(' ')}]`);
      continue;
    }
    dawnInstances.push(gpu);
    installDawnGlobals(dawn, gpu);
    const info = {...describe(adapter, 'webgpu'), dawnFlags: flags};
    return {adapter, device: await requestDevice(adapter), info};
  }
  throw new Error(`Dawn found no adapter (flags tried: ${tried.join(', ')}); on Linux without a GPU, ` +
      `install Mesa (Debian: libegl1 libgles2 libgl1-mesa-dri)`);
}

/**
 * tfjs-backend-webgpu reads the WebGPU constants (GPUBufferUsage, ...) as globals and checks
 * navigator.gpu before it starts: Node has neither, so Dawn's are installed where missing.
 */
function installDawnGlobals(dawn: DawnModule, gpu: GPU): void {
  const global = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(dawn.globals)) global[name] ??= value;
  global.navigator ??= {};
  const navigator = global.navigator as {gpu?: GPU};
  if (navigator.gpu == null) Object.defineProperty(navigator, 'gpu', {value: gpu, configurable: true});
}

/** A device with the adapter's limits for what tfjs's shaders use, as tfjs-backend-webgpu asks. */
function requestDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const limits = adapter.limits;
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  return adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
}

function describe(adapter: GPUAdapter, source: WebGpuInfo['source']): WebGpuInfo {
  const info = (adapter as {info?: GPUAdapterInfo}).info;
  const featureLevel = (adapter as {featureLevel?: string}).featureLevel === 'compatibility' ||
      !adapter.features.has('core-features-and-limits' as GPUFeatureName) ? 'compatibility' : 'core';
  const names = `${info?.architecture} ${info?.device} ${info?.description}`.toLowerCase();
  const software = (info as {isFallbackAdapter?: boolean})?.isFallbackAdapter === true ||
      /swiftshader|llvmpipe|lavapipe|softpipe|warp/.test(names);
  return {
    source, vendor: info?.vendor ?? '', architecture: info?.architecture ?? '', device: info?.device ?? '',
    description: info?.description ?? '', featureLevel, software,
  };
}
