// The body of a kernel worker thread, turned into source text (claim_chunk.ts's function passed as an
// argument) so it needs no file of its own: Node runs it as an `eval` worker, browsers from a Blob
// URL. It must not reference anything outside itself. The pool (pool.ts) describes the control
// block's layout in the first message, with the module, the shared memory and the kernels' names.
//
// Protocol (all fields Int32, atomic): GEN is odd while a job is open. A worker that sees a new odd
// GEN joins (ACTIVE + 1), re-checks GEN (the job may have closed meanwhile), then claims chunks
// (claimChunk: its own share first; a chunk's flag set by exchange) until none are left, runs each
// as kernel(...args, begin, end), and leaves (ACTIVE - 1).
// A worker whose EPOCH is no longer current ends. An idle worker spins a while, then sleeps until
// GEN changes, unless HOT is set (a run of jobs is coming: it keeps spinning).

import {claimChunk} from './claim_chunk.js';

type ClaimChunk = typeof claimChunk;

function workerMain(port: any, isNode: boolean, claimChunk: ClaimChunk): void {
  const onFirstMessage = (handler: (data: any) => void) => {
    if (isNode) port.once('message', handler);
    else port.onmessage = (event: MessageEvent) => handler(event.data);
  };
  onFirstMessage((init: any) => {
    const {module, memory, control, layout, names, epoch, spins, thread} = init;
    const instance = new WebAssembly.Instance(module, {
      env: {
        memory,
        abort(_message: number, _file: number, line: number, column: number) {
          throw new Error(`asc kernel aborted at ${line}:${column}`);
        },
      },
    });
    const kernels = names.map((name: string) => instance.exports[name]);
    const ctl = new Int32Array(memory.buffer, control, layout.ints);
    const args = new Float64Array(memory.buffer, control + layout.argsOffset, layout.maxArgs);
    const claims = new Int32Array(memory.buffer, control + layout.claimsOffset, layout.maxChunks);
    const {GEN, THREADS, ACTIVE, CHUNKS, CHUNK_UNITS, UNITS, KERNEL, ARG_COUNT, EPOCH, FAILED, READY, HOT} = layout;
    if (Atomics.load(ctl, EPOCH) === epoch) Atomics.add(ctl, READY, 1);
    let seen = Atomics.load(ctl, GEN);
    for (;;) {
      let spin = 0;
      while (Atomics.load(ctl, GEN) === seen && Atomics.load(ctl, EPOCH) === epoch) {
        if (++spin > spins && Atomics.load(ctl, HOT) === 0) Atomics.wait(ctl, GEN, seen);
      }
      if (Atomics.load(ctl, EPOCH) !== epoch) break;
      const gen = Atomics.load(ctl, GEN);
      seen = gen;
      if ((gen & 1) === 0) continue;
      Atomics.add(ctl, ACTIVE, 1);
      if (Atomics.load(ctl, GEN) === gen) {
        const kernel = kernels[ctl[KERNEL]];
        const callArgs = Array.from(args.subarray(0, ctl[ARG_COUNT]));
        const chunks = ctl[CHUNKS], chunkUnits = ctl[CHUNK_UNITS], units = ctl[UNITS], threads = ctl[THREADS];
        for (let c = claimChunk(claims, thread, threads, chunks, 0); c >= 0; c = claimChunk(claims, thread, threads, chunks, c + 1)) {
          try {
            kernel(...callArgs, c * chunkUnits, Math.min(units, (c + 1) * chunkUnits));
          } catch {
            Atomics.store(ctl, FAILED, 1);
          }
        }
      }
      Atomics.sub(ctl, ACTIVE, 1);
    }
    if (isNode) port.close();
    else (self as any).close();
  });
}

/**
 * The worker's source for Node (an `eval` worker: a script or, when the process runs with
 * --input-type=module, a module; dynamic import works in both) and for browsers.
 */
export const nodeWorkerSource =
    `import('node:worker_threads').then(({parentPort}) => (${workerMain.toString()})(parentPort, true, ${claimChunk.toString()}));\n`;
export const browserWorkerSource = `(${workerMain.toString()})(self, false, ${claimChunk.toString()});\n`;
