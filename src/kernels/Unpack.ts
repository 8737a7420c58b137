import {KernelConfig, TensorInfo, Unpack, UnpackAttrs, UnpackInputs} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {reshapeImpl} from './Reshape.js';
import {sliceImpl} from './Slice.js';

/** Splits along an axis into tensors without it: one Slice each, then a reshape. */
function unpack(args: KernelArgs): TensorInfo[] {
  const {backend} = args;
  const {value} = args.inputs as UnpackInputs;
  let {axis} = args.attrs as unknown as UnpackAttrs;
  if (axis < 0) axis += value.shape.length;
  const shape = value.shape.filter((_, i) => i !== axis);
  const begin = value.shape.map(() => 0);
  const size = value.shape.slice();
  size[axis] = 1;
  const outs: TensorInfo[] = [];
  for (let i = 0; i < value.shape[axis]; i++) {
    begin[axis] = i;
    const sliced = sliceImpl(backend, value, begin, size);
    if (sliced == null) return runOnCpu(Unpack, args) as TensorInfo[];
    outs.push(reshapeImpl(backend, sliced, shape));
    backend.disposeIntermediateTensorInfo(sliced);
  }
  return outs;
}

export const unpackConfig: KernelConfig = {
  kernelName: Unpack,
  backendName: 'asc',
  kernelFunc: unpack as unknown as KernelConfig['kernelFunc'],
};
