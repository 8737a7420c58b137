// Disposed data that deferred calls still read or write: left in storage (the kernels find them
// there, TensorData.buried) but not counted as the engine's, each freed after the last call of the
// flush that uses it.
import type {TensorData} from '../tensor_data.js';
import type {QueuedCall} from './fusion.js';

export class Graveyard {
  private entries: Array<[object, TensorData]> = [];
  /** How many of its tensors are still unreleased. */
  count = 0;

  constructor(private readonly storage: {destroy(dataId: object, entry: TensorData): void}) {}

  /** Keeps a disposed tensor's data until the deferred calls that read or write it have run. */
  bury(dataId: object, entry: TensorData): void {
    if (entry.buried) return;
    entry.buried = true;
    this.entries.push([dataId, entry]);
    this.count++;
  }

  /**
   * When each buried tensor can go: after the last of `calls` that reads or writes it (by call
   * index); one no call touches goes now.
   */
  schedule(calls: QueuedCall[]): Array<Array<[object, TensorData]>> {
    const last = new Map<object, number>();
    calls.forEach((call, i) => {
      for (const key in call.inputs) if (call.inputs[key] != null) last.set(call.inputs[key].dataId, i);
      for (const t of call.outputs) last.set(t.dataId, i);
    });
    const schedule = calls.map((): Array<[object, TensorData]> => []);
    for (const [id, entry] of this.entries) {
      const i = last.get(id);
      if (i == null) this.release(id, entry);
      else schedule[i].push([id, entry]);
    }
    return schedule;
  }

  /** Frees a buried tensor (once). */
  release(id: object, entry: TensorData): void {
    if (!entry.buried) return;
    entry.buried = false;
    this.count--;
    this.storage.destroy(id, entry);
  }

  /** Frees every buried tensor still kept. */
  releaseAll(): void {
    for (const [id, entry] of this.entries) this.release(id, entry);
    this.entries = [];
    this.count = 0;
  }
}
