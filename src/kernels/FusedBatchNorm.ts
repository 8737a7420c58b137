import {FusedBatchNorm, FusedBatchNormAttrs, FusedBatchNormInputs, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

function fusedBatchNorm(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {x, scale, offset, mean, variance} = inputs as FusedBatchNormInputs;
  if ([x, scale, offset, mean, variance].some((t) => t != null && t.dtype !== 'float32')) {
    return runOnCpu(FusedBatchNorm, args);
  }
  util.assert(mean.shape.length === variance.shape.length, () => 'Batch normalization gradient requires mean and variance to have equal ranks.');
  util.assert(offset == null || mean.shape.length === offset.shape.length, () => 'Batch normalization gradient requires mean and offset to have equal ranks.');
  util.assert(scale == null || mean.shape.length === scale.shape.length, () => 'Batch normalization gradient requires mean and scale to have equal ranks.');
  let {varianceEpsilon} = attrs as unknown as FusedBatchNormAttrs;
  varianceEpsilon ??= 0.001;
  const out = backend.makeOutput(x.shape, 'float32');
  const count = util.sizeFromShape(x.shape);
  if (count === 0) return out;
  // A parameter's pointer and length; length 0 selects the default (offset 0, scale 1).
  const param = (t?: TensorInfo) => t == null ? [0, 0] : [backend.ptr(t), util.sizeFromShape(t.shape)];
  const [meanPtr, meanLength] = param(mean), [variancePtr, varianceLength] = param(variance);
  const [offsetPtr, offsetLength] = param(offset), [scalePtr, scaleLength] = param(scale);
  // Coefficients per position of the parameters' period, once; then threads share the elements.
  const p = backend.wasm.fusedBatchNormPeriod(meanLength, varianceLength, offsetLength, scaleLength, count);
  backend.withScratch(3 * p * 4, (coeffs) => {
    backend.wasm.fusedBatchNormCoefficients(meanPtr, meanLength, variancePtr, varianceLength, offsetPtr, offsetLength,
        scalePtr, scaleLength, varianceEpsilon, coeffs, p);
    backend.parallel('fusedBatchNorm', [backend.ptr(x), coeffs, p, backend.ptr(out)], count, 12, 16);
  });
  return out;
}

export const fusedBatchNormConfig: KernelConfig = {
  kernelName: FusedBatchNorm,
  backendName: 'asc',
  kernelFunc: fusedBatchNorm as unknown as KernelConfig['kernelFunc'],
};
