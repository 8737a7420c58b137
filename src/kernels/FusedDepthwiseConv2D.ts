import {FusedDepthwiseConv2D, FusedDepthwiseConv2DAttrs, FusedDepthwiseConv2DInputs, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import {activationCode, finishEpilogue} from './activation.js';
import {KernelArgs} from './cpu_fallback.js';
import {depthwiseConv2dImpl, depthwiseConvInfo} from './DepthwiseConv2dNative.js';

/**
 * Depthwise conv + bias + activation, what tfjs-converter emits for MobileNet blocks. A bias of one
 * value per output channel and every activation but prelu run inside the kernel; other bias shapes
 * and prelu broadcast afterwards, in wasm.
 */
function fusedDepthwiseConv2D(args: KernelArgs): TensorInfo {
  const {inputs, backend, attrs} = args;
  const {x, filter, bias, preluActivationWeights} = inputs as FusedDepthwiseConv2DInputs;
  const {activation, leakyreluAlpha} = attrs as unknown as FusedDepthwiseConv2DAttrs;
  const convInfo = depthwiseConvInfo(x, filter, attrs as unknown as FusedDepthwiseConv2DAttrs);
  const channelsLast = convInfo.dataFormat === 'channelsLast';
  const perChannelBias = bias != null && channelsLast && util.sizeFromShape(bias.shape) === convInfo.outChannels &&
      bias.shape[bias.shape.length - 1] === convInfo.outChannels;
  const fuseAll = bias == null || perChannelBias;
  const alpha = leakyreluAlpha ?? 0;
  const out = depthwiseConv2dImpl(backend, x, filter, convInfo, {
    bias: perChannelBias ? bias : undefined,
    activation: fuseAll ? activationCode(backend, activation) : backend.wasm.ACTIVATION_LINEAR.value,
    alpha,
  });
  return finishEpilogue(backend, out, {
    bias: fuseAll ? undefined : bias,
    activation,
    alpha,
    preluWeights: preluActivationWeights,
  });
}

export const fusedDepthwiseConv2DConfig: KernelConfig = {
  kernelName: FusedDepthwiseConv2D,
  backendName: 'asc',
  kernelFunc: fusedDepthwiseConv2D as unknown as KernelConfig['kernelFunc'],
};
