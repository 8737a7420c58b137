import {backend_util, FusedConv2D, FusedConv2DAttrs, FusedConv2DInputs, KernelConfig, TensorInfo} from '@tensorflow/tfjs-core';
import {finishEpilogue, splitEpilogue} from './activation.js';
import {conv2dImpl} from './Conv2D.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/**
 * Conv2D + bias + activation. A per-channel bias and every activation but prelu run inside the
 * conv kernel's store; other bias shapes and prelu weights broadcast afterwards, in wasm, with
 * tfjs-backend-cpu's NCHW rule (a 1-D bias or weight applies per channel).
 */
function fusedConv2d(args: KernelArgs): TensorInfo {
  const {inputs, backend, attrs} = args;
  const {x, filter, bias, preluActivationWeights} = inputs as FusedConv2DInputs;
  if (!backend.allFinite(filter)) return runOnCpu(FusedConv2D, args) as TensorInfo;
  const {strides, pad, dataFormat, dilations, dimRoundingMode, activation, leakyreluAlpha} =
      attrs as unknown as FusedConv2DAttrs;
  const convInfo = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides,
      dilations, pad, dimRoundingMode, false, backend_util.convertConv2DDataFormat(dataFormat));
  const channelsLast = convInfo.dataFormat === 'channelsLast';
  // tfjs-backend-cpu's NCHW rule: a 1-D bias or prelu weight applies per channel.
  const perChannelNCHW = (t: TensorInfo|undefined) =>
      t != null && !channelsLast && t.shape.length === 1 && t.shape[0] !== 1 ? {...t, shape: [t.shape[0], 1, 1]} : t;
  const {fused, rest} = splitEpilogue(backend, convInfo.outChannels, channelsLast, {activation, leakyreluAlpha,
    bias: channelsLast ? bias : perChannelNCHW(bias), preluWeights: perChannelNCHW(preluActivationWeights)});
  return finishEpilogue(backend, conv2dImpl(backend, x, filter, convInfo, fused), rest);
}

export const fusedConv2DConfig: KernelConfig = {
  kernelName: FusedConv2D,
  backendName: 'asc',
  kernelFunc: fusedConv2d as unknown as KernelConfig['kernelFunc'],
};
