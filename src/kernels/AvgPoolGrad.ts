import {AvgPoolGrad, AvgPoolGradAttrs, AvgPoolGradInputs, backend_util, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {assertShape} from './validate.js';

function avgPoolGrad(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {dy, input} = inputs as AvgPoolGradInputs;
  if (dy.dtype !== 'float32') return runOnCpu(AvgPoolGrad, args);
  const {filterSize, strides, pad} = attrs as unknown as AvgPoolGradAttrs;
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad);
  assertShape(AvgPoolGrad, 'dy', dy.shape, info.outShape);
  const dx = backend.makeOutput(input.shape, 'float32');
  if (util.sizeFromShape(input.shape) > 0) {
    backend.wasm.avgPoolGrad(
        backend.ptr(dy), backend.ptr(dx), info.batchSize, info.inHeight, info.inWidth, info.inChannels,
        info.outHeight, info.outWidth, info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
        info.padInfo.top, info.padInfo.left);
  }
  return dx;
}

export const avgPoolGradConfig: KernelConfig = {
  kernelName: AvgPoolGrad,
  backendName: 'asc',
  kernelFunc: avgPoolGrad as unknown as KernelConfig['kernelFunc'],
};
