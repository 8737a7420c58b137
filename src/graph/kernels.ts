// asc's kernels by name as a flush runs them, and their registration through the capture.
import type {KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo} from '@tensorflow/tfjs-core';
import type {TensorData} from '../tensor_data.js';
import type {QueuedCall} from './fusion.js';
import {isInput} from './recorded_call.js';

/** What a kernel call goes through on the backend (capture.ts's Capture). */
interface Captures {
  capture: {call(name: string, kernel: KernelFunc, wasmKernel: boolean, args: Parameters<KernelFunc>[0]): ReturnType<KernelFunc>};
}

/** asc's kernels by name, unwrapped: what a flush runs. */
const KERNELS = new Map<string, KernelFunc>();

/** A kernel only fusion makes (no tfjs kernel of that name): what a flush runs for its calls. */
export function registerFusedKernel({kernelName, kernelFunc}: {kernelName: string, kernelFunc: KernelFunc}): void {
  KERNELS.set(kernelName, kernelFunc);
}

/** `config` for registration: its calls go through the backend's capture. */
export function capturedKernel(config: KernelConfig, wasmKernel: boolean): KernelConfig {
  const {kernelName, kernelFunc} = config;
  KERNELS.set(kernelName, kernelFunc);
  return {...config, kernelFunc: (args) =>
    (args.backend as unknown as Captures).capture.call(kernelName, kernelFunc, wasmKernel, args)};
}

/** What running a deferred call needs of the backend's storage (capture.ts's CaptureStorage has it). */
interface CallStorage {
  readonly data: {get(id: object): TensorData, delete(id: object): boolean};
  allocate(bytes: number): number;
  copyBytes(dst: number, src: number, bytes: number): void;
  disposeData(dataId: object): boolean;
}

/** Runs a deferred call's kernel; its outputs become the call's deferred outputs. */
export function runQueuedCall(storage: CallStorage, backend: unknown, call: QueuedCall): void {
  const kernel = KERNELS.get(call.name);
  if (kernel == null) throw new Error(`asc backend: internal error: no kernel '${call.name}' to run`);
  const out = kernel({inputs: call.inputs, attrs: call.attrs ?? {}, backend: backend as never});
  const produced = Array.isArray(out) ? out : [out];
  produced.forEach((t, k) => adopt(storage, call.outputs[k], t, call.inputs));
}

/** Moves a kernel's output `from` into the deferred output `to` (copying when the kernel aliased it). */
function adopt(storage: CallStorage, to: TensorInfo, from: TensorInfo, inputs: NamedTensorInfoMap): void {
  const target = storage.data.get(to.dataId);
  const source = storage.data.get(from.dataId);
  if (source.dtype !== target.dtype || source.size !== target.size) {
    throw new Error(`asc backend: internal error: a deferred ${target.dtype}[${to.shape}] was computed as ` +
        `${source.dtype}[${from.shape}]`);
  }
  if (source.refCount > 1 || isInput(inputs, from.dataId)) {
    target.address = storage.allocate(target.byteLength);
    storage.copyBytes(target.address, source.ptr, source.byteLength);
    storage.disposeData(from.dataId);
  } else {
    target.address = source.address;
    source.address = 0;
    storage.data.delete(from.dataId);
  }
  target.producer = null;
}
