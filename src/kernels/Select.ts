import {KernelConfig, Select, SelectInputs, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/** condition ? t : e for a bool condition of t's shape and float32 or int32 values; other cases on cpu. */
function select(args: KernelArgs): TensorInfo {
  const {backend} = args;
  const {condition, t, e} = args.inputs as SelectInputs;
  if (condition.dtype !== 'bool' || t.dtype !== e.dtype || (t.dtype !== 'float32' && t.dtype !== 'int32') ||
      !util.arraysEqual(condition.shape, t.shape) || !util.arraysEqual(t.shape, e.shape)) {
    return runOnCpu(Select, args) as TensorInfo;
  }
  const out = backend.makeOutput(t.shape, t.dtype);
  backend.parallel('select', [backend.ptr(condition), backend.ptr(t), backend.ptr(e), backend.ptr(out)],
      util.sizeFromShape(t.shape), 13, 16);
  return out;
}

export const selectConfig: KernelConfig = {
  kernelName: Select,
  backendName: 'asc',
  kernelFunc: select as unknown as KernelConfig['kernelFunc'],
};
