import {backend_util, Conv2DBackpropFilter, Conv2DBackpropFilterAttrs, Conv2DBackpropFilterInputs, KernelConfig, TensorInfo} from '@tensorflow/tfjs-core';
import {KernelArgs} from './cpu_fallback.js';
import {assertShape} from './validate.js';
import {runInNHWC} from './layout.js';

/** The gradient of Conv2D with respect to its filter; NCHW inputs go through NHWC. */
function conv2DBackpropFilter(args: KernelArgs): TensorInfo {
  const {inputs, backend, attrs} = args;
  const {x, dy} = inputs as Conv2DBackpropFilterInputs;
  const {strides, pad, dataFormat, dimRoundingMode, filterShape} = attrs as unknown as Conv2DBackpropFilterAttrs;
  const convInfo = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false,
      backend_util.convertConv2DDataFormat(dataFormat));
  const channelsLast = convInfo.dataFormat === 'channelsLast';
  const {batchSize, outHeight, outWidth, outChannels} = convInfo;
  assertShape(Conv2DBackpropFilter, 'dy', dy.shape,
      channelsLast ? [batchSize, outHeight, outWidth, outChannels] : [batchSize, outChannels, outHeight, outWidth]);
  return runInNHWC(backend, channelsLast, [x, dy], ([xNHWC, dyNHWC]) => {
    const dw = backend.makeOutput(filterShape, 'float32');
    if (filterShape.some((s) => s === 0)) return dw;
    // Threads share the rows of dw, (kh, kw, ci) each.
    const rowWork = convInfo.batchSize * convInfo.outHeight * convInfo.outWidth * convInfo.outChannels;
    backend.parallel('conv2dBackpropFilter', [
      backend.ptr(xNHWC), backend.ptr(dyNHWC), backend.ptr(dw), convInfo.batchSize, convInfo.inHeight,
      convInfo.inWidth, convInfo.inChannels, convInfo.outHeight, convInfo.outWidth, convInfo.outChannels,
      convInfo.filterWidth, convInfo.strideHeight, convInfo.strideWidth,
      convInfo.dilationHeight, convInfo.dilationWidth, convInfo.padInfo.top, convInfo.padInfo.left],
    convInfo.filterHeight * convInfo.filterWidth * convInfo.inChannels, rowWork);
    return dw;
  }, false);
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'asc',
  kernelFunc: conv2DBackpropFilter as unknown as KernelConfig['kernelFunc'],
};
