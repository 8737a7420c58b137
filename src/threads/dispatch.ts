// Splitting a kernel's work across threads: how many threads run (the option, the flag ASC_THREADS,
// the cores), whether a job is worth splitting, into how many chunks, and the worker pool that
// runs them beside the calling thread.
import {env} from '@tensorflow/tfjs-core';
import type {KernelExports} from '../wasm_module.js';
import {PARALLEL_KERNELS, ParallelKernel} from './parallel_kernels.js';
import {SpawnWorker, ThreadPool} from './pool.js';
import type {StepLeader} from './program_code.js';

/** Work (in multiply-adds or bytes moved) below which a kernel runs on the calling thread alone, by default. */
export const MIN_PARALLEL_WORK = 200_000;
/** How long startThreads waits for the workers. */
const START_TIMEOUT_MS = 10_000;
/** Chunks per thread: enough to even out threads that start late or run slower. */
const CHUNKS_PER_THREAD = 4;
/**
 * A chunk's least work, in multiples of the split threshold: smaller chunks cost more in claiming
 * and in cache lines moving between cores than they even out (a 1x1 convolution of 1.8 M
 * multiply-adds ran 1.31x faster on two threads in two chunks, 1.13x in eight).
 */
const MIN_CHUNK_WORK = 4;
/** The most threads a backend uses. */
export const MAX_THREADS = 16;

const PARALLEL_INDEX = new Map<string, number>(PARALLEL_KERNELS.map((name, i) => [name, i]));

export interface DispatchSetup {
  wasm: KernelExports;
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  /** How to start a worker, or null where threads cannot run. */
  spawn: SpawnWorker|null;
  /** The pool's control block (CONTROL_BYTES of pool.ts) in `memory`, when `spawn` is given. */
  control: number;
  /** Logical cores, and why threads cannot run (when they cannot). */
  cores: number;
  threadsReason: string|null;
  /** A fixed thread count (0: one per core), or null to read the flag ASC_THREADS per kernel. */
  fixedThreads: number|null;
  minParallelWork: number;
}

export class ThreadDispatch implements StepLeader {
  /** Kernel runs split across threads so far. */
  parallelRuns = 0;
  /** Worker threads (started on the first job that is worth splitting), or null on one thread. */
  private pool: ThreadPool|null = null;
  private readonly fns: ((...args: number[]) => void)[];
  /** The module's functions a program may call directly, by name (workers get the same list). */
  private readonly calls: string[];
  private readonly callIndices: Map<string, number>;
  /** Steps of the last program a worker led that it ran (-1: one failed). */
  private led = 0;

  constructor(private readonly setup: DispatchSetup) {
    this.fns = PARALLEL_KERNELS.map((name) => setup.wasm[name] as unknown as (...args: number[]) => void);
    this.calls = Object.keys(setup.wasm).filter((name) => typeof setup.wasm[name as keyof KernelExports] === 'function').sort();
    this.callIndices = new Map(this.calls.map((name, i) => [name, i]));
  }

  /** Threads kernels run on: the fixed count, else the flag ASC_THREADS (0: one per core); 1 where threads cannot run. */
  get threads(): number {
    if (this.setup.spawn == null || this.pool?.failure != null) return 1;
    const requested = (this.setup.fixedThreads ?? env().getNumber('ASC_THREADS')) || this.setup.cores;
    return Math.max(1, Math.min(requested, MAX_THREADS));
  }

  /** Threads running now: the calling one and the workers that have started. */
  get threadsStarted(): number {
    return 1 + (this.pool?.ready ?? 0);
  }

  /** Why kernels run on one thread, when they must (no shared memory, or a worker failed). */
  get threadsReason(): string|null {
    return this.pool?.failure ?? this.setup.threadsReason;
  }

  /**
   * Runs `kernel` over `units` work units of about `unitWork` multiply-adds (or bytes) each, split
   * across the threads when the work is large enough; chunk boundaries are multiples of `align`.
   */
  parallel(kernel: ParallelKernel, args: number[], units: number, unitWork: number, align = 1): void {
    if (this.leading) this.follow();
    if (units <= 0) return;
    const chunkUnits = this.chunkUnits(units, unitWork, align);
    if (chunkUnits < units) {
      const pool = this.startPool(this.threads - 1);
      if (pool.ready > 0) {
        pool.run(PARALLEL_INDEX.get(kernel)!, args, units, chunkUnits);
        this.parallelRuns++;
        return;
      }
    }
    this.fns[PARALLEL_INDEX.get(kernel)!](...args, 0, units);
  }

  /** Units per chunk when `units` of `unitWork` each are split across the threads (`units`: not split). */
  chunkUnits(units: number, unitWork: number, align: number): number {
    const {minParallelWork} = this.setup;
    const work = units * unitWork;
    const threads = work >= minParallelWork && units > align ? this.threads : 1;
    if (threads <= 1) return units;
    // A multiple of the threads: 3 chunks on 2 threads left one thread two of them (14x14x48->288: 1.09x).
    const perThread = Math.min(CHUNKS_PER_THREAD, Math.max(1, Math.floor(work / (minParallelWork * MIN_CHUNK_WORK * threads))));
    const chunks = threads * perThread;
    return Math.ceil(Math.ceil(units / chunks) / align) * align;
  }

  parallelIndex(kernel: ParallelKernel): number {
    return PARALLEL_INDEX.get(kernel)!;
  }

  callIndex(name: string): number {
    return this.callIndices.get(name)!;
  }

  lead(code: number, words: number): boolean {
    if (this.threads <= 1 || !(this.pool?.canLead ?? false)) return false;
    this.pool!.lead(code, words);
    return true;
  }

  /** Whether a worker leads a program now (no kernel may run on this thread until follow()). */
  get leading(): boolean {
    return this.pool?.isLeading ?? false;
  }

  follow(): number {
    if (this.leading) this.led = this.pool!.follow();
    return this.led;
  }

  private startPool(workers: number): ThreadPool {
    const {module, memory, control, spawn} = this.setup;
    this.pool ??= new ThreadPool(module, memory, control, PARALLEL_KERNELS, this.fns, this.calls, spawn!);
    this.pool.resize(workers);
    return this.pool;
  }

  /**
   * Starts the worker threads now and resolves once all of them run, or one failed (then
   * `threadsReason` says why and kernels use one thread).
   */
  async startThreads(): Promise<void> {
    const threads = this.threads;
    if (threads <= 1) return;
    const pool = this.startPool(threads - 1);
    // Workers that never start (the page's policy may block them silently) are not waited for past
    // START_TIMEOUT_MS: kernels then run with those that did.
    const started = performance.now();
    while (pool.ready < pool.size && pool.failure == null && performance.now() - started < START_TIMEOUT_MS) {
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  /** Keeps idle workers spinning (on) through a run of small jobs, or lets them sleep again (off). */
  hold(on: boolean): void {
    this.pool?.hold(on);
  }

  /** Ends the worker threads. */
  dispose(): void {
    if (this.leading) this.follow();
    this.pool?.dispose();
    this.pool = null;
  }
}
