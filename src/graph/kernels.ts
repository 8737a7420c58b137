// asc's kernels by name as a flush runs them, and their registration through the capture.
import type {KernelConfig, KernelFunc} from '@tensorflow/tfjs-core';

/** What a kernel call goes through on the backend (capture.ts's Capture). */
interface Captures {
  capture: {call(name: string, kernel: KernelFunc, wasmKernel: boolean, args: Parameters<KernelFunc>[0]): ReturnType<KernelFunc>};
}

/** asc's kernels by name, unwrapped: what a flush runs. */
export const KERNELS = new Map<string, KernelFunc>();

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
