// Where the backend keeps its tensors' storage: on the dataId objects themselves, under a symbol of
// this storage's own, instead of tfjs-core's DataStorage (a WeakMap, whose set costs a tiny kernel
// call a tenth of its time). The same interface, so tfjs-backend-cpu's kernels read it alike.
import {engine, KernelBackend} from '@tensorflow/tfjs-core';
import type {TensorData} from './tensor_data.js';

type Holder = Record<symbol, TensorData|undefined>;

export class TensorStorage {
  /** One symbol per storage: a dataId moving between two asc backends is in each under its own. */
  private readonly key = Symbol('asc tensor data');
  private count = 0;

  constructor(private readonly backend: KernelBackend) {}

  /** The entry of `dataId`; data on another backend are moved here first, as DataStorage does. */
  get(dataId: object): TensorData {
    let entry = (dataId as Holder)[this.key];
    if (entry == null) {
      engine().moveData(this.backend, dataId);
      entry = (dataId as Holder)[this.key];
      if (entry == null) throw new Error('asc backend: no data for this tensor (was it disposed?)');
    }
    return entry;
  }

  set(dataId: object, entry: TensorData): void {
    if ((dataId as Holder)[this.key] == null) this.count++;
    (dataId as Holder)[this.key] = entry;
  }

  /** The entry of `dataId` if this storage holds it (nothing is moved here). */
  find(dataId: object): TensorData|undefined {
    return (dataId as Holder)[this.key];
  }

  has(dataId: object): boolean {
    return (dataId as Holder)[this.key] != null;
  }

  delete(dataId: object): boolean {
    if ((dataId as Holder)[this.key] == null) return false;
    (dataId as Holder)[this.key] = undefined;
    this.count--;
    return true;
  }

  numDataIds(): number {
    return this.count;
  }
}
