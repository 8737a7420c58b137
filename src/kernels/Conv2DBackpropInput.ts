import {backend_util, Conv2DBackpropInput, Conv2DBackpropInputAttrs, Conv2DBackpropInputInputs, KernelConfig, TensorInfo} from '@tensorflow/tfjs-core';
import {KernelArgs} from './cpu_fallback.js';
import {assertShape, assertShapeAtLeast} from './validate.js';
import {runInNHWC} from './layout.js';

/** The gradient of Conv2D with respect to its input (conv2dTranspose); NCHW goes through NHWC. */
function conv2DBackpropInput(args: KernelArgs): TensorInfo {
  const {inputs, backend, attrs} = args;
  const {dy, filter} = inputs as Conv2DBackpropInputInputs;
  const {inputShape, strides, pad, dataFormat, dimRoundingMode} = attrs as unknown as Conv2DBackpropInputAttrs;
  const convInfo = backend_util.computeConv2DInfo(
      inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false,
      backend_util.convertConv2DDataFormat(dataFormat));
  const channelsLast = convInfo.dataFormat === 'channelsLast';
  const {batchSize, outHeight, outWidth, outChannels} = convInfo;
  // dy may be taller or wider than the geometry implies: tfjs-backend-cpu ignores the excess.
  assertShape(Conv2DBackpropInput, 'dy', dy.shape,
      channelsLast ? [batchSize, null, null, outChannels] : [batchSize, outChannels, null, null]);
  assertShapeAtLeast(Conv2DBackpropInput, 'dy', dy.shape,
      channelsLast ? [batchSize, outHeight, outWidth, outChannels] : [batchSize, outChannels, outHeight, outWidth]);
  return runInNHWC(backend, channelsLast, [dy], ([dyNHWC]) => {
    const dx = backend.makeOutput(
        [convInfo.batchSize, convInfo.inHeight, convInfo.inWidth, convInfo.inChannels], 'float32');
    if (convInfo.batchSize * convInfo.inHeight * convInfo.inWidth * convInfo.inChannels === 0) return dx;
    backend.wasm.conv2dBackpropInput(
        backend.ptr(dyNHWC), backend.ptr(filter), backend.ptr(dx), convInfo.batchSize, convInfo.inHeight,
        convInfo.inWidth, convInfo.inChannels, convInfo.outHeight, convInfo.outWidth, convInfo.outChannels,
        dyNHWC.shape[1], dyNHWC.shape[2], convInfo.filterHeight, convInfo.filterWidth, convInfo.strideHeight,
        convInfo.strideWidth, convInfo.dilationHeight, convInfo.dilationWidth, convInfo.padInfo.top,
        convInfo.padInfo.left);
    return dx;
  });
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'asc',
  kernelFunc: conv2DBackpropInput as unknown as KernelConfig['kernelFunc'],
};
