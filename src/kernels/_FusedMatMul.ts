import {_FusedMatMul, _FusedMatMulAttrs, _FusedMatMulInputs, KernelConfig, TensorInfo} from '@tensorflow/tfjs-core';
import {activateInPlace, applyPrelu} from './activation.js';
import {batchMatMulImpl} from './BatchMatMul.js';
import {binaryImpl} from './binary.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/** matmul, then bias (broadcast) and the activation, each in wasm. */
function fusedMatMul(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {a, b, bias, preluActivationWeights} = inputs as _FusedMatMulInputs;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return runOnCpu(_FusedMatMul, args);
  const {transposeA, transposeB, activation, leakyreluAlpha} = attrs as unknown as _FusedMatMulAttrs;
  let out = batchMatMulImpl(backend, a, b, transposeA, transposeB);
  if (bias != null) {
    const withBias = binaryImpl(backend, 'BINARY_ADD', out, bias, 'float32');
    backend.disposeIntermediateTensorInfo(out);
    out = withBias;
  }
  if (activation !== 'prelu') activateInPlace(backend, out, activation, leakyreluAlpha ?? 0);
  return applyPrelu(backend, out, activation, preluActivationWeights);
}

export const _fusedMatMulConfig: KernelConfig = {
  kernelName: _FusedMatMul,
  backendName: 'asc',
  kernelFunc: fusedMatMul as unknown as KernelConfig['kernelFunc'],
};
