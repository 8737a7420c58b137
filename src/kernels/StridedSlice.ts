import {KernelConfig, slice_util, StridedSlice, StridedSliceAttrs, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {elementBytes} from './dtypes.js';
import {padToRank4} from './layout.js';
import {reshapeImpl} from './Reshape.js';
import {sliceImpl} from './Slice.js';

/**
 * StridedSlice resolved by slice_util.sliceInfo: a box when every stride is 1 (Slice's row copies),
 * else a strided copy, either reshaped to the final shape. Rank > 4, strings and complex numbers run
 * on cpu. (tfjs-backend-cpu's strided path indexes the output by the shape with shrunk axes already
 * dropped, so with a shrink and a stride other than 1 it reads the wrong elements or throws.)
 */
function stridedSlice(args: KernelArgs): TensorInfo {
  const {backend} = args;
  const {x} = args.inputs as {x: TensorInfo};
  const {begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask} =
      args.attrs as unknown as StridedSliceAttrs;
  if (elementBytes(x.dtype) === 0 || x.shape.length > 4) return runOnCpu(StridedSlice, args) as TensorInfo;
  const info = slice_util.sliceInfo(x.shape, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask,
      shrinkAxisMask);
  if (info.isIdentity) return reshapeImpl(backend, x, info.finalShape);
  // The box per axis of x (a shrunk axis is one element), before new axes are added and shrunk
  // ones dropped: sliceInfo's processing shape.
  const size = info.begin.map((b, i) => {
    const length = info.end[i] - b, stride = info.strides[i];
    if (length === 0 || (length < 0) !== (stride < 0)) return 0;
    return Math.trunc(length / stride) + (length % stride !== 0 ? 1 : 0);
  });
  let dense: TensorInfo;
  if (info.strides.every((s) => s === 1)) {
    dense = sliceImpl(backend, x, info.begin, size)!;
  } else {
    dense = backend.makeOutput(size, x.dtype);
    const size4 = padToRank4(size, 1);
    if (util.sizeFromShape(size) > 0) {
      const dims = [...padToRank4(x.shape, 1), ...padToRank4(info.begin, 0), ...size4, ...padToRank4(info.strides, 1)];
      backend.parallel('stridedSlice4', [backend.ptr(x), backend.ptr(dense), elementBytes(x.dtype), backend.args(dims)],
          size4[0] * size4[1] * size4[2], 2 * size4[3] * elementBytes(x.dtype));
    }
  }
  const out = reshapeImpl(backend, dense, info.finalShape);
  backend.disposeIntermediateTensorInfo(dense);
  return out;
}

export const stridedSliceConfig: KernelConfig = {
  kernelName: StridedSlice,
  backendName: 'asc',
  kernelFunc: stridedSlice as unknown as KernelConfig['kernelFunc'],
};
