import {backend_util, DepthwiseConv2dNative, DepthwiseConv2dNativeAttrs, DepthwiseConv2dNativeInputs, KernelConfig, TensorInfo} from '@tensorflow/tfjs-core';
import {KernelArgs} from './cpu_fallback.js';
import {assertShape} from './validate.js';
import {runInNHWC} from './layout.js';

function depthwiseConv2dNative(args: KernelArgs): TensorInfo {
  const {inputs, backend, attrs} = args;
  const {x, filter} = inputs as DepthwiseConv2dNativeInputs;
  const {strides, pad, dataFormat, dilations, dimRoundingMode} = attrs as unknown as DepthwiseConv2dNativeAttrs;
  const convInfo = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides,
      dilations ?? 1, pad, dimRoundingMode, true, backend_util.convertConv2DDataFormat(dataFormat));
  const channelsLast = convInfo.dataFormat === 'channelsLast';
  assertShape(DepthwiseConv2dNative, 'filter', filter.shape,
      [convInfo.filterHeight, convInfo.filterWidth, convInfo.inChannels, null]);
  return runInNHWC(backend, channelsLast, [x], ([xNHWC]) => {
    const out = backend.makeOutput(
        [convInfo.batchSize, convInfo.outHeight, convInfo.outWidth, convInfo.outChannels], 'float32');
    if (convInfo.batchSize * convInfo.outHeight * convInfo.outWidth * convInfo.outChannels === 0) return out;
    // Threads share output rows.
    const rowWork = convInfo.outWidth * convInfo.outChannels * convInfo.filterHeight * convInfo.filterWidth;
    backend.parallel('depthwiseConv2dNative', [
      backend.ptr(xNHWC), backend.ptr(filter), backend.ptr(out), convInfo.batchSize, convInfo.inHeight,
      convInfo.inWidth, convInfo.inChannels, convInfo.outHeight, convInfo.outWidth,
      convInfo.outChannels / convInfo.inChannels, convInfo.filterHeight, convInfo.filterWidth, convInfo.strideHeight,
      convInfo.strideWidth, convInfo.dilationHeight, convInfo.dilationWidth, convInfo.padInfo.top,
      convInfo.padInfo.left], convInfo.batchSize * convInfo.outHeight, rowWork);
    return out;
  });
}

export const depthwiseConv2dNativeConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNative,
  backendName: 'asc',
  kernelFunc: depthwiseConv2dNative as unknown as KernelConfig['kernelFunc'],
};
