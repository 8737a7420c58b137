// The fused activations of FusedConv2D and _FusedMatMul, applied in wasm.
import {TensorInfo} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {binaryImpl} from './binary.js';

const CODES = {
  linear: 'ACTIVATION_LINEAR',
  relu: 'ACTIVATION_RELU',
  relu6: 'ACTIVATION_RELU6',
  leakyrelu: 'ACTIVATION_LEAKYRELU',
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
export function applyPrelu(backend: AscBackend, x: TensorInfo, activation: string|undefined, weights?: TensorInfo):
    TensorInfo {
  if (activation !== 'prelu') return x;
  if (weights == null) throw new Error('asc backend: prelu activation needs preluActivationWeights');
  const out = binaryImpl(backend, 'BINARY_PRELU', x, weights, 'float32');
  backend.disposeIntermediateTensorInfo(x);
  return out;
}

/** `activation(x)` in place, for the activations with a wasm code. */
export function activateInPlace(backend: AscBackend, x: TensorInfo, activation = 'linear', alpha = 0): void {
  const code = activationCode(backend, activation);
  const count = x.shape.reduce((p, s) => p * s, 1);
  const ptr = backend.ptr(x);
  backend.wasm.applyActivation(ptr, ptr, count, code, alpha);
}
