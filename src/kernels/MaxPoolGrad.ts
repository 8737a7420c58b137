import {backend_util, KernelConfig, MaxPoolGrad, MaxPoolGradAttrs, MaxPoolGradInputs, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {assertShape} from './validate.js';

function maxPoolGrad(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {dy, input} = inputs as MaxPoolGradInputs;
  if (input.dtype !== 'float32' || dy.dtype !== 'float32') return runOnCpu(MaxPoolGrad, args);
  const {filterSize, strides, pad, dimRoundingMode} = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(
      input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  assertShape(MaxPoolGrad, 'dy', dy.shape, info.outShape);
  const dx = backend.makeOutput(input.shape, 'float32');
  const outSize = util.sizeFromShape(info.outShape);
  if (util.sizeFromShape(input.shape) === 0) return dx;
  // Where each window's maximum sits, one int32 per output element.
  backend.withScratch(outSize * 4, (argmax) => backend.wasm.maxPoolGrad(
      backend.ptr(dy), backend.ptr(input), argmax, backend.ptr(dx), info.batchSize, info.inHeight, info.inWidth,
      info.inChannels, info.outHeight, info.outWidth, info.filterHeight, info.filterWidth, info.strideHeight,
      info.strideWidth, info.padInfo.top, info.padInfo.left));
  return dx;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'asc',
  kernelFunc: maxPoolGrad as unknown as KernelConfig['kernelFunc'],
};
