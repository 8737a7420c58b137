// SplitV as one wasm slice per output (the gradient of a channel concat splits on the last axis).
import {backend_util, KernelConfig, SplitV, SplitVAttrs, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {sliceImpl} from './Slice.js';

function splitV(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {backend} = args;
  const {x} = args.inputs as {x: TensorInfo};
  const {numOrSizeSplits, axis} = args.attrs as unknown as SplitVAttrs;
  const $axis = util.parseAxisParam(axis, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, $axis);
  const begin = new Array(x.shape.length).fill(0);
  const outputs: TensorInfo[] = [];
  for (const s of sizes) {
    const size = [...x.shape];
    size[$axis] = s;
    const part = sliceImpl(backend, x, [...begin], size);
    if (part == null) {
      for (const t of outputs) backend.disposeData(t.dataId);
      return runOnCpu(SplitV, args);
    }
    outputs.push(part);
    begin[$axis] += s;
  }
  return outputs;
}

export const splitVConfig: KernelConfig = {
  kernelName: SplitV,
  backendName: 'asc',
  kernelFunc: splitV as unknown as KernelConfig['kernelFunc'],
};
