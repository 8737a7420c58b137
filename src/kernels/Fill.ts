import {Fill, FillAttrs, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {fillImpl} from './fill_value.js';

/** tf.fill: `shape` of `value` in wasm memory (strings on tfjs-backend-cpu). */
function fill(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {shape, value, dtype} = args.attrs as unknown as FillAttrs;
  if (typeof value === 'string') return runOnCpu(Fill, args);
  return fillImpl(args.backend, shape, dtype || util.inferDtype(value), value) ?? runOnCpu(Fill, args);
}

export const fillConfig: KernelConfig = {
  kernelName: Fill,
  backendName: 'asc',
  kernelFunc: fill as unknown as KernelConfig['kernelFunc'],
};
