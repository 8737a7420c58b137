// A pool of worker threads that run kernels on the backend's shared wasm memory. Each worker
// instantiates the same module on the same memory; a job is one kernel export, its arguments and a
// range of work units cut into chunks. Thread i (the calling thread is 0) owns the i-th run of
// chunks and claims those first, in order, then any left of the others' from their ends (so a slow
// or not yet started worker never holds a job up). Owning the same share of every job keeps a
// thread on the same part of the image from one kernel to the next, so what it wrote is still in
// its own core's cache when it reads it. Kernels write disjoint outputs per unit, so results do not
// depend on who ran which chunk. See worker_main.ts for the protocol.
import {importNodeModule, nodeProcess} from '../node_process.js';
import {claimChunk} from './claim_chunk.js';
import {JobBlock, joinJob, Kernel, leadJob} from './job.js';
import {browserWorkerSource, nodeWorkerSource} from './worker_main.js';

/**
 * Int32 indices of the control block's fields; the arguments follow as Float64 at argsOffset, then
 * one Int32 claim flag per chunk at claimsOffset. PROGRAM counts the programs the calling thread
 * asked a worker to lead (the one that takes it sets TAKEN to it; once STOP is set it stops before
 * its next step and sets REACHED to the steps it ran, -1 if one failed, then DONE to the program).
 */
const LAYOUT = {
  GEN: 0, THREADS: 1, ACTIVE: 2, CHUNKS: 3, CHUNK_UNITS: 4, UNITS: 5, KERNEL: 6, ARG_COUNT: 7, EPOCH: 8, FAILED: 9,
  READY: 10, HOT: 11, PROGRAM: 12, TAKEN: 13, DONE: 14, CODE: 15, WORDS: 16, PROGRAM_THREADS: 17, STOP: 18, REACHED: 19,
  ints: 32, argsOffset: 128, maxArgs: 32, claimsOffset: 128 + 32 * 8, maxChunks: 64,
};
export const CONTROL_BYTES = LAYOUT.claimsOffset + LAYOUT.maxChunks * 4;
/** Loads of the job word a worker spins through before it sleeps (a few tens of microseconds). */
const WORKER_SPINS = 20000;

/** What the pool needs of a worker, in Node and in browsers. */
interface WorkerHandle {
  postMessage(message: unknown): void;
  terminate(): void;
}
export type SpawnWorker = (onError: (message: string) => void) => WorkerHandle;

/** The part of Node's worker_threads.Worker used here (the package does not depend on @types/node). */
type NodeWorkerConstructor = new (source: string, options: {eval: boolean}) => WorkerHandle & {
  on(event: 'error', listener: (error: unknown) => void): void;
  unref(): void;
};

/**
 * How to start a worker here, or why threads are impossible. Node: worker_threads, running the
 * source with `eval` (unref'd, so an idle pool never keeps the process alive). Browsers: a Blob URL.
 */
export async function workerSpawner(): Promise<SpawnWorker|string> {
  if (typeof SharedArrayBuffer === 'undefined' || (globalThis as {crossOriginIsolated?: boolean}).crossOriginIsolated === false) {
    return 'SharedArrayBuffer is unavailable (a page must be cross-origin isolated: serve it with ' +
        'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (nodeProcess() != null) {
    const {Worker} = await importNodeModule<{Worker: NodeWorkerConstructor}>('node:worker_threads');
    return (onError) => {
      const worker = new Worker(nodeWorkerSource, {eval: true});
      worker.on('error', (e) => onError(String((e as Error)?.message ?? e)));
      worker.unref();
      return worker;
    };
  }
  if (typeof Worker === 'undefined') return 'this JavaScript environment has no Worker';
  const url = URL.createObjectURL(new Blob([browserWorkerSource], {type: 'text/javascript'}));
  return (onError) => {
    const worker = new Worker(url);
    worker.onerror = (e) => onError(e.message);
    return worker;
  };
}

/** Logical cores, as the platform reports them (1 when it does not say). */
export async function detectCores(): Promise<number> {
  const fromNavigator = (globalThis as {navigator?: {hardwareConcurrency?: number}}).navigator?.hardwareConcurrency;
  if (fromNavigator) return fromNavigator;
  if (nodeProcess() != null) {
    const os = await importNodeModule<{availableParallelism?: () => number, cpus: () => unknown[]}>('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return 1;
}

export class ThreadPool {
  private readonly ctl: Int32Array;
  private readonly block: JobBlock;
  private workers: WorkerHandle[] = [];
  /** The program a worker leads now (its PROGRAM count), or 0. */
  private leading = 0;
  /** Why the workers failed to start or run, if they did. */
  failure: string|null = null;

  constructor(
      private readonly module: WebAssembly.Module, private readonly memory: WebAssembly.Memory,
      private readonly control: number, private readonly names: readonly string[],
      private readonly kernels: readonly Kernel[], private readonly calls: readonly string[],
      private readonly spawn: SpawnWorker) {
    // Views of a shared memory stay valid when it grows.
    this.ctl = new Int32Array(memory.buffer, control, LAYOUT.ints);
    this.block = {ctl: this.ctl, args: new Float64Array(memory.buffer, control + LAYOUT.argsOffset, LAYOUT.maxArgs),
      claims: new Int32Array(memory.buffer, control + LAYOUT.claimsOffset, LAYOUT.maxChunks), layout: LAYOUT};
    this.ctl.fill(0);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Workers that have started and take part in jobs. */
  get ready(): number {
    return Atomics.load(this.ctl, LAYOUT.READY);
  }

  /**
   * Makes the pool `count` workers: the old ones (if the count changes) are told to end and new
   * ones start in the background; jobs run with whichever have started.
   */
  resize(count: number): void {
    if (count === this.workers.length) return;
    this.stopWorkers();
    const epoch = Atomics.load(this.ctl, LAYOUT.EPOCH);
    for (let i = 0; i < count; i++) {
      let worker: WorkerHandle;
      try {
        worker = this.spawn((message) => {
          this.failure = `a worker thread failed: ${message}`;
        });
      } catch (e) {
        // E.g. a Content-Security-Policy without worker-src blob:.
        this.failure = `a worker thread could not start: ${(e as Error)?.message ?? e}`;
        return;
      }
      worker.postMessage({
        module: this.module, memory: this.memory, control: this.control, layout: LAYOUT, names: this.names, calls: this.calls, epoch,
        spins: WORKER_SPINS, thread: i + 1,
      });
      this.workers.push(worker);
    }
  }

  /**
   * Runs kernel `kernel` (an index into `names`) on units [0, units) in chunks of chunkUnits (at
   * most maxChunks of them).
   */
  run(kernel: number, args: readonly number[], units: number, chunkUnits: number): void {
    const chunks = Math.ceil(units / chunkUnits);
    if (chunks > LAYOUT.maxChunks) throw new Error(`asc backend: internal error: ${chunks} chunks, at most ${LAYOUT.maxChunks}`);
    const error = leadJob(this.block, this.kernels, 0, this.workers.length + 1, kernel, args, units, chunkUnits, claimChunk);
    if (error != null) throw error;
    if (Atomics.load(this.ctl, LAYOUT.FAILED)) {
      throw new Error(`asc backend: kernel ${this.names[kernel]} failed on a worker thread`);
    }
  }

  /** Whether a worker can lead a program now: every worker has started. */
  get canLead(): boolean {
    return this.workers.length > 0 && this.ready === this.workers.length && this.failure == null;
  }

  /** Whether a worker leads a program (no job may be opened here until follow() returns). */
  get isLeading(): boolean {
    return this.leading !== 0;
  }

  /**
   * Asks the first worker free to run the encoded steps at `code` (`words` float64 words,
   * program_code.ts) as their leader, opening a job for each split kernel, until follow().
   */
  lead(code: number, words: number): void {
    const {ctl} = this;
    ctl[LAYOUT.CODE] = code;
    ctl[LAYOUT.WORDS] = words;
    ctl[LAYOUT.PROGRAM_THREADS] = this.workers.length + 1;
    Atomics.store(ctl, LAYOUT.STOP, 0);
    this.leading = Atomics.add(ctl, LAYOUT.PROGRAM, 1) + 1;
    this.hold(true);
    // GEN moves on, staying even (no job open): a sleeping worker wakes and finds the program.
    Atomics.add(ctl, LAYOUT.GEN, 2);
    Atomics.notify(ctl, LAYOUT.GEN);
  }

  /**
   * Stops the led program after the step its worker runs now, helping with that step's job; how
   * many steps the worker ran (0 if none took the program yet: then none will), -1 if one failed.
   * The caller runs the rest, as it would have (a worker the OS deschedules never holds it up for
   * longer than a step).
   */
  follow(): number {
    const {ctl} = this;
    const program = this.leading;
    this.leading = 0;
    if (Atomics.compareExchange(ctl, LAYOUT.TAKEN, program - 1, program) === program - 1) return 0;
    Atomics.store(ctl, LAYOUT.STOP, 1);
    let joined = -1;
    while (Atomics.load(ctl, LAYOUT.DONE) !== program) {
      const gen = Atomics.load(ctl, LAYOUT.GEN);
      if ((gen & 1) !== 0 && gen !== joined) {
        joined = gen;
        joinJob(this.block, this.kernels, 0, gen, claimChunk);
      }
    }
    return Atomics.load(ctl, LAYOUT.REACHED);
  }

  /**
   * While held, idle workers spin instead of sleeping, so a run of small jobs (a captured plan's
   * kernels) does not wake them one job at a time.
   */
  hold(on: boolean): void {
    Atomics.store(this.ctl, LAYOUT.HOT, on ? 1 : 0);
    if (on) Atomics.notify(this.ctl, LAYOUT.GEN);
  }

  /** Ends every worker, for good (no job may run after this). */
  dispose(): void {
    for (const worker of this.stopWorkers()) worker.terminate();
  }

  /**
   * Tells the workers to end and forgets them. They are not terminated here: one could be stopped
   * between joining a job and leaving it, and the next job would wait for it forever.
   */
  private stopWorkers(): WorkerHandle[] {
    if (this.workers.length === 0) return [];
    // Workers of an older epoch end when they next wake; a late one may still help with a job,
    // which is harmless.
    Atomics.add(this.ctl, LAYOUT.EPOCH, 1);
    Atomics.store(this.ctl, LAYOUT.READY, 0);
    Atomics.notify(this.ctl, LAYOUT.GEN);
    const stopped = this.workers;
    this.workers = [];
    return stopped;
  }
}
