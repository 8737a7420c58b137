import {KernelConfig, Transpose, TransposeAttrs, TransposeInputs, TensorInfo, util} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {elementBytes} from './dtypes.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/** Transposes `x` by `perm` in wasm; axes that stay adjacent are merged first. */
export function transposeImpl(backend: AscBackend, x: TensorInfo, perm: number[]): TensorInfo {
  const outShape = perm.map((p) => x.shape[p]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  // Drop size-1 axes, then merge runs of output axes that are consecutive input axes.
  const kept = perm.filter((p) => x.shape[p] !== 1);
  const inStrides = util.computeStrides(x.shape).concat([1]);
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < kept.length; i++) {
    const axis = kept[i];
    const last = shape.length - 1;
    if (i > 0 && strides[last] === inStrides[axis] * x.shape[axis]) {
      shape[last] *= x.shape[axis];
      strides[last] = inStrides[axis];
    } else {
      shape.push(x.shape[axis]);
      strides.push(inStrides[axis]);
    }
  }
  if (shape.length === 0) shape.push(1), strides.push(1);
  const dims = backend.args([...shape, ...strides]);
  // Threads share the output rows (all axes but the innermost).
  const inner = shape[shape.length - 1];
  backend.parallel('transpose', [backend.ptr(x), backend.ptr(out), elementBytes(x.dtype), shape.length, dims],
      util.sizeFromShape(outShape) / inner, inner * elementBytes(x.dtype) * 2);
  return out;
}

function transpose(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {x} = inputs as TransposeInputs;
  const {perm} = attrs as unknown as TransposeAttrs;
  if (elementBytes(x.dtype) === 0) return runOnCpu(Transpose, args);
  return transposeImpl(backend, x, perm);
}

export const transposeConfig: KernelConfig = {
  kernelName: Transpose,
  backendName: 'asc',
  kernelFunc: transpose as unknown as KernelConfig['kernelFunc'],
};
