import {backend_util, Conv2D, Conv2DAttrs, Conv2DInputs, KernelConfig, TensorInfo} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {assertShape} from './validate.js';
import {runGemv, runIgemm} from '../conv/igemm.js';
import {packedWeights} from '../conv/igemm_pack.js';
import {winogradApplies} from '../conv/geometry.js';
import {runWinograd, WinogradShape} from '../conv/winograd.js';
import {runInNHWC} from './layout.js';

export interface ConvEpilogue {
  /** Per-output-channel bias (shape [outChannels]) or none. */
  bias?: TensorInfo;
  /** wasm activation code (ACTIVATION_*). */
  activation: number;
  alpha: number;
}

/**
 * Conv2D in wasm as an indirect GEMM: rows are output pixels, columns output channels, and the
 * filter (with the bias in front) is packed once per filter tensor. One NHWC kernel serves both
 * layouts (runInNHWC); bias and activation are applied as each tile is stored.
 */
export function conv2dImpl(
    backend: AscBackend, x: TensorInfo, filter: TensorInfo, convInfo: backend_util.Conv2DInfo,
    epilogue: ConvEpilogue): TensorInfo {
  const channelsLast = convInfo.dataFormat === 'channelsLast';
  assertShape('Conv2D', 'filter', filter.shape,
      [convInfo.filterHeight, convInfo.filterWidth, convInfo.inChannels, convInfo.outChannels]);
  const {batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth} =
      convInfo;
  const taps = filterHeight * filterWidth;
  return runInNHWC(backend, channelsLast, [x], ([xNHWC]) => {
    const out = backend.makeOutput([batchSize, outHeight, outWidth, outChannels], 'float32');
    const rows = batchSize * outHeight * outWidth;
    if (rows * outChannels === 0) return out;
    if (outChannels === 1) {
      // One output channel: a dot product per pixel; an 8-column GEMM tile would waste 7 columns.
      backend.parallel('conv2dOneChannel', [backend.ptr(xNHWC), backend.ptr(filter), epilogue.bias ? backend.ptr(epilogue.bias) : 0,
        backend.ptr(out), inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, convInfo.strideHeight,
        convInfo.strideWidth, convInfo.dilationHeight, convInfo.dilationWidth, convInfo.padInfo.top, convInfo.padInfo.left,
        epilogue.activation, epilogue.alpha], batchSize * outHeight, outWidth * taps * inChannels);
      return out;
    }
    if (taps > 1 && inChannels < FEW_CHANNELS) {
      conv2dFewChannels(backend, xNHWC, filter, out, convInfo, epilogue);
      return out;
    }
    if (winogradApplies(convInfo)) {
      const shape: WinogradShape = {batch: batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels,
        padTop: convInfo.padInfo.top, padLeft: convInfo.padInfo.left, rowPixels: inWidth, batchPixels: inHeight * inWidth};
      const layout = {tapStride: inChannels * outChannels, inStride: outChannels, outStride: 1, flip: false};
      if (runWinograd(backend, xNHWC, filter, layout, shape, out, epilogue)) return out;
    }
    // B[tap, ci, co] = filter[kh, kw, ci, co]: the HWIO filter is already tap-major.
    const packed = packedWeights(backend, filter, 'conv2d', epilogue.bias, () => ({n: outChannels, taps, kc: inChannels,
      tapOffsets: Array.from({length: taps}, (_, t) => t * inChannels * outChannels), kStride: outChannels, nStride: 1}));
    if (rows === 1 && taps === 1 && convInfo.padInfo.top === 0 && convInfo.padInfo.left === 0) {
      // One output pixel of a 1x1 filter (a squeeze-excite block): its input pixel times the filter.
      runGemv(backend, backend.ptr(xNHWC), packed, backend.ptr(out), outChannels, inChannels, epilogue.activation,
          epilogue.alpha);
      return out;
    }
    runIgemm(backend, rows, outChannels, taps, inChannels, packed, epilogue.activation, epilogue.alpha, (a, c, zero, mr) =>
      backend.wasm.convIndirection(
          backend.ptr(xNHWC), zero, a, c, backend.ptr(out), batchSize, inHeight, inWidth, inChannels, outHeight,
          outWidth, outChannels, filterHeight, filterWidth, convInfo.strideHeight, convInfo.strideWidth,
          convInfo.dilationHeight, convInfo.dilationWidth, convInfo.padInfo.top, convInfo.padInfo.left, mr));
    return out;
  });
}

/** Below this many input channels a tap's k loop is too short for the GEMM (a 3-long loop per tap). */
const FEW_CHANNELS = 8;

/**
 * A convolution with few input channels computed directly (assembly/kernels/conv2d_few_channels.ts):
 * the filter packed as a [taps * inChannels, outChannels] matrix (HWIO is that already), each
 * output pixel's in-bounds taps times it, four interior pixels per weight load. An im2col copy of
 * the patches first cost as much as the product on an RGB stem.
 */
function conv2dFewChannels(backend: AscBackend, x: TensorInfo, filter: TensorInfo, out: TensorInfo,
    convInfo: backend_util.Conv2DInfo, {bias, activation, alpha}: ConvEpilogue): void {
  const {batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth} = convInfo;
  const depth = filterHeight * filterWidth * inChannels;
  const packed = packedWeights(backend, filter, 'conv2d-matrix', bias,
      () => ({n: outChannels, taps: 1, kc: depth, tapOffsets: [0], kStride: outChannels, nStride: 1}));
  // Threads share output rows.
  backend.parallel('conv2dFewChannels', [backend.ptr(x), packed, backend.ptr(out), inHeight, inWidth, inChannels, outHeight,
    outWidth, outChannels, filterHeight, filterWidth, convInfo.strideHeight, convInfo.strideWidth, convInfo.dilationHeight,
    convInfo.dilationWidth, convInfo.padInfo.top, convInfo.padInfo.left, activation, alpha], batchSize * outHeight,
  outWidth * outChannels * depth);
}

function conv2d(args: KernelArgs): TensorInfo {
  const {inputs, backend, attrs} = args;
  const {x, filter} = inputs as Conv2DInputs;
  if (!backend.allFinite(filter)) return runOnCpu(Conv2D, args) as TensorInfo;
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
