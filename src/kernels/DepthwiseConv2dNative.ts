import {backend_util, DepthwiseConv2dNative, DepthwiseConv2dNativeAttrs, DepthwiseConv2dNativeInputs, KernelConfig, TensorInfo} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import type {ConvEpilogue} from './Conv2D.js';
import {KernelArgs} from './cpu_fallback.js';
import {assertShape} from './validate.js';
import {runInNHWC} from './layout.js';

/** The attrs both depthwise kernels take, as computeConv2DInfo reads them. */
export function depthwiseConvInfo(x: TensorInfo, filter: TensorInfo, attrs: DepthwiseConv2dNativeAttrs):
    backend_util.Conv2DInfo {
  const {strides, pad, dataFormat, dilations, dimRoundingMode} = attrs;
  const convInfo = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides,
      dilations ?? 1, pad, dimRoundingMode, true, backend_util.convertConv2DDataFormat(dataFormat));
  assertShape(DepthwiseConv2dNative, 'filter', filter.shape,
      [convInfo.filterHeight, convInfo.filterWidth, convInfo.inChannels, null]);
  return convInfo;
}

/**
 * A depthwise convolution in wasm: each output pixel sums its in-bounds taps per channel, plus the
 * per-channel bias, then the activation (assembly/kernels/depthwise_conv2d_native.ts).
 */
export function depthwiseConv2dImpl(backend: AscBackend, x: TensorInfo, filter: TensorInfo,
    convInfo: backend_util.Conv2DInfo, {bias, activation, alpha}: ConvEpilogue): TensorInfo {
  const channelsLast = convInfo.dataFormat === 'channelsLast';
  return runInNHWC(backend, channelsLast, [x], ([xNHWC]) => {
    const {batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth} =
        convInfo;
    const out = backend.makeOutput([batchSize, outHeight, outWidth, outChannels], 'float32');
    if (batchSize * outHeight * outWidth * outChannels === 0) return out;
    // Threads share output rows.
    const rowWork = outWidth * outChannels * filterHeight * filterWidth;
    backend.parallel('depthwiseConv2dNative', [
      backend.ptr(xNHWC), backend.ptr(filter), bias ? backend.ptr(bias) : 0, backend.ptr(out), inHeight,
      inWidth, inChannels, outHeight, outWidth, outChannels / inChannels, filterHeight, filterWidth,
      convInfo.strideHeight, convInfo.strideWidth, convInfo.dilationHeight, convInfo.dilationWidth,
      convInfo.padInfo.top, convInfo.padInfo.left, activation, alpha], batchSize * outHeight, rowWork);
    return out;
  });
}

function depthwiseConv2dNative(args: KernelArgs): TensorInfo {
  const {inputs, backend, attrs} = args;
  const {x, filter} = inputs as DepthwiseConv2dNativeInputs;
  const convInfo = depthwiseConvInfo(x, filter, attrs as unknown as DepthwiseConv2dNativeAttrs);
  return depthwiseConv2dImpl(backend, x, filter, convInfo, {activation: backend.wasm.ACTIVATION_LINEAR.value, alpha: 0});
}

export const depthwiseConv2dNativeConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNative,
  backendName: 'asc',
  kernelFunc: depthwiseConv2dNative as unknown as KernelConfig['kernelFunc'],
};
