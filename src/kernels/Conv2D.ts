import {backend_util, Conv2D, Conv2DAttrs, Conv2DInputs, KernelConfig, TensorInfo} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {KernelArgs} from './cpu_fallback.js';
import {assertShape} from './validate.js';
import {runInNHWC} from './layout.js';

export interface ConvEpilogue {
  /** Per-output-channel bias (shape [outChannels]) or none. */
  bias?: TensorInfo;
  /** wasm activation code (ACTIVATION_*). */
  activation: number;
  alpha: number;
}

/**
 * Conv2D in wasm. One NHWC kernel serves both layouts (runInNHWC); the epilogue (bias,
 * activation) is applied on the NHWC result.
 */
export function conv2dImpl(
    backend: AscBackend, x: TensorInfo, filter: TensorInfo, convInfo: backend_util.Conv2DInfo,
    epilogue: ConvEpilogue): TensorInfo {
  const channelsLast = convInfo.dataFormat === 'channelsLast';
  assertShape('Conv2D', 'filter', filter.shape,
      [convInfo.filterHeight, convInfo.filterWidth, convInfo.inChannels, convInfo.outChannels]);
  return runInNHWC(backend, channelsLast, [x], ([xNHWC]) => {
    const out = backend.makeOutput(
        [convInfo.batchSize, convInfo.outHeight, convInfo.outWidth, convInfo.outChannels], 'float32');
    if (convInfo.batchSize * convInfo.outHeight * convInfo.outWidth * convInfo.outChannels === 0) return out;
    backend.wasm.conv2d(
        backend.ptr(xNHWC), backend.ptr(filter), epilogue.bias ? backend.ptr(epilogue.bias) : 0, backend.ptr(out),
        convInfo.batchSize, convInfo.inHeight, convInfo.inWidth, convInfo.inChannels, convInfo.outHeight,
        convInfo.outWidth, convInfo.outChannels, convInfo.filterHeight, convInfo.filterWidth, convInfo.strideHeight,
        convInfo.strideWidth, convInfo.dilationHeight, convInfo.dilationWidth, convInfo.padInfo.top,
        convInfo.padInfo.left, epilogue.activation, epilogue.alpha);
    return out;
  });
}

function conv2d(args: KernelArgs): TensorInfo {
  const {inputs, backend, attrs} = args;
  const {x, filter} = inputs as Conv2DInputs;
  const {strides, pad, dataFormat, dilations, dimRoundingMode} = attrs as unknown as Conv2DAttrs;
  const convInfo = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides,
      dilations, pad, dimRoundingMode, false, backend_util.convertConv2DDataFormat(dataFormat));
  return conv2dImpl(backend, x, filter, convInfo, {activation: backend.wasm.ACTIVATION_LINEAR.value, alpha: 0});
}

export const conv2dConfig: KernelConfig = {
  kernelName: Conv2D,
  backendName: 'asc',
  kernelFunc: conv2d as unknown as KernelConfig['kernelFunc'],
};
