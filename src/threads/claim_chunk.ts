// How a thread of the pool picks its next chunk of a job (pool.ts): the calling thread calls it, and
// the workers run its source text (worker_main.ts, whose source cannot import).
/**
 * The next chunk thread `thread` of `threads` claims, -1 when none is left: its own run of the
 * chunks first, in order (from `from`, the one after its last), then the others' from the end.
 */
export function claimChunk(claims: Int32Array, thread: number, threads: number, chunks: number, from: number): number {
  const first = Math.floor(thread * chunks / threads), end = Math.floor((thread + 1) * chunks / threads);
  for (let c = Math.max(from, first); c < end; c++) if (Atomics.exchange(claims, c, 1) === 0) return c;
  for (let c = chunks - 1; c >= 0; c--) {
    if ((c < first || c >= end) && Atomics.exchange(claims, c, 1) === 0) return c;
  }
  return -1;
}
