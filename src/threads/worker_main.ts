// The body of a kernel worker thread, turned into source text (the functions of claim_chunk.ts,
// job.ts and program_code.ts passed as arguments) so it needs no file of its own: Node runs it as
// an `eval` worker, browsers from a Blob URL. It must not reference anything outside itself. The
// pool (pool.ts) describes the control block's layout in the first message, with the module, the
// shared memory, the split kernels' names and the names of every export a program may call.
//
// Protocol (all fields Int32, atomic): GEN is odd while a job is open. A worker that sees a new odd
// GEN joins it (joinJob: ACTIVE + 1, GEN re-checked, chunks claimed and run, ACTIVE - 1).
// A new PROGRAM (GEN moved on by two with it) is taken by the first thread that sets TAKEN to it (a
// worker, or the calling thread once it needs the results, which then runs it all itself): a worker
// runs the program's encoded steps (leadProgram), opening the jobs itself, until STOP is set before
// a step; it sets REACHED to the steps it ran (-1: one failed), then DONE.
// A worker whose EPOCH is no longer current ends. An idle worker spins a while, then sleeps until
// GEN changes, unless HOT is set (a run of jobs is coming: it keeps spinning).

import {claimChunk} from './claim_chunk.js';
import {joinJob, leadJob} from './job.js';
import {leadProgram} from './program_code.js';

function workerMain(port: any, isNode: boolean, claimChunk: any, joinJob: any, leadJob: any, leadProgram: any): void {
  const onFirstMessage = (handler: (data: any) => void) => {
    if (isNode) port.once('message', handler);
    else port.onmessage = (event: MessageEvent) => handler(event.data);
  };
  onFirstMessage((init: any) => {
    const {module, memory, control, layout, names, calls, epoch, spins, thread} = init;
    const instance = new WebAssembly.Instance(module, {
      env: {
        memory,
        abort(_message: number, _file: number, line: number, column: number) {
          throw new Error(`asc kernel aborted at ${line}:${column}`);
        },
      },
    });
    const kernels = names.map((name: string) => instance.exports[name]);
    const callable = calls.map((name: string) => instance.exports[name]);
    const ctl = new Int32Array(memory.buffer, control, layout.ints);
    const block = {ctl, args: new Float64Array(memory.buffer, control + layout.argsOffset, layout.maxArgs),
      claims: new Int32Array(memory.buffer, control + layout.claimsOffset, layout.maxChunks), layout};
    const {GEN, EPOCH, READY, HOT, PROGRAM, TAKEN, DONE, CODE, WORDS, PROGRAM_THREADS, STOP, REACHED} = layout;
    const stop = () => Atomics.load(ctl, STOP) !== 0;
    if (Atomics.load(ctl, EPOCH) === epoch) Atomics.add(ctl, READY, 1);
    let seen = Atomics.load(ctl, GEN);
    for (;;) {
      let spin = 0;
      while (Atomics.load(ctl, GEN) === seen && Atomics.load(ctl, EPOCH) === epoch) {
        if (++spin > spins && Atomics.load(ctl, HOT) === 0) Atomics.wait(ctl, GEN, seen);
      }
      if (Atomics.load(ctl, EPOCH) !== epoch) break;
      const program = Atomics.load(ctl, PROGRAM);
      if (Atomics.load(ctl, TAKEN) !== program && Atomics.compareExchange(ctl, TAKEN, program - 1, program) === program - 1) {
        const code = new Float64Array(memory.buffer, ctl[CODE] >>> 0, ctl[WORDS]);
        Atomics.store(ctl, REACHED, leadProgram(code, memory, block, kernels, callable, thread, ctl[PROGRAM_THREADS], stop, leadJob,
          claimChunk));
        // All of it ran while the calling thread is still busy: the workers sleep after their spins
        // (spinning on, they would take the core V8's garbage collector wants meanwhile).
        if (!stop()) Atomics.store(ctl, HOT, 0);
        Atomics.store(ctl, DONE, program);
        seen = Atomics.load(ctl, GEN);
        continue;
      }
      const gen = Atomics.load(ctl, GEN);
      seen = gen;
      if ((gen & 1) !== 0) joinJob(block, kernels, thread, gen, claimChunk);
    }
    if (isNode) port.close();
    else (self as any).close();
  });
}

const helpers = `${claimChunk.toString()}, ${joinJob.toString()}, ${leadJob.toString()}, ${leadProgram.toString()}`;

/**
 * The worker's source for Node (an `eval` worker: a script or, when the process runs with
 * --input-type=module, a module; dynamic import works in both) and for browsers.
 */
export const nodeWorkerSource =
    `import('node:worker_threads').then(({parentPort}) => (${workerMain.toString()})(parentPort, true, ${helpers}));\n`;
export const browserWorkerSource = `(${workerMain.toString()})(self, false, ${helpers});\n`;
