// Blocks derived from weight tensors (packed for a kernel), kept per tensor until it is disposed,
// so a model's weights are packed once.
import {TensorInfo} from '@tensorflow/tfjs-core';

/** A block derived from a weight tensor; `kind` and `bias` say what for. */
interface CachedWeights {
  kind: string;
  bias: object|null;
  ptr: number;
  bytes: number;
}

/** What the cache needs of the backend. */
interface Memory {
  allocate(bytes: number): number;
  release(ptr: number, bytes: number): void;
}

export class WeightCache {
  private readonly blocks = new Map<object, CachedWeights>();

  /** `changed` runs whenever a block is dropped or replaced (programs that read it must go). */
  constructor(private readonly memory: Memory, private readonly changed: () => void) {}

  /**
   * The block derived from `weights` for `kind` (a layout and its geometry); `bias`, when packed in
   * too, is matched by identity. `prepare` runs only when nothing is cached: the block's size and
   * how to fill it.
   */
  get(weights: TensorInfo, kind: string, bias: TensorInfo|undefined,
      prepare: () => {bytes: number, fill: (ptr: number) => void}): number {
    const biasId = bias?.dataId ?? null;
    const cached = this.blocks.get(weights.dataId);
    if (cached != null && cached.kind === kind && cached.bias === biasId) return cached.ptr;
    if (cached != null) this.drop(weights.dataId);
    const {bytes, fill} = prepare();
    const ptr = this.memory.allocate(bytes);
    try {
      fill(ptr);
    } catch (e) {
      this.memory.release(ptr, bytes);
      throw e;
    }
    this.blocks.set(weights.dataId, {kind, bias: biasId, ptr, bytes});
    return ptr;
  }

  /** Frees what was derived from a tensor (it is being disposed). */
  drop(dataId: object): void {
    const cached = this.blocks.get(dataId);
    if (cached == null) return;
    this.memory.release(cached.ptr, cached.bytes);
    this.blocks.delete(dataId);
    this.changed();
  }
}
