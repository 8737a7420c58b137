// tfjs-backend-cpu's kernels, run on `asc` tensors: the long tail of kernels, and the dtypes
// (string, complex64, ...) that a wasm kernel does not take.
import '@tensorflow/tfjs-backend-cpu';
import {getKernel, getKernelsForBackend, KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, registerKernel, TensorInfo} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {capturedKernel} from '../graph/kernels.js';

export interface KernelArgs {
  inputs: NamedTensorInfoMap;
  backend: AscBackend;
  attrs?: NamedAttrMap;
}

/** Runs tfjs-backend-cpu's implementation of `kernelName` on `asc` tensors. */
export function runOnCpu(kernelName: string, args: KernelArgs): TensorInfo|TensorInfo[] {
  const kernel = getKernel(kernelName, 'cpu');
  if (kernel == null) throw new Error(`asc backend: no tfjs-backend-cpu kernel '${kernelName}' to fall back to`);
  return args.backend.runCpuKernel(kernelName, () => kernel.kernelFunc(args as Parameters<KernelFunc>[0]));
}

/** Registers, for `asc`, every tfjs-backend-cpu kernel that `asc` does not implement itself. */
export function registerCpuKernels(own: ReadonlySet<string>): void {
  for (const config of getKernelsForBackend('cpu')) {
    if (own.has(config.kernelName)) continue;
    const ascConfig: KernelConfig = {
      kernelName: config.kernelName,
      backendName: 'asc',
      kernelFunc: (args) => (args.backend as AscBackend).runCpuKernel(config.kernelName, () => config.kernelFunc(args)),
    };
    registerKernel(capturedKernel(ascConfig, false));
  }
}
