import {backend_util, Conv2DBackpropInput, Conv2DBackpropInputAttrs, Conv2DBackpropInputInputs, KernelConfig, TensorInfo} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {winogradApplies} from '../conv/geometry.js';
import {runIgemm} from '../conv/igemm.js';
import {packedBytes, packInto, PackLayout} from '../conv/igemm_pack.js';
import {runWinograd, WinogradShape} from '../conv/winograd.js';
import {runInNHWC} from './layout.js';
import {assertShape, assertShapeAtLeast} from './validate.js';

/** A stride phase: the dx pixels (ih, iw) with ih % strideH == y and iw % strideW == x, and the taps reaching them. */
interface Phase {
  y: number;
  x: number;
  taps: Array<[number, number]>;
  layout: PackLayout;
  /** Offset of this phase's packed block, in bytes. */
  offset: number;
}

/**
 * The gradient of Conv2D with respect to its input (conv2dTranspose), as strideH x strideW
 * sub-convolutions (XNNPACK's deconvolution): each phase of dx is one indirect GEMM over dy with
 * the filter taps that reach it, written straight to its strided place. The U-Net's 2x2 stride-2
 * transposed conv becomes four 1-tap GEMMs. NCHW goes through NHWC.
 */
function conv2DBackpropInput(args: KernelArgs): TensorInfo {
  const {inputs, backend, attrs} = args;
  const {dy, filter} = inputs as Conv2DBackpropInputInputs;
  if (!backend.allFinite(filter)) return runOnCpu(Conv2DBackpropInput, args) as TensorInfo;
  const {inputShape, strides, pad, dataFormat, dimRoundingMode} = attrs as unknown as Conv2DBackpropInputAttrs;
  const convInfo = backend_util.computeConv2DInfo(
      inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false,
      backend_util.convertConv2DDataFormat(dataFormat));
  const channelsLast = convInfo.dataFormat === 'channelsLast';
  const {batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth,
    strideHeight, strideWidth} = convInfo;
  const {top, left} = convInfo.padInfo;
  // dy may be taller or wider than the geometry implies: tfjs-backend-cpu ignores the excess.
  assertShape(Conv2DBackpropInput, 'dy', dy.shape,
      channelsLast ? [batchSize, null, null, outChannels] : [batchSize, outChannels, null, null]);
  assertShapeAtLeast(Conv2DBackpropInput, 'dy', dy.shape,
      channelsLast ? [batchSize, outHeight, outWidth, outChannels] : [batchSize, outChannels, outHeight, outWidth]);

  const phases: Phase[] = [];
  let offset = 0;
  const reaches = (k: number, phase: number, stride: number, padding: number) => ((phase + padding - k) % stride + stride) % stride === 0;
  for (let y = 0; y < strideHeight; y++) {
    for (let x = 0; x < strideWidth; x++) {
      const taps: Array<[number, number]> = [];
      for (let kh = 0; kh < filterHeight; kh++) {
        for (let kw = 0; kw < filterWidth; kw++) {
          if (reaches(kh, y, strideHeight, top) && reaches(kw, x, strideWidth, left)) taps.push([kh, kw]);
        }
      }
      // B[tap, co, ci] = filter[kh, kw, ci, co].
      const layout = {n: inChannels, taps: taps.length, kc: outChannels,
        tapOffsets: taps.map(([kh, kw]) => (kh * filterWidth + kw) * inChannels * outChannels), kStride: 1, nStride: outChannels};
      phases.push({y, x, taps, layout, offset});
      offset += packedBytes(backend, layout);
    }
  }
  const kind = `deconv ${strideHeight} ${strideWidth} ${top} ${left}`;

  return runInNHWC(backend, channelsLast, [dy], ([dyNHWC]) => {
    const dx = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
    if (batchSize * inHeight * inWidth * inChannels === 0) return dx;
    // Stride 1: the convolution of dy with the filter flipped and its channels swapped, pads 2 - pad.
    if (winogradApplies({filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight: 1, dilationWidth: 1,
      inChannels: outChannels, outChannels: inChannels})) {
      const shape: WinogradShape = {batch: batchSize, inHeight: outHeight, inWidth: outWidth, inChannels: outChannels,
        outHeight: inHeight, outWidth: inWidth, outChannels: inChannels, padTop: 2 - top, padLeft: 2 - left,
        rowPixels: dyNHWC.shape[2], batchPixels: dyNHWC.shape[1] * dyNHWC.shape[2]};
      const layout = {tapStride: inChannels * outChannels, inStride: 1, outStride: outChannels, flip: true};
      const linear = {activation: backend.wasm.ACTIVATION_LINEAR.value, alpha: 0};
      if (runWinograd(backend, dyNHWC, filter, layout, shape, dx, linear)) return dx;
    }
    const packed = backend.cachedWeights(filter, kind, undefined, () => ({
      bytes: offset,
      fill: (ptr) => {
        for (const p of phases) packInto(backend, ptr + p.offset, filter, undefined, p.layout);
      },
    }));
    const linear = backend.wasm.ACTIVATION_LINEAR.value;
    for (const p of phases) {
      const rows = batchSize * Math.ceil(Math.max(0, inHeight - p.y) / strideHeight) *
          Math.ceil(Math.max(0, inWidth - p.x) / strideWidth);
      runIgemm(backend, rows, inChannels, p.taps.length, outChannels, packed + p.offset, linear, 0, (a, c, zero, mr) =>
        backend.withScratch(Math.max(1, p.taps.length) * 8, (tapList) => {
          backend.writeInts(tapList, p.taps.flat());
          backend.wasm.deconvIndirection(
              backend.ptr(dyNHWC), zero, a, c, backend.ptr(dx), batchSize, inHeight, inWidth, inChannels, outHeight,
              outWidth, outChannels, dyNHWC.shape[1], dyNHWC.shape[2], strideHeight, strideWidth, top, left, p.y, p.x,
              tapList, p.taps.length, mr);
        }));
    }
    return dx;
  });
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'asc',
  kernelFunc: conv2DBackpropInput as unknown as KernelConfig['kernelFunc'],
};
