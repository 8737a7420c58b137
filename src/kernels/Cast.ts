import {Cast, CastAttrs, CastInputs, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

const CASTS = {
  'float32>int32': 'castFloat32ToInt32',
  'int32>float32': 'castInt32ToFloat32',
  'bool>float32': 'castBoolToFloat32',
  'bool>int32': 'castBoolToInt32',
  'float32>bool': 'castFloat32ToBool',
  'int32>bool': 'castInt32ToBool',
} as const;

/**
 * Cast always converts the stored values: a tensor's data must be in its own dtype, since wasm
 * kernels read raw memory (tfjs-backend-cpu shares the data of lossless casts, e.g. int32 -> float32).
 */
function cast(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {x} = inputs as CastInputs;
  const {dtype} = attrs as unknown as CastAttrs;
  if (x.dtype === dtype) {
    backend.incRef(x.dataId);
    return {dataId: x.dataId, shape: x.shape, dtype};
  }
  const fn = CASTS[`${x.dtype}>${dtype}` as keyof typeof CASTS];
  if (fn == null) return runOnCpu(Cast, args);
  const out = backend.makeOutput(x.shape, dtype);
  const count = util.sizeFromShape(x.shape);
  if (count > 0) backend.wasm[fn](backend.ptr(x), backend.ptr(out), count);
  return out;
}

export const castConfig: KernelConfig = {
  kernelName: Cast,
  backendName: 'asc',
  kernelFunc: cast as unknown as KernelConfig['kernelFunc'],
};
