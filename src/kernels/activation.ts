// The fused activations of FusedConv2D and _FusedMatMul, applied in wasm.
import {TensorInfo, util} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {binaryImpl} from './binary.js';

const CODES = {
  linear: 'ACTIVATION_LINEAR',
  relu: 'ACTIVATION_RELU',
  relu6: 'ACTIVATION_RELU6',
  leakyrelu: 'ACTIVATION_LEAKYRELU',
  // Not tfjs activations: the graph fusion's hard-swish (alpha: the scale, or the divisor), and
  // x times tfjs-layers' hard sigmoid (alpha: its slope).
  hardswish: 'ACTIVATION_HARDSWISH',
  hardswishdiv: 'ACTIVATION_HARDSWISH_DIV',
  xhardsigmoid: 'ACTIVATION_X_HARD_SIGMOID',
  sigmoid: 'ACTIVATION_SIGMOID',
  elu: 'ACTIVATION_ELU',
} as const;

/** The wasm code of an activation that the kernels fuse; prelu is applied separately. */
export function activationCode(backend: AscBackend, activation = 'linear'): number {
  if (activation === 'prelu') return backend.wasm.ACTIVATION_LINEAR.value;
  const name = CODES[activation as keyof typeof CODES];
  if (name == null) throw new Error(`asc backend: unsupported fused activation '${activation}'`);
  return backend.wasm[name].value;
}

/** Applies prelu (the one activation with a tensor argument) after a kernel; disposes `x`. */
function applyPrelu(backend: AscBackend, x: TensorInfo, activation: string|undefined, weights?: TensorInfo):
    TensorInfo {
  if (activation !== 'prelu') return x;
  if (weights == null) throw new Error('asc backend: prelu activation needs preluActivationWeights');
  const out = binaryImpl(backend, 'BINARY_PRELU', x, weights, 'float32');
  backend.disposeIntermediateTensorInfo(x);
  return out;
}

/** `activation(x)` in place, for the activations with a wasm code. */
function activateInPlace(backend: AscBackend, x: TensorInfo, activation = 'linear', alpha = 0): void {
  const ptr = backend.ptr(x);
  backend.parallel('applyActivation', [ptr, ptr, activationCode(backend, activation), alpha],
      util.sizeFromShape(x.shape), 8, 16);
}

export interface RemainingEpilogue {
  /** A bias the kernel could not fuse (not one value per output channel): added by broadcasting. */
  bias?: TensorInfo;
  activation?: string;
  alpha: number;
  preluWeights?: TensorInfo;
}

/**
 * What a fused kernel (FusedConv2D, _FusedMatMul) could not apply as it stored its tiles: an unfused
 * bias and then the activation, and prelu always. Disposes `out` when it replaces it.
 */
export function finishEpilogue(backend: AscBackend, out: TensorInfo, {bias, activation, alpha, preluWeights}:
    RemainingEpilogue): TensorInfo {
  if (bias != null) {
    const withBias = binaryImpl(backend, 'BINARY_ADD', out, bias, 'float32');
    backend.disposeIntermediateTensorInfo(out);
    out = withBias;
    if (activation !== 'prelu') activateInPlace(backend, out, activation, alpha);
  }
  return applyPrelu(backend, out, activation, preluWeights);
}

/**
 * What a convolution fuses of its epilogue and what is left: a bias of one value per output
 * channel (NHWC) and every activation but prelu run in the kernel's store; another bias shape, or
 * prelu, broadcast afterwards (finishEpilogue), with the activation then applied there.
 */
export function splitEpilogue(backend: AscBackend, outChannels: number, channelsLast: boolean,
    {bias, activation, leakyreluAlpha, preluWeights}: {bias?: TensorInfo, activation?: string, leakyreluAlpha?: number,
      preluWeights?: TensorInfo}): {fused: {bias?: TensorInfo, activation: number, alpha: number}, rest: RemainingEpilogue} {
  const perChannelBias = bias != null && channelsLast && util.sizeFromShape(bias.shape) === outChannels &&
      bias.shape[bias.shape.length - 1] === outChannels;
  const fuseAll = bias == null || perChannelBias;
  const alpha = leakyreluAlpha ?? 0;
  return {
    fused: {bias: perChannelBias ? bias : undefined,
      activation: fuseAll ? activationCode(backend, activation) : backend.wasm.ACTIVATION_LINEAR.value, alpha},
    rest: {bias: fuseAll ? undefined : bias, activation, alpha, preluWeights},
  };
}
