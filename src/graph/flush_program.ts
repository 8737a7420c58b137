// A capture's flush made into a program (program.ts), for the drop-in path: when a flush reuses a
// kept fusion result (the next inference of the same model), its fused kernels' wasm work is
// logged, then recorded with every block in one arena, then repeated as steps: none of the
// kernels' JavaScript runs. The flush's inputs from outside (weights, the model's input, constants
// made per inference) are told apart by identity: what was the same tensor in the two replays that
// made the program (a weight) is read in place and must be the same tensor on every run; the rest
// is copied into the arena first. The outputs the caller holds are copied out of the arena into
// their tensors; which outputs those are must not change (else the flush runs as it is).
// On two threads or more the program of a replay begins on a worker as soon as the replay has
// deferred the calls that take its copied inputs (the model's input: the first), while this thread
// is still in the engine's and the model's JavaScript; the flush then stops the worker after its
// step and, if the flush turns out to be the program's (the same fusion result, weights and held
// outputs, the same copied inputs: small ones, constants made per inference, compared by value),
// runs the steps after it; else all of them.
import type {TensorInfo} from '@tensorflow/tfjs-core';
import type {TensorData} from '../tensor_data.js';
import {encodeSteps} from '../threads/program_code.js';
import type {QueuedCall} from './fusion.js';
import {AllocationLog, MAX_FAILURES, Plan, ProgramHost, record, Recorded, runSteps, runStepsFrom, watch} from './program.js';

interface FlushSteps extends Recorded {
  /** Per input from outside: the tensor (a weight, read in place), or null (copied into its slot). */
  weights: Array<object|null>;
  /** Per output of the calls: whether the caller holds it (then it is copied out of the arena). */
  held: boolean[];
  /**
   * Per input copied into its slot: where the replay's queue first takes it (call, input key), or
   * null for a small one (a constant made per inference: its slot keeps the last, compared after).
   */
  sources: Array<{call: number, key: string}|null>;
  /** Deferred calls after which every input with a source is known (Infinity: one is not in the queue). */
  startAfter: number;
  /** The steps encoded in wasm memory for a worker to lead (made on the first start). */
  code: {ptr: number, bytes: number}|null;
}

/** Copied inputs up to this size are compared by value after a worker ran the program, not waited for. */
const SMALL_INPUT_BYTES = 256;

/** The calls' inputs from outside (no call of them made it), each once, in order. */
function inputsFromOutside(calls: QueuedCall[]): TensorInfo[] {
  const made = new Set<object>(), seen = new Set<object>();
  const outside: TensorInfo[] = [];
  for (const call of calls) {
    for (const key in call.inputs) {
      const t = call.inputs[key] as TensorInfo|undefined;
      if (t == null || made.has(t.dataId) || seen.has(t.dataId)) continue;
      seen.add(t.dataId);
      outside.push(t);
    }
    for (const t of call.outputs) made.add(t.dataId);
  }
  return outside;
}

export class FlushProgram {
  private plan: Plan|null = null;
  /** The inputs from outside when the blocks were logged (those the same when recorded are weights). */
  private loggedInputs: object[] = [];
  private program: FlushSteps|null = null;
  private failures = 0;
  /** Its steps are running (its arena is being read). */
  running = false;
  /** The data of the copied inputs a worker's run of it began with (null: a small input's last value). */
  private led: Array<object|null>|null = null;
  /** Whether a worker ran the first steps of the last run (lead). */
  ranLed = false;

  /** `maxBytes()`: the most bytes its arena may hold (else no program is made). */
  constructor(private readonly host: ProgramHost, private readonly maxBytes: () => number) {}

  /**
   * Runs the flush's fused `calls`: as the program (then returns true), or by `runCalls` (logged or
   * recorded on the way to one).
   */
  run(calls: QueuedCall[], runCalls: () => void, queue: readonly QueuedCall[]): boolean {
    const {host} = this;
    // A worker that began the program stops before anything here runs or frees; the steps it ran
    // hold if it ran them on the inputs this flush has (then this thread runs the rest).
    const reached = this.led != null ? host.leader.follow() : -1;
    const led = reached >= 0 ? this.led : null;
    this.led = null;
    this.ranLed = false;
    if (host.recorder != null || this.failures >= MAX_FAILURES) {
      runCalls();
      return false;
    }
    const inputs = inputsFromOutside(calls);
    const outputs = calls.flatMap((c) => c.outputs).map((t) => host.data.get(t.dataId));
    const held = outputs.map((e) => !e.buried);
    if (this.program != null) {
      if (this.fits(this.program, inputs, held)) {
        this.running = true;
        try {
          if (led != null && this.ledWith(this.program, led, inputs)) {
            runStepsFrom(host, this.program, reached);
            this.ranLed = reached > 0;
          } else {
            runSteps(host, this.program, inputs);
          }
          this.takeOutputs(this.program, outputs);
        } finally {
          this.running = false;
        }
        return true;
      }
      this.dispose();
    }
    if (this.plan == null) this.log(inputs, outputs, held, runCalls);
    else this.record(inputs, outputs, held, runCalls, queue);
    return false;
  }

  /** Deferred calls of a replay after which a worker can begin the program (Infinity: never). */
  get startAfter(): number {
    return this.program?.startAfter ?? Infinity;
  }

  /**
   * Has a worker begin the program on the copied inputs `queue` (the replay's deferred calls so far)
   * takes; whether one did. The flush that comes next stops it, finds out whether the steps it ran
   * hold, and runs the rest.
   */
  lead(queue: readonly QueuedCall[]): boolean {
    const {host, program} = this;
    if (program == null) return false;
    const ids = program.sources.map((source) => (source == null ? null : (queue[source.call].inputs[source.key] as TensorInfo).dataId));
    const entries = ids.map((id) => (id == null ? null : host.data.get(id)));
    // Data a deferred call still has to write (none, from outside a segment) would need a flush here.
    if (entries.some((entry) => entry != null && entry.producer != null)) return false;
    entries.forEach((entry, i) => {
      if (entry != null) host.copyBytes(program.slots[i], entry.ptr, entry.byteLength);
    });
    if (program.code == null) {
      const code = encodeSteps(program.steps, host.leader);
      program.code = {ptr: host.allocate(code.byteLength), bytes: code.byteLength};
      new Float64Array(host.wasmMemory.buffer, program.code.ptr, code.length).set(code);
    }
    if (!host.leader.lead(program.code.ptr, program.code.bytes / 8)) return false;
    this.led = ids;
    return true;
  }

  /** Whether a worker's run that began with copied inputs `led` ran the program on `inputs`. */
  private ledWith(program: FlushSteps, led: Array<object|null>, inputs: TensorInfo[]): boolean {
    return program.sources.every((source, i) => {
      if (program.slots[i] < 0) return true;
      if (source != null) return led[i] === inputs[i].dataId;
      const entry = this.host.data.get(inputs[i].dataId);
      const bytes = (at: number) => new Uint8Array(this.host.wasmMemory.buffer, at, entry.byteLength);
      const now = bytes(entry.ptr), last = bytes(program.slots[i]);
      return now.every((b, k) => b === last[k]);
    });
  }

  /** Its program, while there is one: `weights` are the tensors it reads in place (null: copied). */
  get steps(): {readonly weights: ReadonlyArray<object|null>}|null {
    return this.program;
  }

  /** Whether the program runs or is being made (not given up after MAX_FAILURES). */
  get viable(): boolean {
    return this.failures < MAX_FAILURES;
  }

  /** Bytes the program holds: its arena and its encoded steps (0 while there is none). */
  get bytes(): number {
    return (this.program?.bytes ?? 0) + (this.program?.code?.bytes ?? 0);
  }

  /** Whether a worker may be running its program (its arena is being read and written). */
  get leading(): boolean {
    return this.led != null;
  }

  /** The flush that would have found out ended otherwise: the worker is stopped, what it ran not used. */
  unlead(): void {
    if (this.led == null) return;
    this.host.leader.follow();
    this.led = null;
  }

  /** Frees the program's arena; the next flush logs anew. */
  dispose(): void {
    this.unlead();
    if (this.program?.code != null) this.host.release(this.program.code.ptr, this.program.code.bytes);
    if (this.program != null) this.host.freeArena(this.program.arena);
    this.program = null;
    this.plan = null;
  }

  private fits(program: FlushSteps, inputs: TensorInfo[], held: boolean[]): boolean {
    return program.weightEpoch === this.host.weightEpoch && inputs.length === program.weights.length &&
      inputs.every((t, i) => program.weights[i] == null || program.weights[i] === t.dataId) &&
      held.length === program.held.length && held.every((h, i) => h === program.held[i]);
  }

  /** Copies the outputs the caller holds out of the arena into their own blocks. */
  private takeOutputs(program: FlushSteps, outputs: TensorData[]): void {
    const {host} = this;
    let r = 0;
    outputs.forEach((entry, k) => {
      if (!program.held[k]) return;
      entry.address = host.allocate(entry.byteLength);
      host.copyBytes(entry.address, program.results[r++], entry.byteLength);
      entry.producer = null;
    });
  }

  private fail(): void {
    this.failures++;
    this.plan = null;
  }

  private log(inputs: TensorInfo[], outputs: TensorData[], held: boolean[], runCalls: () => void): void {
    const log = new AllocationLog();
    watch(this.host, log, runCalls);
    const plan = log.failure ?? log.plan(outputs.filter((_, k) => held[k]));
    if (typeof plan === 'string' || plan.bytes > this.maxBytes()) return this.fail();
    this.plan = plan;
    this.loggedInputs = inputs.map((t) => t.dataId);
  }

  private record(inputs: TensorInfo[], outputs: TensorData[], held: boolean[], runCalls: () => void,
      queue: readonly QueuedCall[]): void {
    const {host} = this;
    const plan = this.plan!;
    if (inputs.length !== this.loggedInputs.length) {
      this.fail();
      return runCalls();
    }
    // Inputs that are not the tensors they were when logged are copied into slots of the arena.
    const copied = inputs.map((t, i) => this.loggedInputs[i] !== t.dataId);
    const entries = inputs.map((t) => host.data.get(t.dataId));
    const {recorded} = record(host, plan, entries, copied, runCalls, () => outputs.filter((_, k) => held[k]));
    if (typeof recorded === 'string') return this.fail();
    const found = inputs.map((t, i) => (!copied[i] || entries[i].byteLength <= SMALL_INPUT_BYTES ? null :
      firstTaken(queue, t.dataId)));
    const startAfter = found.some((s) => s === undefined) ? Infinity : Math.max(1, ...found.map((s) => (s == null ? 0 : s.call + 1)));
    this.program = {...recorded, weights: inputs.map((t, i) => (copied[i] ? null : t.dataId)), held,
      sources: found.map((s) => s ?? null), startAfter, code: null};
  }
}

/** The first of `queue`'s calls that takes `dataId`, and as which input; undefined when none does. */
function firstTaken(queue: readonly QueuedCall[], dataId: object): {call: number, key: string}|undefined {
  for (let call = 0; call < queue.length; call++) {
    for (const key in queue[call].inputs) if ((queue[call].inputs[key] as TensorInfo|undefined)?.dataId === dataId) return {call, key};
  }
  return undefined;
}

/**
 * Flush programs kept, and the most bytes their arenas hold together (each holds a model's
 * intermediates between its inferences, where op by op frees them: the wasm memory has grown to
 * hold them either way). A mobile net's arena at 224² is 2-7 MiB; a flush whose arena alone would
 * be larger runs op by op (a model that large spends next to nothing in what a program saves).
 */
const MAX_PROGRAMS = 16;
const MAX_PROGRAM_BYTES = 32 << 20;

/** The programs of a capture's flushes, by the kept fusion result they reuse, least recently used first. */
export class FlushPrograms {
  private readonly kept = new Map<object, {source: object, program: FlushProgram}>();
  /** The programs made, by the tensors they read in place, and what each is filed under. */
  private readonly reading = new WeakMap<object, Set<FlushProgram>>();
  private readonly filed = new Map<FlushProgram, {steps: object, weights: object[]}>();
  /** The most bytes the arenas hold together (less after the memory was found full). */
  private maxBytes = MAX_PROGRAM_BYTES;
  /** The program each plan's last whole flush ran or was making, by the plan's first call. */
  private readonly latest = new WeakMap<object, FlushProgram>();
  /** The program to begin on a worker during this replay, and the one a worker began. */
  private armed: FlushProgram|null = null;
  private leading: FlushProgram|null = null;

  constructor(private readonly host: ProgramHost) {}

  /**
   * Runs a flush's fused `calls` by the program of the flushes that reuse `template` (made for a
   * queue beginning with `source`, a call of a plan; see FlushProgram.run); then the least recently
   * used programs beyond MAX_PROGRAMS, or maxBytes of arenas, go. `ran`: it ran as the program
   * (`led`: a worker's run of it that began during the replay, whose results held); `viable`: that
   * program runs or is being made.
   */
  run(template: object, source: object, calls: QueuedCall[], runCalls: () => void, queue: readonly QueuedCall[]):
      {ran: boolean, led: boolean, viable: boolean} {
    let entry = this.kept.get(template);
    if (entry != null) this.kept.delete(template);
    else entry = {source, program: new FlushProgram(this.host, () => this.maxBytes)};
    this.kept.set(template, entry);
    this.latest.set(source, entry.program);
    const ran = entry.program.run(calls, runCalls, queue);
    this.index(entry.program);
    let {bytes} = this;
    for (const [oldest, {program}] of this.kept) {
      if (this.kept.size <= MAX_PROGRAMS && bytes <= this.maxBytes) break;
      bytes -= program.bytes;
      this.dispose(program);
      this.kept.delete(oldest);
    }
    return {ran, led: entry.program.ranLed, viable: entry.program.viable};
  }

  /** A replay of the plan whose first call is `source` begins: its last flush's program may begin on a worker (lead). */
  arm(source: object): void {
    // A program given up or freed since has no steps (startAfter: Infinity).
    this.armed = this.latest.get(source) ?? null;
  }

  /** The replay deferred the calls `queue`: the armed program begins on a worker once its copied inputs are among them. */
  deferred(queue: readonly QueuedCall[]): void {
    if (this.armed == null || queue.length < this.armed.startAfter) return;
    this.leading = this.armed.lead(queue) ? this.armed : null;
    this.armed = null;
  }

  /** A flush ends: no program waits to begin; one a worker ran that the flush did not use is waited for. */
  settle(): void {
    this.armed = null;
    this.leading?.unlead();
    this.leading = null;
  }

  /** Files `program` under the tensors its program reads in place, anew when that program changed. */
  private index(program: FlushProgram): void {
    const {steps} = program;
    if (steps === (this.filed.get(program)?.steps ?? null)) return;
    this.unindex(program);
    if (steps == null) return;
    const weights = steps.weights.filter((w) => w != null) as object[];
    this.filed.set(program, {steps, weights});
    for (const weight of weights) {
      let readers = this.reading.get(weight);
      if (readers == null) this.reading.set(weight, readers = new Set());
      readers.add(program);
    }
  }

  private unindex(program: FlushProgram): void {
    for (const weight of this.filed.get(program)?.weights ?? []) this.reading.get(weight)?.delete(program);
    this.filed.delete(program);
  }

  private dispose(program: FlushProgram): void {
    this.unindex(program);
    program.dispose();
  }

  /** A tensor is disposed: the programs that read it in place free their arenas (their model is gone). */
  dropReading(weight: object): void {
    const readers = this.reading.get(weight);
    if (readers != null) for (const program of [...readers]) this.dispose(program);
  }

  /** Bytes the programs hold: arenas, encoded steps. */
  get bytes(): number {
    let bytes = 0;
    for (const {program} of this.kept.values()) bytes += program.bytes;
    return bytes;
  }

  /**
   * The memory is full: programs not running free their arenas (made anew on their next flushes),
   * and the programs' bytes are capped at half of what they held; whether any arena was freed.
   */
  release(): boolean {
    let freed = 0;
    for (const {program} of this.kept.values()) {
      if (program.running || program.leading || program.bytes === 0) continue;
      freed += program.bytes;
      this.dispose(program);
    }
    this.maxBytes = Math.min(this.maxBytes, freed >> 1);
    return freed > 0;
  }

  /** A plan (its calls) is forgotten: the programs of the flushes that replayed it go. */
  dropPlan(plan: readonly object[]): void {
    for (const [template, {source, program}] of this.kept) {
      if (!plan.includes(source)) continue;
      this.dispose(program);
      this.kept.delete(template);
    }
  }
}
