import {KernelConfig, Pack, PackAttrs, TensorInfo, util} from '@tensorflow/tfjs-core';
import {concatImpl} from './Concat.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {reshapeImpl} from './Reshape.js';

/** Stacks same-shaped tensors along a new axis: each gets the axis (a reshape), then Concat. */
function pack(args: KernelArgs): TensorInfo {
  const {backend} = args;
  const inputs = args.inputs as unknown as TensorInfo[];
  const {axis} = args.attrs as unknown as PackAttrs;
  if (inputs.length === 1) {
    const shape = inputs[0].shape.slice();
    shape.splice(util.parseAxisParam(axis, [...shape, 1])[0], 0, 1);
    return reshapeImpl(backend, inputs[0], shape);
  }
  const rank = inputs[0].shape.length;
  const at = util.parseAxisParam(axis, new Array(rank + 1).fill(1))[0];
  const expanded = inputs.map((t) => {
    const shape = t.shape.slice();
    shape.splice(at, 0, 1);
    return reshapeImpl(backend, t, shape);
  });
  const out = concatImpl(backend, expanded, at);
  for (const t of expanded) backend.disposeIntermediateTensorInfo(t);
  return out ?? runOnCpu(Pack, args) as TensorInfo;
}

export const packConfig: KernelConfig = {
  kernelName: Pack,
  backendName: 'asc',
  kernelFunc: pack as unknown as KernelConfig['kernelFunc'],
};
