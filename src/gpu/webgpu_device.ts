// Finds a WebGPU device: the browser's navigator.gpu, or in Node the optional `webgpu` package
// (Dawn). Dawn is tried on its default backend first (Vulkan, Metal or D3D12: a real GPU), then on
// OpenGL ES in compatibility mode, which runs on Mesa's software rasterizer where there is no GPU.
// Dawn writes its warnings straight to the process's stderr ("Couldn't load Vulkan", ...), so each
// set of flags is first probed in a child process whose stderr is captured: only an adapter that
// will be used is ever created in this process, and what Dawn said becomes part of the reason.
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
   * Take a software adapter (SwiftShader, llvmpipe) too (default false: asc on the same CPU is
   * about 12x faster, bench/warmup.mjs).
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
    const info = describe(adapterFacts(adapter), 'navigator.gpu');
    refuseSoftware(info, options);
    return {adapter, device: await requestDevice(adapter), info};
  }
  if (nodeProcess() == null) throw new Error('no navigator.gpu: this browser has no WebGPU (or it is turned off)');
  return requestDawnDevice(powerPreference, options.dawnFlags ?? [[], ['backend=opengles']], options);
}

/** A software adapter that the options do not take; `info` describes it. */
export class SoftwareAdapterError extends Error {
  constructor(readonly info: WebGpuInfo) {
    super(`the WebGPU adapter is a software rasterizer (${[info.architecture, info.device, info.description]
        .filter(Boolean).join(', ')}) and softwareWebGpu is false`);
  }
}

/** Throws a SoftwareAdapterError when `info` is a software adapter and the options do not take one. */
export function refuseSoftware(info: WebGpuInfo, {softwareWebGpu = false}: WebGpuOptions): void {
  if (!softwareWebGpu && info.software) throw new SoftwareAdapterError(info);
}

async function requestDawnDevice(
    powerPreference: GPUPowerPreference, flagSets: string[][], options: WebGpuOptions): Promise<WebGpuDevice> {
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
    const request = {powerPreference, ...(flags.includes('backend=opengles') ? {featureLevel: 'compatibility'} : {})} as
        GPURequestAdapterOptions;
    const probe = await probeDawn(flags, request);
    if (probe.facts == null) {
      tried.push(`[${flags.join(' ')}]${probe.said ? ` (Dawn: ${probe.said})` : ''}`);
      continue;
    }
    const info = {...describe(probe.facts, 'webgpu'), dawnFlags: flags};
    refuseSoftware(info, options);
    const gpu = dawn.create(flags);
    const adapter = await gpu.requestAdapter(request);
    if (adapter == null) throw new Error(`Dawn found an adapter with flags [${flags.join(' ')}] in a probe, but not in this process`);
    dawnInstances.push(gpu);
    installDawnGlobals(dawn, gpu);
    return {adapter, device: await requestDevice(adapter), info};
  }
  throw new Error(`Dawn found no adapter (flags tried: ${tried.join(', ')}); on Linux without a GPU, ` +
      `install Mesa (Debian: libegl1 libgles2 libgl1-mesa-dri)`);
}

/** What `describe` reads of an adapter; the Dawn probe sends it from its child process as JSON. */
interface AdapterFacts {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
  featureLevel?: string;
  core: boolean;
}

function adapterFacts(adapter: GPUAdapter): AdapterFacts {
  const info = (adapter as {info?: GPUAdapterInfo & {isFallbackAdapter?: boolean}}).info;
  return {
    vendor: info?.vendor, architecture: info?.architecture, device: info?.device, description: info?.description,
    isFallbackAdapter: info?.isFallbackAdapter, featureLevel: (adapter as {featureLevel?: string}).featureLevel,
    core: adapter.features.has('core-features-and-limits' as GPUFeatureName),
  };
}

interface DawnProbe {
  facts: AdapterFacts|null;
  /** What Dawn wrote to stderr meanwhile: its warnings and errors, one line each. */
  said: string;
}

/** Probes, per flags and request, once per process. */
const dawnProbes = new Map<string, Promise<DawnProbe>>();

function probeDawn(flags: string[], request: GPURequestAdapterOptions): Promise<DawnProbe> {
  const key = JSON.stringify([flags, request]);
  let probe = dawnProbes.get(key);
  if (probe == null) dawnProbes.set(key, probe = runDawnProbe(flags, request));
  return probe;
}

/**
 * Asks Dawn for an adapter with `flags` in a child process (the same Node, the same `webgpu`
 * package). A driver that crashes the child counts as no adapter.
 */
async function runDawnProbe(flags: string[], request: GPURequestAdapterOptions): Promise<DawnProbe> {
  const [{execFile}, {createRequire}, {pathToFileURL}] = await Promise.all([
    importNodeModule<{execFile: ExecFile}>('node:child_process'),
    importNodeModule<{createRequire: (from: string) => {resolve(id: string): string}}>('node:module'),
    importNodeModule<{pathToFileURL: (path: string) => URL}>('node:url'),
  ]);
  const entry = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  const source = `const adapterFacts = ${adapterFacts.toString()};
    const [entry, flags, request] = process.argv.slice(1).map((a, i) => (i ? JSON.parse(a) : a));
    const {create} = await import(entry);
    const adapter = await create(flags).requestAdapter(request);
    process.stdout.write(JSON.stringify(adapter && adapterFacts(adapter)));`;
  const {stdout, stderr, error} = await new Promise<{stdout: string, stderr: string, error: Error|null}>((resolve) => {
    execFile(nodeProcess()!.execPath, ['--input-type=module', '-e', source, entry, JSON.stringify(flags), JSON.stringify(request)],
        {encoding: 'utf8', timeout: 60_000}, (error, stdout, stderr) => resolve({stdout, stderr, error}));
  });
  const said = stderr.split('\n').map((line) => line.trim()).filter((line) => /^(Warning|Error)\b/.test(line)).join('; ');
  if (error != null) return {facts: null, said: said || `the probe failed: ${error.message.split('\n')[0]}`};
  return {facts: JSON.parse(stdout) as AdapterFacts|null, said};
}

type ExecFile = (file: string, args: string[], options: {encoding: 'utf8', timeout: number},
    callback: (error: Error|null, stdout: string, stderr: string) => void) => void;

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

function describe(facts: AdapterFacts, source: WebGpuInfo['source']): WebGpuInfo {
  const featureLevel = facts.featureLevel === 'compatibility' || !facts.core ? 'compatibility' : 'core';
  const names = `${facts.architecture} ${facts.device} ${facts.description}`.toLowerCase();
  const software = facts.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|softpipe|warp/.test(names);
  return {
    source, vendor: facts.vendor ?? '', architecture: facts.architecture ?? '', device: facts.device ?? '',
    description: facts.description ?? '', featureLevel, software,
  };
}
