// One kernel job on the pool's control block (pool.ts): one thread opens it (the backend's calling
// thread, or a worker leading a program: program_code.ts), any other joins it. The calling thread
// runs these functions, and the workers run their source text (worker_main.ts, whose source cannot
// import), so they use nothing but their arguments and the language's globals.

/** The control block's views and the layout of its fields (pool.ts LAYOUT). */
export interface JobBlock {
  ctl: Int32Array;
  args: Float64Array;
  claims: Int32Array;
  layout: {GEN: number, THREADS: number, ACTIVE: number, CHUNKS: number, CHUNK_UNITS: number, UNITS: number, KERNEL: number,
    ARG_COUNT: number, FAILED: number};
}
export type Kernel = (...args: number[]) => void;
export type ClaimChunk = (claims: Int32Array, thread: number, threads: number, chunks: number, from: number) => number;

/**
 * Opens a job: kernel `kernel` of `kernels` on units [0, units) in chunks of chunkUnits, shared by
 * `threads` threads; runs chunks as thread `thread` until none are left, closes the job and waits
 * for the threads that joined. Returns what this thread's chunk threw (its other chunks are then
 * given up), or null; a chunk that failed on another thread sets FAILED.
 */
export function leadJob(block: JobBlock, kernels: readonly Kernel[], thread: number, threads: number, kernel: number,
    args: readonly number[], units: number, chunkUnits: number, claimChunk: ClaimChunk): unknown {
  const {ctl, claims, layout} = block;
  const chunks = Math.ceil(units / chunkUnits);
  claims.fill(0, 0, chunks);
  block.args.set(args);
  ctl[layout.KERNEL] = kernel;
  ctl[layout.ARG_COUNT] = args.length;
  ctl[layout.UNITS] = units;
  ctl[layout.CHUNK_UNITS] = chunkUnits;
  ctl[layout.CHUNKS] = chunks;
  ctl[layout.THREADS] = threads;
  Atomics.store(ctl, layout.FAILED, 0);
  Atomics.add(ctl, layout.GEN, 1); // odd: open
  Atomics.notify(ctl, layout.GEN);
  const fn = kernels[kernel];
  let error: unknown = null;
  try {
    for (let c = claimChunk(claims, thread, threads, chunks, 0); c >= 0; c = claimChunk(claims, thread, threads, chunks, c + 1)) {
      fn(...args, c * chunkUnits, Math.min(units, (c + 1) * chunkUnits));
    }
  } catch (e) {
    error = e;
    for (let c = 0; c < chunks; c++) Atomics.store(claims, c, 1);
  }
  Atomics.add(ctl, layout.GEN, 1); // even: closed; no thread joins any more
  while (Atomics.load(ctl, layout.ACTIVE) !== 0) {
    // The threads that joined finish their chunks (a browser's main thread may not Atomics.wait).
  }
  return error;
}

/** Joins job `gen` (an odd GEN) as thread `thread`, if it is still open: claims and runs chunks until none are left. */
export function joinJob(block: JobBlock, kernels: readonly Kernel[], thread: number, gen: number, claimChunk: ClaimChunk): void {
  const {ctl, args, claims, layout} = block;
  Atomics.add(ctl, layout.ACTIVE, 1);
  if (Atomics.load(ctl, layout.GEN) === gen) {
    const kernel = kernels[ctl[layout.KERNEL]];
    const callArgs = Array.from(args.subarray(0, ctl[layout.ARG_COUNT]));
    const chunks = ctl[layout.CHUNKS], chunkUnits = ctl[layout.CHUNK_UNITS], units = ctl[layout.UNITS], threads = ctl[layout.THREADS];
    for (let c = claimChunk(claims, thread, threads, chunks, 0); c >= 0; c = claimChunk(claims, thread, threads, chunks, c + 1)) {
      try {
        kernel(...callArgs, c * chunkUnits, Math.min(units, (c + 1) * chunkUnits));
      } catch {
        Atomics.store(ctl, layout.FAILED, 1);
      }
    }
  }
  Atomics.sub(ctl, layout.ACTIVE, 1);
}
