// A compiled function's replay made into a program: the wasm work of one replay (kernel calls, the
// few writes the host makes to wasm memory), recorded with every block it allocates at a planned
// offset of one arena, then run again as a list of steps: no tfjs op, no kernel's JavaScript, no
// fusion, no allocation but the results'. Made in two replays that are also real runs:
//   1. logged: which blocks the replay allocates, in order, and when each is freed; the offsets
//      come from their lifetimes (largest first, lowest offset free for the whole lifetime);
//   2. recorded: the same replay with each block at its offset in the arena and every step noted.
// Inputs are copied into the arena first (a caller's next input lies elsewhere); results are copied
// out of the arena into fresh tensors.
// Anything the host cannot repeat (a kernel in JavaScript, a read of data, weights packed or folded
// during the replay) leaves the replay unrecorded; it simply ran.
import {DataType, TensorInfo} from '@tensorflow/tfjs-core';
import type {TensorData} from '../tensor_data.js';
import type {Step, StepLeader} from '../threads/program_code.js';

/** Watches the host's work on wasm memory while a replay is logged or recorded. */
export interface ProgramRecorder {
  /** Where the next block goes (recording: in the arena), or undefined to allocate it as usual. */
  place(bytes: number): number|undefined;
  /** A block was allocated as usual. */
  allocated(ptr: number, bytes: number): void;
  /** A block is being freed. */
  released(ptr: number): void;
  /** The host did this to wasm memory (a kernel call, a write): the program does it again. */
  step(step: Step): void;
  /** The host did something a program cannot repeat. */
  abort(reason: string): void;
}

/** What programs need of the backend. */
export interface ProgramHost {
  recorder: ProgramRecorder|null;
  readonly data: {get(id: object): TensorData};
  allocate(bytes: number): number;
  release(ptr: number, bytes: number): void;
  /** An arena: a block whose own blocks are never freed one by one (release() leaves them). */
  allocateArena(bytes: number): number;
  freeArena(ptr: number): void;
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array): TensorInfo;
  incRef(dataId: object): void;
  copyBytes(dst: number, src: number, bytes: number): void;
  holdThreads(on: boolean): void;
  /** Changes whenever a block derived from weights (packed, folded) is dropped or replaced. */
  readonly weightEpoch: number;
  /** Does a program's step again. */
  runStep(step: Step): void;
  /** Runs encoded steps on a worker (program_code.ts). */
  readonly leader: StepLeader;
  readonly wasmMemory: WebAssembly.Memory;
}

/** Blocks start at multiples of a cache line (threads writing neighbouring blocks share none). */
const ALIGN = 64;
/** Replays that failed to become a program before the trace stops trying. */
export const MAX_FAILURES = 4;
/**
 * The most bytes an arena may hold: a program keeps its arena between runs, where op by op frees
 * the intermediates after each; a model this large spends next to nothing in the JavaScript a
 * program saves (the seed U-Net at 256² would keep 600 MB).
 */
const MAX_ARENA_BYTES = 64 << 20;

export const aligned = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN;

/** The blocks of a logged replay at their offsets, and which block each result is. */
export interface Plan {
  sizes: number[];
  /** Block k allocated (k) and freed (~k), in order: a recording must repeat it. */
  events: number[];
  offsets: number[];
  bytes: number;
  results: number[];
}

/** Replay 1: the blocks allocated, in order, with when each was allocated and freed. */
export class AllocationLog implements ProgramRecorder {
  readonly sizes: number[] = [];
  readonly born: number[] = [];
  readonly died: number[] = [];
  readonly events: number[] = [];
  /** Blocks of the log not yet freed, by address. */
  readonly live = new Map<number, number>();
  failure: string|null = null;

  place(): undefined {
    return undefined;
  }

  allocated(ptr: number, bytes: number): void {
    this.live.set(ptr, this.sizes.length);
    this.born.push(this.events.length);
    this.died.push(Infinity);
    this.events.push(this.sizes.length);
    this.sizes.push(bytes);
  }

  released(ptr: number): void {
    const k = this.live.get(ptr);
    if (k == null) return;
    this.died[k] = this.events.length;
    this.events.push(~k);
    this.live.delete(ptr);
  }

  step(): void {}

  abort(reason: string): void {
    this.failure ??= reason;
  }

  /**
   * Offsets for the blocks: largest first, each at the lowest offset where no block placed so far
   * that lives at the same time lies (XNNPACK's memory planner does the same). Results must be
   * blocks still live, and no other block may be.
   */
  plan(results: TensorData[]): Plan|string {
    const resultBlocks = results.map((e) => this.live.get(e.address));
    if (resultBlocks.some((k) => k == null)) return 'a result its kernels computed is in no block they allocated';
    if (this.live.size !== results.length) return 'a block it allocates outlives it';
    const order = this.sizes.map((_, k) => k).sort((a, b) => this.sizes[b] - this.sizes[a] || a - b);
    const offsets = new Array<number>(this.sizes.length).fill(0);
    const placed: number[] = [];
    let bytes = 0;
    for (const k of order) {
      const size = aligned(this.sizes[k]);
      const overlapping = placed.filter((j) => this.born[j] < this.died[k] && this.born[k] < this.died[j])
          .sort((a, b) => offsets[a] - offsets[b]);
      let offset = 0;
      for (const j of overlapping) {
        if (offset + size <= offsets[j]) break;
        offset = Math.max(offset, offsets[j] + aligned(this.sizes[j]));
      }
      offsets[k] = offset;
      placed.push(k);
      bytes = Math.max(bytes, offset + size);
    }
    if (bytes > MAX_ARENA_BYTES) return `its arena would hold ${bytes} bytes (more than ${MAX_ARENA_BYTES})`;
    return {sizes: this.sizes, events: this.events, offsets, bytes, results: resultBlocks as number[]};
  }
}

/**
 * Replay 2: every block at its planned place in the arena, every step noted. The blocks must come
 * and go as logged (then no two live blocks share a byte).
 */
export class Recording implements ProgramRecorder {
  readonly steps: Step[] = [];
  private next = 0;
  private event = 0;
  /**
   * Arena blocks not freed yet (planned indices), by address: more than one where the replay kept a
   * block past its logged end (then it is no program, and the arena is freed only once no block is left).
   */
  private readonly live = new Map<number, number[]>();
  failure: string|null = null;

  constructor(private readonly plan: Plan, private readonly arena: number) {}

  place(bytes: number): number|undefined {
    if (this.failure != null) return undefined;
    const k = this.next++;
    if (this.plan.sizes[k] !== bytes || this.plan.events[this.event++] !== k) {
      this.abort('it allocated other blocks than when logged');
      return undefined;
    }
    const ptr = this.arena + this.plan.offsets[k];
    const here = this.live.get(ptr);
    if (here == null) this.live.set(ptr, [k]);
    else here.push(k);
    return ptr;
  }

  allocated(): void {}

  released(ptr: number): void {
    const here = this.live.get(ptr);
    if (here == null) return;
    const k = here.pop()!;
    if (here.length === 0) this.live.delete(ptr);
    if (this.failure == null && this.plan.events[this.event++] !== ~k) this.abort('it freed blocks in another order than when logged');
  }

  step(step: Step): void {
    if (this.failure == null) this.steps.push(step);
  }

  abort(reason: string): void {
    this.failure ??= reason;
  }

  /** Whether every planned block came and went as logged, leaving the results' blocks alone. */
  complete(results: TensorData[]): boolean {
    if (this.event !== this.plan.events.length) this.abort('it allocated or freed fewer blocks than when logged');
    if (!this.onlyAt(results.map((e) => e.address))) this.abort('a block it allocates outlives it');
    return this.failure == null;
  }

  /** Whether the arena blocks still live are one at each of `addresses` (then they are the results'). */
  onlyAt(addresses: number[]): boolean {
    return this.live.size === addresses.length && addresses.every((at) => this.live.get(at)?.length === 1);
  }
}

/**
 * Where a result of the trace comes from when its kernels do not compute it: one of the inputs, or
 * a tensor that outlives the run (a weight); null for the results they compute.
 */
export type ExternalResult = {input: number}|{tensor: TensorInfo}|null;

/** What a recording made: the steps, the arena, where the inputs are copied and where the results lie. */
export interface Recorded {
  steps: Step[];
  arena: number;
  bytes: number;
  /** Per input: its slot in the arena, or -1 (read in place). */
  slots: number[];
  /** Per result's data: where it lies in the arena. */
  results: number[];
  weightEpoch: number;
}

/** Runs `run` with `recorder` watching the host's work on wasm memory. */
export function watch<T>(host: ProgramHost, recorder: ProgramRecorder, run: () => T): T {
  host.recorder = recorder;
  try {
    return run();
  } finally {
    host.recorder = null;
  }
}

/**
 * Replay 2 of either kind of program: the plan's blocks in a new arena, with a slot for each input
 * `copied` (read from there while `run` runs, copied there on every run), `run` watched by a
 * Recording; then the data `resultsOf` its value names (null: there are none to take) moved out of
 * the arena. A failure leaves the arena where a tensor may still hold a block of it (release()
 * leaves arena blocks alone).
 */
export function record<T>(host: ProgramHost, plan: Plan, inputs: TensorData[], copied: readonly boolean[], run: () => T,
    resultsOf: (value: T) => TensorData[]|null): {value: T, recorded: Recorded|string} {
  const bytes = inputs.reduce((sum, e, i) => sum + (copied[i] ? aligned(e.byteLength) : 0), plan.bytes);
  const arena = host.allocateArena(bytes);
  const weightEpoch = host.weightEpoch;
  let slotAt = arena + plan.bytes;
  const slots = inputs.map((e, i) => {
    if (!copied[i]) return -1;
    const slot = slotAt;
    slotAt += aligned(e.byteLength);
    return slot;
  });
  const saved = inputs.map((e) => e.ptr);
  inputs.forEach((e, i) => {
    if (slots[i] < 0) return;
    host.copyBytes(slots[i], saved[i], e.byteLength);
    e.address = slots[i];
  });
  const recording = new Recording(plan, arena);
  let value: T;
  try {
    value = watch(host, recording, run);
  } finally {
    inputs.forEach((e, i) => {
      // A disposed input the run freed (the graveyard's) freed its slot's address: free its own block.
      if (slots[i] >= 0 && e.disposed) host.release(saved[i], e.byteLength);
      else e.address = saved[i];
    });
  }
  const results = resultsOf(value);
  const complete = results != null && recording.complete(results) && weightEpoch === host.weightEpoch;
  // The results move out of the arena (their blocks' places are the program's copies' sources).
  const places = (results ?? []).map((e) => {
    const at = e.address;
    if (at >= arena && at < arena + bytes) {
      e.address = host.allocate(e.byteLength);
      host.copyBytes(e.address, at, e.byteLength);
    }
    return at;
  });
  if (!complete) {
    if (recording.onlyAt(places.filter((at) => at >= arena && at < arena + bytes))) host.freeArena(arena);
    return {value, recorded: recording.failure ?? (results == null ? 'its output shapes depend on data' :
      'weights it reads were packed or folded while it was recorded')};
  }
  return {value, recorded: {steps: recording.steps, arena, bytes, slots, results: places, weightEpoch}};
}

/** Runs a recorded program: its inputs copied into their slots, then its steps. */
export function runSteps(host: ProgramHost, program: Recorded, inputs: TensorInfo[]): void {
  program.slots.forEach((slot, i) => {
    if (slot < 0) return;
    const entry = host.data.get(inputs[i].dataId);
    host.copyBytes(slot, entry.ptr, entry.byteLength);
  });
  runStepsFrom(host, program, 0);
}

/** Runs a program's steps from step `first` on (those before ran already). */
export function runStepsFrom(host: ProgramHost, program: Recorded, first: number): void {
  host.holdThreads(true);
  try {
    for (let i = first; i < program.steps.length; i++) host.runStep(program.steps[i]);
  } finally {
    host.holdThreads(false);
  }
}

/** A ready trace program, and what its results are. */
interface Program extends Recorded {
  /** The data its kernels compute that it returns, each once. */
  computed: Array<{shape: number[], dtype: DataType, bytes: number}>;
  /** Per result: its index in `computed`, or -1 (an external result). */
  resultData: number[];
}

/** The program of one trace: how far it got, and the program once there is one. */
export class TraceProgram {
  private plan: Plan|null = null;
  private program: Program|null = null;
  private failures = 0;
  /** Program runs so far. */
  runs = 0;
  /** Why the last call did not run the program, or null when it did. */
  status: string|null = 'not run yet';

  constructor(private readonly host: ProgramHost, private readonly external: readonly ExternalResult[]) {}

  /** Bytes of the arena of the program (0 while there is none). */
  get arenaBytes(): number {
    return this.program?.bytes ?? 0;
  }

  /**
   * The results of a replay of the trace on `inputs`: the program's, or `replay`'s (logged or
   * recorded on the way to a program: then `making` is true). Null when `replay` returns null.
   */
  run(inputs: TensorInfo[], replay: (making: boolean) => TensorInfo[]|null): TensorInfo[]|null {
    if (this.host.recorder != null) return replay(false);
    const repacked = this.program != null && this.program.weightEpoch !== this.host.weightEpoch;
    if (this.program != null && !repacked) return this.runProgram(this.program, inputs);
    if (repacked) {
      // Weights it reads were packed or folded again: their blocks may lie elsewhere.
      this.drop();
      this.plan = null;
    }
    if (this.failures >= MAX_FAILURES) return replay(false);
    const results = this.plan == null ? this.log(replay) : this.record(inputs, replay);
    if (repacked) this.status = `weights it reads were packed or folded again; ${this.status}`;
    return results;
  }

  /** Frees the program's arena. */
  dispose(): void {
    this.drop();
    this.plan = null;
  }

  private drop(): void {
    if (this.program != null) this.host.freeArena(this.program.arena);
    this.program = null;
  }

  private fail(reason: string): void {
    this.failures++;
    this.status = `not a program: ${reason}`;
  }

  private runProgram(program: Program, inputs: TensorInfo[]): TensorInfo[] {
    const {host} = this;
    runSteps(host, program, inputs);
    this.runs++;
    this.status = null;
    const made = program.computed.map(({shape, dtype, bytes}, d) => {
      const t = host.makeTensorInfo(shape, dtype);
      host.copyBytes(host.data.get(t.dataId).ptr, program.results[d], bytes);
      return t;
    });
    // Each result holds a reference, as a replay's do.
    const given = made.map(() => false);
    return program.resultData.map((d, i) => {
      const from = d >= 0 ? made[d] : this.externalOf(i, inputs);
      if (d < 0 || given[d]) host.incRef(from.dataId);
      if (d >= 0) given[d] = true;
      return from;
    });
  }

  private externalOf(i: number, inputs: TensorInfo[]): TensorInfo {
    const source = this.external[i]!;
    const t = 'input' in source ? inputs[source.input] : source.tensor;
    return {dataId: t.dataId, shape: t.shape, dtype: t.dtype};
  }

  /** The results the kernels compute, as their data's entries, each once; and per result its index there (or -1). */
  private computedOf(results: TensorInfo[]): {entries: TensorData[], resultData: number[], infos: TensorInfo[]} {
    const entries: TensorData[] = [], infos: TensorInfo[] = [];
    const resultData = results.map((t, i) => {
      if (this.external[i] != null) return -1;
      const entry = this.host.data.get(t.dataId);
      let d = entries.indexOf(entry);
      if (d < 0) {
        d = entries.push(entry) - 1;
        infos.push(t);
      }
      return d;
    });
    return {entries, resultData, infos};
  }

  /** Replay 1: runs `replay` logging its blocks, and plans them. */
  private log(replay: (making: boolean) => TensorInfo[]|null): TensorInfo[]|null {
    const log = new AllocationLog();
    const results = watch(this.host, log, () => replay(true));
    if (results == null) return null;
    const plan = log.failure ?? log.plan(this.computedOf(results).entries);
    if (typeof plan === 'string') this.fail(plan);
    else {
      this.plan = plan;
      this.status = 'logged its blocks: the next call records the program';
    }
    return results;
  }

  /** Replay 2: runs `replay` with its blocks in a new arena (the inputs in slots), recording its steps. */
  private record(inputs: TensorInfo[], replay: (making: boolean) => TensorInfo[]|null): TensorInfo[]|null {
    const entries = inputs.map((t) => this.host.data.get(t.dataId));
    let computed: ReturnType<TraceProgram['computedOf']>|null = null;
    const {value: results, recorded} = record(this.host, this.plan!, entries, entries.map(() => true), () => replay(true),
        (values) => values == null ? null : (computed = this.computedOf(values)).entries);
    if (typeof recorded === 'string') {
      this.fail(recorded);
      this.plan = null;
      return results;
    }
    const {resultData, infos, entries: data} = computed!;
    this.program = {...recorded, resultData,
      computed: infos.map(({shape, dtype}, d) => ({shape, dtype, bytes: data[d].byteLength}))};
    this.status = 'recorded: the next call runs the program';
    return results;
  }
}
