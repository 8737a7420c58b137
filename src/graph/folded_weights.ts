// Convolution weights with a batch norm folded in, made once per filter (and norm) and kept until
// the filter is disposed: W'[.., o] = W[.., o] * s[o], b'[o] = (b[o] - mean[o]) * s[o] + offset[o],
// s = scale / sqrt(variance + epsilon), in double precision, rounded once.
import {DataType, TensorInfo, util} from '@tensorflow/tfjs-core';
import type {TensorData} from '../tensor_data.js';
import type {BatchNormParams} from './fusion.js';

/** What folding needs of the backend. */
export interface FoldStorage {
  readonly data: {get(id: object): TensorData};
  readonly wasmMemory: WebAssembly.Memory;
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array): TensorInfo;
  disposeData(dataId: object): boolean;
  /** Folded weights were dropped (programs that read them must go). */
  weightsChanged(): void;
}

interface Folded {
  /** What the fold was made from, besides the filter: bias, mean, variance, offset, scale, epsilon. */
  from: unknown[];
  filter: TensorInfo;
  bias: TensorInfo;
}

export class FoldedWeights {
  private readonly byFilter = new Map<object, Folded>();

  constructor(private readonly storage: FoldStorage) {}

  /** Tensors held here (the backend does not count them as the engine's). */
  get count(): number {
    return 2 * this.byFilter.size;
  }

  get(filter: TensorInfo, bias: TensorInfo|undefined, norm: BatchNormParams): {filter: TensorInfo, bias: TensorInfo} {
    const from = [bias?.dataId, norm.mean.dataId, norm.variance.dataId, norm.offset?.dataId, norm.scale?.dataId,
      norm.varianceEpsilon];
    const cached = this.byFilter.get(filter.dataId);
    if (cached != null && cached.from.every((v, i) => v === from[i])) return cached;
    this.drop(filter.dataId);
    const values = (t: TensorInfo|undefined) => t == null ? null :
      new Float32Array(this.storage.wasmMemory.buffer, this.storage.data.get(t.dataId).ptr, util.sizeFromShape(t.shape)).slice();
    const [w, b, mean, variance, offset, scale] = [filter, bias, norm.mean, norm.variance, norm.offset, norm.scale].map(values);
    const channels = mean!.length;
    const s = Float64Array.from(variance!, (v, o) => (scale?.[o] ?? 1) / Math.sqrt(v + norm.varianceEpsilon));
    for (let i = 0; i < w!.length; i++) w![i] *= s[i % channels];
    const foldedBias = Float32Array.from(s, (so, o) => ((b?.[o] ?? 0) - mean![o]) * so + (offset?.[o] ?? 0));
    const folded = {from, filter: this.storage.makeTensorInfo(filter.shape, 'float32', w!),
      bias: this.storage.makeTensorInfo([channels], 'float32', foldedBias)};
    this.byFilter.set(filter.dataId, folded);
    return folded;
  }

  /** Frees what was folded from a filter (it is being disposed). */
  drop(filterId: object): void {
    const folded = this.byFilter.get(filterId);
    if (folded == null) return;
    this.byFilter.delete(filterId);
    this.storage.weightsChanged();
    this.storage.disposeData(folded.filter.dataId);
    this.storage.disposeData(folded.bias.dataId);
  }
}
