import {TensorInfo} from '@tensorflow/tfjs-core';
import type {AscBackend} from '../backend.js';
import {transposeImpl} from './Transpose.js';

/**
 * Runs an NHWC kernel on NCHW tensors: the inputs are transposed to NHWC and, when
 * `outputIsImage`, the result back to NCHW. With `channelsLast` it is a plain call.
 */
export function runInNHWC(
    backend: AscBackend, channelsLast: boolean, inputs: TensorInfo[], kernel: (nhwc: TensorInfo[]) => TensorInfo,
    outputIsImage = true): TensorInfo {
  if (channelsLast) return kernel(inputs);
  const nhwc = inputs.map((t) => transposeImpl(backend, t, [0, 2, 3, 1]));
  const out = kernel(nhwc);
  for (const t of nhwc) backend.disposeIntermediateTensorInfo(t);
  if (!outputIsImage) return out;
  const nchw = transposeImpl(backend, out, [0, 3, 1, 2]);
  backend.disposeIntermediateTensorInfo(out);
  return nchw;
}

/** `values` (a shape, begin or reps) of rank 4 or less, led by `fill`s up to rank 4. */
export function padToRank4(values: number[], fill: number): number[] {
  return [...new Array(4 - values.length).fill(fill), ...values];
}
