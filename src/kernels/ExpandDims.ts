import {ExpandDims, ExpandDimsAttrs, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {reshapeImpl} from './Reshape.js';

/** A reshape with a new axis of size 1 at `dim`. */
function expandDims(args: KernelArgs): TensorInfo {
  const {input} = args.inputs as {input: TensorInfo};
  if (input.dtype === 'complex64') return runOnCpu(ExpandDims, args) as TensorInfo;
  const {dim} = args.attrs as unknown as ExpandDimsAttrs;
  const rank = input.shape.length;
  let axis = dim;
  if (dim < 0) {
    util.assert(-(rank + 1) <= dim, () => `Axis must be in the interval [${-(rank + 1)}, ${rank}]`);
    axis = rank + dim + 1;
  }
  const shape = input.shape.slice();
  shape.splice(axis, 0, 1);
  return reshapeImpl(args.backend, input, shape);
}

export const expandDimsConfig: KernelConfig = {
  kernelName: ExpandDims,
  backendName: 'asc',
  kernelFunc: expandDims as unknown as KernelConfig['kernelFunc'],
};
