// A program's steps (graph/program.ts) as data: what the backend did to wasm memory while the
// program was recorded, each run again by the calling thread (AscBackend.runStep) or, encoded as
// numbers in wasm memory, by a worker that leads the program's first steps while the calling
// thread is still busy (graph/flush_program.ts: the drop-in path's next inference), until the
// calling thread takes over. `leadProgram` runs in the workers as source text (worker_main.ts), so
// it uses nothing but its arguments.
import type {DataType} from '@tensorflow/tfjs-core';
import type {ClaimChunk, JobBlock, Kernel, leadJob} from './job.js';
import type {ParallelKernel} from './parallel_kernels.js';

export type Step =
  /** A kernel split across threads (ThreadDispatch.parallel). */
  | {kind: 'parallel', kernel: ParallelKernel, args: number[], units: number, unitWork: number, align: number}
  /** A kernel export called directly. */
  | {kind: 'call', name: string, args: number[]}
  | {kind: 'ints', ptr: number, values: Int32Array}
  | {kind: 'zero', ptr: number, bytes: number}
  | {kind: 'fill', dtype: DataType, ptr: number, size: number, value: number}
  | {kind: 'copy', dst: number, src: number, bytes: number};

/** Codes of the encoded steps: each code, then its operands (see encodeSteps). */
const CODE = {parallel: 0, call: 1, ints: 2, zero: 3, fill: 4, copy: 5};
const FILL_TYPES: Partial<Record<DataType, number>> = {float32: 0, int32: 1, bool: 2};

/** How the encoder names kernels and splits them: indices into the workers' lists, chunk sizes. */
export interface StepCoding {
  parallelIndex(kernel: ParallelKernel): number;
  callIndex(name: string): number;
  /** Units per chunk of a job (`units` when it runs on one thread). */
  chunkUnits(units: number, unitWork: number, align: number): number;
}

/** What runs encoded steps on a worker: the backend's thread dispatch (dispatch.ts). */
export interface StepLeader extends StepCoding {
  /**
   * Has a worker run the encoded steps at `code` (`words` float64 words) while this thread goes on;
   * false where none can (then nothing started). Until follow() no kernel may run on this thread.
   */
  lead(code: number, words: number): boolean;
  /**
   * Stops the worker after the step it is running (helping with it), if one leads; how many steps
   * of the last program it ran, -1 if a kernel failed.
   */
  follow(): number;
}

/**
 * The steps as float64 words: parallel: kernel, argument count, arguments, units, chunk units;
 * call: export, argument count, arguments; ints: address, count, values; zero: address, bytes;
 * fill: type (0 float32, 1 int32, 2 bool), address, count, value; copy: destination, source, bytes.
 */
export function encodeSteps(steps: readonly Step[], coding: StepCoding): Float64Array {
  const words: number[] = [];
  for (const step of steps) {
    words.push(CODE[step.kind]);
    switch (step.kind) {
      case 'parallel':
        words.push(coding.parallelIndex(step.kernel), step.args.length, ...step.args, step.units,
            coding.chunkUnits(step.units, step.unitWork, step.align));
        break;
      case 'call':
        words.push(coding.callIndex(step.name), step.args.length, ...step.args);
        break;
      case 'ints':
        words.push(step.ptr, step.values.length, ...step.values);
        break;
      case 'zero':
        words.push(step.ptr, step.bytes);
        break;
      case 'fill':
        words.push(FILL_TYPES[step.dtype]!, step.ptr, step.size, step.value);
        break;
      case 'copy':
        words.push(step.dst, step.src, step.bytes);
        break;
    }
  }
  return Float64Array.from(words);
}

/**
 * Runs encoded steps `code` as thread `thread` of `threads`, opening a job for each split kernel
 * (the other threads join when they can), until they end or `stop()` says to before a step (not
 * one that follows a write of values); how many steps ran, -1 when a kernel failed (then the steps
 * after it do not run).
 */
export function leadProgram(code: Float64Array, memory: WebAssembly.Memory, block: JobBlock, kernels: readonly Kernel[],
    calls: readonly Kernel[], thread: number, threads: number, stop: () => boolean, lead: typeof leadJob,
    claimChunk: ClaimChunk): number {
  let p = 0, steps = 0;
  const operands = (n: number) => {
    const values = Array.from(code.subarray(p, p + n));
    p += n;
    return values;
  };
  try {
    // Never stops right after a write of values (the shared argument block's, read by the next
    // step): the steps after a stop must not depend on memory others may write meanwhile.
    for (let kind = -1; p < code.length && (kind === 2 || !stop()); steps++) {
      kind = code[p++];
      if (kind === 0) {
        const kernel = code[p++];
        const args = operands(code[p++]);
        const units = code[p++], chunkUnits = code[p++];
        if (chunkUnits >= units) {
          kernels[kernel](...args, 0, units);
        } else if (lead(block, kernels, thread, threads, kernel, args, units, chunkUnits, claimChunk) != null ||
            Atomics.load(block.ctl, block.layout.FAILED) !== 0) {
          return -1;
        }
      } else if (kind === 1) {
        const fn = code[p++];
        calls[fn](...operands(code[p++]));
      } else if (kind === 2) {
        const ptr = code[p++], count = code[p++];
        new Int32Array(memory.buffer, ptr, count).set(operands(count));
      } else if (kind === 3) {
        new Uint8Array(memory.buffer, code[p], code[p + 1]).fill(0);
        p += 2;
      } else if (kind === 4) {
        const type = code[p], ptr = code[p + 1], size = code[p + 2], value = code[p + 3];
        p += 4;
        (type === 0 ? new Float32Array(memory.buffer, ptr, size) : type === 1 ? new Int32Array(memory.buffer, ptr, size) :
            new Uint8Array(memory.buffer, ptr, size)).fill(value);
      } else {
        const dst = code[p], src = code[p + 1], bytes = code[p + 2];
        p += 3;
        new Uint8Array(memory.buffer).copyWithin(dst, src, src + bytes);
      }
    }
  } catch {
    return -1;
  }
  return steps;
}
