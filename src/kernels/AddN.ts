import {AddN, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/** The sum of same-shaped float32 or int32 tensors, added in order as tfjs-backend-cpu does. */
function addN(args: KernelArgs): TensorInfo {
  const {backend} = args;
  const tensors = args.inputs as unknown as TensorInfo[];
  const {dtype, shape} = tensors[0];
  // The addresses go through the 1 KiB argument block.
  if ((dtype !== 'float32' && dtype !== 'int32') || tensors.some((t) => t.dtype !== dtype) || tensors.length > 200) {
    return runOnCpu(AddN, args) as TensorInfo;
  }
  const out = backend.makeOutput(shape, dtype);
  const list = backend.args(tensors.map((t) => backend.ptr(t)));
  backend.parallel('addN', [dtype === 'float32' ? 1 : 0, list, tensors.length, backend.ptr(out)],
      util.sizeFromShape(shape), 4 * (tensors.length + 1), 16);
  return out;
}

export const addNConfig: KernelConfig = {
  kernelName: AddN,
  backendName: 'asc',
  kernelFunc: addN as unknown as KernelConfig['kernelFunc'],
};
