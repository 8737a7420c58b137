// Running tfjs-backend-cpu's kernels on asc's data (kernels asc has no wasm kernel for, and wasm
// kernels' cold cases). A cpu kernel reads its inputs through views of wasm memory; the outputs it
// writes wait in JS until it returns and are then moved into wasm memory, so no allocation can grow
// memory (and detach those views) while it runs. Counted per kernel: calls and milliseconds; the
// flag ASC_LOG_JS_FALLBACK logs each kernel's first call.
import {backend_util, env, TypedArray, util} from '@tensorflow/tfjs-core';
import type {TensorData} from './tensor_data.js';

export interface JsFallbackEntry {
  kernel: string;
  calls: number;
  ms: number;
}

/** What the bridge needs of the backend. */
interface Storage {
  readonly wasmMemory: WebAssembly.Memory;
  allocate(bytes: number): number;
  view(entry: TensorData): TypedArray;
  disposeData(dataId: object, force?: boolean): boolean;
}

export class JsFallback {
  private readonly stats = new Map<string, {calls: number, ms: number}>();
  /** Depth of nested cpu kernel calls; while > 0, new tensor data wait in JS. */
  private depth = 0;
  private pending: Array<{dataId: object, entry: TensorData}> = [];

  constructor(private readonly storage: Storage) {}

  /** Runs cpu kernel `kernelName` (`kernel`), then moves the outputs it made into wasm memory. */
  run<T>(kernelName: string, kernel: () => T): T {
    const outermost = this.depth++ === 0;
    const started = outermost ? util.now() : 0;
    let ok = false;
    try {
      const result = kernel();
      ok = true;
      return result;
    } finally {
      if (--this.depth === 0) this.settle(ok);
      if (outermost) this.count(kernelName, util.now() - started);
    }
  }

  /** Inside a cpu kernel: keeps a new tensor's values in JS until the kernel returns (true); else false. */
  defer(dataId: object, entry: TensorData, values: backend_util.BackendValues): boolean {
    if (this.depth === 0) return false;
    entry.pending = values;
    this.pending.push({dataId, entry});
    return true;
  }

  private settle(ok: boolean): void {
    const pending = this.pending.filter(({entry}) => !entry.disposed);
    this.pending = [];
    let settled = false;
    try {
      if (!ok) return;
      // Outputs may be views of wasm memory (a cpu slice returns a subarray): copy them out first.
      for (const {entry} of pending) {
        const v = entry.pending as TypedArray;
        if (v.buffer === this.storage.wasmMemory.buffer) entry.pending = v.slice();
      }
      for (const {entry} of pending) {
        entry.ptr = this.storage.allocate(entry.byteLength);
        this.storage.view(entry).set(entry.pending as ArrayLike<number>);
        entry.pending = undefined;
      }
      settled = true;
    } finally {
      // A kernel that threw, or whose outputs did not fit, returns nothing: free what it made.
      if (!settled) for (const {dataId} of pending) this.storage.disposeData(dataId, true);
    }
  }

  private count(kernelName: string, ms: number): void {
    let stats = this.stats.get(kernelName);
    if (stats == null) {
      this.stats.set(kernelName, stats = {calls: 0, ms: 0});
      if (env().getBool('ASC_LOG_JS_FALLBACK')) {
        console.warn(`asc: kernel '${kernelName}' runs in JavaScript (tfjs-backend-cpu's implementation)`);
      }
    }
    stats.calls++;
    stats.ms += ms;
  }

  /** Per kernel, slowest first. */
  report(): JsFallbackEntry[] {
    return [...this.stats].map(([kernel, stats]) => ({kernel, ...stats})).sort((a, b) => b.ms - a.ms);
  }

  reset(): void {
    this.stats.clear();
  }

  dispose(): void {
    this.pending = [];
  }
}
