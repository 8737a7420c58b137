import {backend_util, Concat, ConcatAttrs, ConcatInputs, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {elementBytes} from './dtypes.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/**
 * Concat of fixed-width dtypes in wasm: per outer row, one block copy per input. Null where wasm does
 * not take the dtypes.
 */
export function concatImpl(backend: AscBackend, inputs: TensorInfo[], axis: number): TensorInfo|null {
  const dtype = inputs[0].dtype;
  const bytes = elementBytes(dtype);
  if (bytes === 0 || inputs.some((t) => t.dtype !== dtype)) return null;
  backend_util.assertParamsConsistent(inputs.map((t) => t.shape), axis);
  const outShape = backend_util.computeOutShape(inputs.map((t) => t.shape), axis);
  const out = backend.makeOutput(outShape, dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  const parts = inputs.filter((t) => util.sizeFromShape(t.shape) > 0);
  const outer = util.sizeFromShape(outShape.slice(0, axis));
  const list = parts.flatMap((t) => [backend.ptr(t), util.sizeFromShape(t.shape.slice(axis)) * bytes]);
  // The pointer list gets a block of its own: it can outgrow the argument block.
  backend.withScratch(list.length * 4, (listPtr) => {
    backend.writeInts(listPtr, list);
    // Threads share the outer rows.
    const rowBytes = list.reduce((sum, v, i) => (i % 2 ? sum + v : sum), 0);
    backend.parallel('concat', [backend.ptr(out), parts.length, listPtr], outer, 2 * rowBytes);
  });
  return out;
}

function concat(args: KernelArgs): TensorInfo|TensorInfo[] {
  const inputs = args.inputs as unknown as ConcatInputs;
  const axis = util.parseAxisParam((args.attrs as unknown as ConcatAttrs).axis, inputs[0].shape)[0];
  return concatImpl(args.backend, inputs, axis) ?? runOnCpu(Concat, args);
}

export const concatConfig: KernelConfig = {
  kernelName: Concat,
  backendName: 'asc',
  kernelFunc: concat as unknown as KernelConfig['kernelFunc'],
};
