// Kernel handoff: a kernel that `webgpu` does not have is handed to asc instead of throwing
// "Kernel 'X' not registered for backend 'webgpu'" (the other direction from asc's JavaScript
// fallback, src/js_fallback.ts). The data moves are explicit: inputs are read from the webgpu
// backend, written into a private asc backend, the asc kernel runs, and its outputs are written
// back to webgpu; every call and byte is counted.
import {backend_util, DataType, getKernel, getKernelsForBackend, KernelBackend, KernelConfig, KernelFunc, NamedTensorInfoMap, registerKernel, TensorInfo, TypedArray} from '@tensorflow/tfjs-core';
import {AscBackend} from '../backend.js';

export interface KernelHandoffStats {
  kernel: string;
  calls: number;
  /** Bytes read from the webgpu backend into asc (inputs). */
  bytesToAsc: number;
  /** Bytes written back to the webgpu backend (outputs). */
  bytesFromAsc: number;
}

export interface KernelHandoffReport {
  from: string;
  to: 'asc';
  /** Every kernel routed to asc, used or not. */
  kernels: string[];
  /** The kernels that were handed off, with their counts. */
  used: KernelHandoffStats[];
  bytesMoved: number;
  /** Tensors held in the handoff's asc memory: 0 between kernels (anything else is a leak). */
  ascTensors: number;
}

const FROM = 'webgpu';
const stats = new Map<string, KernelHandoffStats>();
/**
 * The asc backend handed-off kernels run on: private, so it outlives engine resets and never becomes
 * the active backend by accident.
 */
let ascBackend: AscBackend|null = null;

/** The private asc backend handed-off kernels run on, once installKernelHandoff made it. */
export function handoffAscBackend(): AscBackend|null {
  return ascBackend;
}

/**
 * Registers, for `webgpu`, an asc-backed kernel for every asc kernel webgpu lacks (call again after
 * more kernels are registered or unregistered). Resolves to the kernels newly routed.
 */
export async function installKernelHandoff(): Promise<string[]> {
  ascBackend ??= await AscBackend.create();
  const own = new Set(getKernelsForBackend(FROM).map((c) => c.kernelName));
  const added: string[] = [];
  for (const config of getKernelsForBackend('asc')) {
    if (own.has(config.kernelName)) continue;
    registerKernel({kernelName: config.kernelName, backendName: FROM, kernelFunc: handoffKernel(config)});
    stats.set(config.kernelName, stats.get(config.kernelName) ?? {kernel: config.kernelName, calls: 0, bytesToAsc: 0, bytesFromAsc: 0});
    added.push(config.kernelName);
  }
  return added;
}

/** Which kernels are handed to asc, how often they ran and the bytes they moved. */
export function kernelHandoffReport(): KernelHandoffReport {
  const kernels = [...stats.keys()].filter((name) => getKernel(name, FROM) != null && isHandoff(name)).sort();
  const used = kernels.map((name) => ({...stats.get(name)!})).filter((s) => s.calls > 0);
  const bytesMoved = used.reduce((sum, s) => sum + s.bytesToAsc + s.bytesFromAsc, 0);
  return {from: FROM, to: 'asc', kernels, used, bytesMoved, ascTensors: ascBackend?.numDataIds() ?? 0};
}

/** Zeroes the counts (the kernels stay routed). */
export function resetKernelHandoffReport(): void {
  for (const s of stats.values()) Object.assign(s, {calls: 0, bytesToAsc: 0, bytesFromAsc: 0});
}

const handoffFuncs = new WeakSet<KernelFunc>();
const isHandoff = (name: string) => handoffFuncs.has(getKernel(name, FROM)!.kernelFunc);

function handoffKernel(config: KernelConfig): KernelFunc {
  const name = config.kernelName;
  const kernelFunc: KernelFunc = ({inputs, attrs, backend: from}) => {
    const backend = from as KernelBackend;
    const asc = ascBackend!;
    const count = stats.get(name)!;
    count.calls++;
    const moved: TensorInfo[] = [];
    try {
      const toAsc = (input: TensorInfo, key: string): TensorInfo => {
        const values = readInput(backend, input, name, key);
        count.bytesToAsc += valuesBytes(values, input.dtype);
        const info = {dataId: asc.write(values, input.shape, input.dtype), shape: input.shape, dtype: input.dtype};
        moved.push(info);
        return info;
      };
      // An input is a tensor, or a list of them (e.g. RaggedGather's paramsNestedSplits).
      const ascInputs: Record<string, TensorInfo|TensorInfo[]> = {};
      for (const [key, input] of Object.entries(inputs as Record<string, TensorInfo|TensorInfo[]|null>)) {
        if (input == null) continue;
        ascInputs[key] = Array.isArray(input) ? input.map((t, i) => toAsc(t, `${key}[${i}]`)) : toAsc(input, key);
      }
      const result = config.kernelFunc({inputs: ascInputs as NamedTensorInfoMap, attrs, backend: asc});
      const outputs = Array.isArray(result) ? result : [result];
      moved.push(...outputs);
      const back = outputs.map((out) => {
        const values = asc.readSync(out.dataId);
        count.bytesFromAsc += valuesBytes(values, out.dtype);
        return {dataId: backend.write(values, out.shape, out.dtype), shape: out.shape, dtype: out.dtype};
      });
      return Array.isArray(result) ? back : back[0];
    } finally {
      for (const info of moved) asc.disposeData(info.dataId, true);
    }
  };
  handoffFuncs.add(kernelFunc);
  return kernelFunc;
}

function readInput(backend: KernelBackend, input: TensorInfo, kernel: string, name: string): backend_util.BackendValues {
  if (input.dtype === 'complex64') {
    throw new Error(`Kernel '${kernel}' is not on ${FROM} and its handoff to asc does not move complex64 input '${name}'`);
  }
  try {
    return backend.readSync(input.dataId);
  } catch (e) {
    throw new Error(`Kernel '${kernel}' is not on ${FROM} and runs on asc, but its input '${name}' cannot be read ` +
        `synchronously from the GPU here (${(e as Error).message}). Await the input's data() first (that keeps a ` +
        `CPU copy), or run this op on asc.`);
  }
}

function valuesBytes(values: backend_util.BackendValues, dtype: DataType): number {
  if (dtype !== 'string') return (values as TypedArray).byteLength;
  return (values as Uint8Array[]).reduce((sum, bytes) => sum + bytes.length, 0);
}
