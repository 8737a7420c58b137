// Shared path of the comparison kernels: float32 or int32 operands of one dtype, broadcast as the
// binary kernels are (broadcastDims), into bool. Greater and GreaterEqual run as Less and LessEqual
// with the operands swapped.
import {BinaryInputs, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import {broadcastDims} from './binary.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

export type CompareOp = 'COMPARE_EQUAL'|'COMPARE_NOT_EQUAL'|'COMPARE_LESS'|'COMPARE_LESS_EQUAL';

export function compareKernelConfig(kernelName: string, op: CompareOp, swapped = false): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo|TensorInfo[] => {
    const {backend} = args;
    const inputs = args.inputs as BinaryInputs;
    const [a, b] = swapped ? [inputs.b, inputs.a] : [inputs.a, inputs.b];
    if (a.dtype !== b.dtype || (a.dtype !== 'float32' && a.dtype !== 'int32')) return runOnCpu(kernelName, args);
    const {outShape, rank, dims} = broadcastDims(a.shape, b.shape);
    const out = backend.makeOutput(outShape, 'bool');
    if (util.sizeFromShape(outShape) === 0) return out;
    backend.parallel('compare', [backend.wasm[op].value, a.dtype === 'float32' ? 1 : 0, backend.ptr(a), backend.ptr(b),
      backend.ptr(out), rank, backend.args(dims)], util.sizeFromShape(outShape), 9, 16);
    return out;
  };
  return {kernelName, backendName: 'asc', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc']};
}
