import {KernelConfig, PadV2, PadV2Attrs, PadV2Inputs, TensorInfo, util} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {elementBytes} from './dtypes.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/** Constant padding in wasm: fill, then one block copy per input row; null for dtypes not in wasm. */
export function padImpl(backend: AscBackend, x: TensorInfo, paddings: Array<[number, number]>, constantValue: number):
    TensorInfo|null {
  const bytes = elementBytes(x.dtype);
  if (bytes === 0) return null;
  const outShape = paddings.map((p, i) => p[0] + x.shape[i] + p[1]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  // The constant's bit pattern in the tensor's dtype.
  const bits = x.dtype === 'float32' ? new Int32Array(new Float32Array([constantValue]).buffer)[0] :
      x.dtype === 'int32' ? new Int32Array([constantValue])[0] : new Uint8Array([constantValue])[0];
  const inShape = x.shape.length > 0 ? x.shape : [1];
  const outDims = x.shape.length > 0 ? outShape : [1];
  const before = x.shape.length > 0 ? paddings.map((p) => p[0]) : [0];
  const inPtr = util.sizeFromShape(inShape) > 0 ? backend.ptr(x) : 0;
  const dims = backend.args([...inShape, ...outDims, ...before]);
  backend.wasm.padV2(inPtr, backend.ptr(out), bytes, bits, inShape.length, dims);
  return out;
}

function padV2(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {x} = inputs as PadV2Inputs;
  const {paddings, constantValue} = attrs as unknown as PadV2Attrs;
  return padImpl(backend, x, paddings, constantValue) ?? runOnCpu(PadV2, args);
}

export const padV2Config: KernelConfig = {
  kernelName: PadV2,
  backendName: 'asc',
  kernelFunc: padV2 as unknown as KernelConfig['kernelFunc'],
};
