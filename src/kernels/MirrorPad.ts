import {KernelConfig, MirrorPad, MirrorPadAttrs, MirrorPadInputs, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {elementBytes} from './dtypes.js';
import {padToRank4} from './layout.js';

/** Reflect or symmetric padding of fixed-width dtypes up to rank 4: rows copied, their ends mirrored. */
function mirrorPad(args: KernelArgs): TensorInfo {
  const {backend} = args;
  const {x} = args.inputs as MirrorPadInputs;
  const {paddings, mode} = args.attrs as unknown as MirrorPadAttrs;
  const bytes = elementBytes(x.dtype);
  if (bytes === 0 || x.shape.length > 4 || x.shape.length === 0) return runOnCpu(MirrorPad, args) as TensorInfo;
  const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  const [inShape4, outShape4] = [padToRank4(x.shape, 1), padToRank4(outShape, 1)];
  const before4 = padToRank4(paddings.map((p) => p[0]), 0);
  const rows = outShape4[0] * outShape4[1] * outShape4[2];
  backend.parallel('mirrorPad4', [backend.ptr(x), backend.ptr(out), bytes, mode === 'reflect' ? 0 : 1,
    backend.args([...inShape4, ...outShape4, ...before4])], rows, 2 * outShape4[3] * bytes);
  return out;
}

export const mirrorPadConfig: KernelConfig = {
  kernelName: MirrorPad,
  backendName: 'asc',
  kernelFunc: mirrorPad as unknown as KernelConfig['kernelFunc'],
};
