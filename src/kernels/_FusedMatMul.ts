import {_FusedMatMul, _FusedMatMulAttrs, _FusedMatMulInputs, KernelConfig, TensorInfo} from '@tensorflow/tfjs-core';
import {activationCode, finishEpilogue} from './activation.js';
import {batchMatMulImpl} from './BatchMatMul.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/**
 * matmul + bias + activation. A bias of shape [columns] is packed with B and the activation applied
 * as tiles are stored; other bias shapes (and prelu) broadcast afterwards, in wasm.
 */
function fusedMatMul(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {a, b, bias, preluActivationWeights} = inputs as _FusedMatMulInputs;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return runOnCpu(_FusedMatMul, args);
  const {transposeA, transposeB, activation, leakyreluAlpha} = attrs as unknown as _FusedMatMulAttrs;
  const cols = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const fuseAll = bias == null || (bias.shape.length === 1 && bias.shape[0] === cols);
  const alpha = leakyreluAlpha ?? 0;
  const out = batchMatMulImpl(backend, a, b, transposeA, transposeB, {
    bias: fuseAll ? bias : undefined,
    activation: fuseAll ? activationCode(backend, activation) : backend.wasm.ACTIVATION_LINEAR.value,
    alpha,
  });
  return finishEpilogue(backend, out, {bias: fuseAll ? undefined : bias, activation, alpha, preluWeights: preluActivationWeights});
}

export const _fusedMatMulConfig: KernelConfig = {
  kernelName: _FusedMatMul,
  backendName: 'asc',
  kernelFunc: fusedMatMul as unknown as KernelConfig['kernelFunc'],
};
