// The squeeze-excite block the capture's fusion makes (src/graph/fusion.ts, foldSqueezeExcite): Mean
// over H,W, two 1x1 FusedConv2D on that pixel, and the Multiply of the input by their gate, in one
// wasm call (assembly/kernels/squeeze_excite.ts) with the same results bit for bit. The fusion has
// checked the shapes; blocks the one-pixel GEMM does not cover (a filter with non-finite values, one
// squeezed channel, a bias not one value per channel, padding) run as the four kernels they were.
import {backend_util, FusedConv2DAttrs, KernelFunc, NamedAttrMap, TensorInfo, util} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {packedWeights} from '../conv/igemm_pack.js';
import {SQUEEZE_EXCITE, SqueezeExciteAttrs, SqueezeExciteInputs} from '../graph/fusion.js';
import {splitEpilogue} from './activation.js';
import {KernelArgs} from './cpu_fallback.js';
import {fusedConv2DConfig} from './FusedConv2D.js';
import {meanConfig} from './Mean.js';
import {multiplyConfig} from './Multiply.js';

/**
 * One FC of the block (a 1x1 filter on the one pixel `v`) as the fused kernel runs it: packed weights
 * (bias inside) and activation, or null.
 */
function packedFC(backend: AscBackend, v: TensorInfo, filter: TensorInfo, bias: TensorInfo|undefined,
    convAttrs: NamedAttrMap): {packed: number, activation: number, alpha: number}|null {
  const attrs = convAttrs as unknown as FusedConv2DAttrs;
  const [inChannels, outChannels] = [filter.shape[2], filter.shape[3]];
  // One output channel is Conv2D's dot-product kernel, not the one-pixel GEMM: its sums differ.
  if (filter.dtype !== 'float32' || outChannels === 1 || attrs.dataFormat === 'NCHW' || !backend.allFinite(filter)) {
    return null;
  }
  const info = backend_util.computeConv2DInfo(v.shape as [number, number, number, number],
      filter.shape as [number, number, number, number], attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode);
  if (info.outHeight !== 1 || info.outWidth !== 1 || info.padInfo.top !== 0 || info.padInfo.left !== 0) return null;
  const {fused, rest} = splitEpilogue(backend, outChannels, true,
      {bias, activation: attrs.activation, leakyreluAlpha: attrs.leakyreluAlpha});
  if (rest.bias != null || rest.activation === 'prelu') return null;
  // The packing FusedConv2D's one-pixel path uses (Conv2D.ts), so both share one cached copy.
  const packed = packedWeights(backend, filter, 'conv2d', fused.bias, () => ({n: outChannels, taps: 1, kc: inChannels,
    tapOffsets: [0], kStride: outChannels, nStride: 1}));
  return {packed, activation: fused.activation, alpha: fused.alpha};
}

function squeezeExcite(args: KernelArgs): TensorInfo {
  const {backend} = args;
  const {x, filter1, bias1, filter2, bias2} = args.inputs as unknown as SqueezeExciteInputs;
  const {conv1, conv2, gateFirst} = args.attrs as unknown as SqueezeExciteAttrs;
  const [batch, height, width, channels] = x.shape;
  const squeezed = filter1.shape[3];
  const fc1 = packedFC(backend, {...x, shape: [batch, 1, 1, channels]}, filter1, bias1, conv1);
  const fc2 = fc1 && packedFC(backend, {...x, shape: [batch, 1, 1, squeezed]}, filter2, bias2, conv2);
  if (fc1 == null || fc2 == null) return asKernels(args);
  const out = backend.makeOutput(x.shape, 'float32');
  if (util.sizeFromShape(x.shape) === 0) return out;
  backend.withScratch((2 * channels + squeezed) * 4, (scratch) => {
    backend.wasm.squeezeExcite(backend.ptr(x), backend.ptr(out), batch, height * width, channels, squeezed,
        fc1.packed, fc1.activation, fc1.alpha, fc2.packed, fc2.activation, fc2.alpha, gateFirst, scratch);
  });
  return out;
}

/** The block as the kernels it replaced: Mean, FusedConv2D twice, Multiply. */
function asKernels(args: KernelArgs): TensorInfo {
  const {backend} = args;
  const {x, filter1, bias1, filter2, bias2} = args.inputs as unknown as SqueezeExciteInputs;
  const {mean, conv1, conv2, gateFirst} = args.attrs as unknown as SqueezeExciteAttrs;
  const run = (kernelFunc: KernelFunc, inputs: Record<string, TensorInfo|undefined>, attrs: object) =>
    kernelFunc({inputs: inputs as never, attrs: attrs as never, backend: backend as never}) as TensorInfo;
  // Pooled as [N, 1, 1, C] (a Mean without keepDims reached the convolution reshaped so).
  const pooled = run(meanConfig.kernelFunc, {x}, {...mean, keepDims: true});
  const hidden = run(fusedConv2DConfig.kernelFunc, {x: pooled, filter: filter1, bias: bias1}, conv1);
  const gate = run(fusedConv2DConfig.kernelFunc, {x: hidden, filter: filter2, bias: bias2}, conv2);
  const out = run(multiplyConfig.kernelFunc, gateFirst ? {a: gate, b: x} : {a: x, b: gate}, {});
  for (const t of [pooled, hidden, gate]) backend.disposeIntermediateTensorInfo(t);
  return out;
}

export const squeezeExciteKernel = {kernelName: SQUEEZE_EXCITE, kernelFunc: squeezeExcite as unknown as KernelFunc};
