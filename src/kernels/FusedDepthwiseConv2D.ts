import {FusedDepthwiseConv2D, FusedDepthwiseConv2DAttrs, FusedDepthwiseConv2DInputs, KernelConfig, TensorInfo} from '@tensorflow/tfjs-core';
import {finishEpilogue, splitEpilogue} from './activation.js';
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
  const {fused, rest} = splitEpilogue(backend, convInfo.outChannels, convInfo.dataFormat === 'channelsLast',
      {bias, activation, leakyreluAlpha, preluWeights: preluActivationWeights});
  return finishEpilogue(backend, depthwiseConv2dImpl(backend, x, filter, convInfo, fused), rest);
}

export const fusedDepthwiseConv2DConfig: KernelConfig = {
  kernelName: FusedDepthwiseConv2D,
  backendName: 'asc',
  kernelFunc: fusedDepthwiseConv2D as unknown as KernelConfig['kernelFunc'],
};
