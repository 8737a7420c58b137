// Shared path of the element-wise unary kernels with a float32 and an int32 wasm function.
import {KernelConfig, UnaryInputs, util} from '@tensorflow/tfjs-core';
import type {KernelExports} from '../wasm_module.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

type UnaryFn = (x: number, out: number, count: number) => void;

export function unaryKernelConfig(
    kernelName: string, float32: (w: KernelExports) => UnaryFn, int32: (w: KernelExports) => UnaryFn): KernelConfig {
  const kernelFunc = (args: KernelArgs) => {
    const {backend} = args;
    const {x} = args.inputs as UnaryInputs;
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return runOnCpu(kernelName, args);
    const out = backend.makeOutput(x.shape, x.dtype);
    const fn = x.dtype === 'float32' ? float32(backend.wasm) : int32(backend.wasm);
    fn(backend.ptr(x), backend.ptr(out), util.sizeFromShape(x.shape));
    return out;
  };
  return {kernelName, backendName: 'asc', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc']};
}
