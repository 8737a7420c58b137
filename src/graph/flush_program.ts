// A capture's flush made into a program (program.ts), for the drop-in path: when a flush reuses a
// kept fusion result (the next inference of the same model), its fused kernels' wasm work is
// logged, then recorded with every block in one arena, then repeated as steps: none of the
// kernels' JavaScript runs. The flush's inputs from outside (weights, the model's input, constants
// made per inference) are told apart by identity: what was the same tensor in the two replays that
// made the program (a weight) is read in place and must be the same tensor on every run; the rest
// is copied into the arena first. The outputs the caller holds are copied out of the arena into
// their tensors; which outputs those are must not change (else the flush runs as it is).
import type {TensorInfo} from '@tensorflow/tfjs-core';
import type {TensorData} from '../tensor_data.js';
import type {QueuedCall} from './fusion.js';
import {AllocationLog, MAX_FAILURES, Plan, ProgramHost, record, Recorded, runSteps, watch} from './program.js';

interface FlushSteps extends Recorded {
  /** Per input from outside: the tensor (a weight, read in place), or null (copied into its slot). */
  weights: Array<object|null>;
  /** Per output of the calls: whether the caller holds it (then it is copied out of the arena). */
  held: boolean[];
}

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

  /** `maxBytes()`: the most bytes its arena may hold (else no program is made). */
  constructor(private readonly host: ProgramHost, private readonly maxBytes: () => number) {}

  /**
   * Runs the flush's fused `calls`: as the program (then returns true), or by `runCalls` (logged or
   * recorded on the way to one).
   */
  run(calls: QueuedCall[], runCalls: () => void): boolean {
    const {host} = this;
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
          this.runProgram(this.program, inputs, outputs);
        } finally {
          this.running = false;
        }
        return true;
      }
      this.dispose();
    }
    if (this.plan == null) this.log(inputs, outputs, held, runCalls);
    else this.record(inputs, outputs, held, runCalls);
    return false;
  }

  /** Its program, while there is one: `weights` are the tensors it reads in place (null: copied). */
  get steps(): {readonly weights: ReadonlyArray<object|null>}|null {
    return this.program;
  }

  /** Whether the program runs or is being made (not given up after MAX_FAILURES). */
  get viable(): boolean {
    return this.failures < MAX_FAILURES;
  }

  /** Bytes of the program's arena (0 while there is none). */
  get arenaBytes(): number {
    return this.program?.bytes ?? 0;
  }

  /** Frees the program's arena; the next flush logs anew. */
  dispose(): void {
    if (this.program != null) this.host.freeArena(this.program.arena);
    this.program = null;
    this.plan = null;
  }

  private fits(program: FlushSteps, inputs: TensorInfo[], held: boolean[]): boolean {
    return program.weightEpoch === this.host.weightEpoch && inputs.length === program.weights.length &&
      inputs.every((t, i) => program.weights[i] == null || program.weights[i] === t.dataId) &&
      held.length === program.held.length && held.every((h, i) => h === program.held[i]);
  }

  private runProgram(program: FlushSteps, inputs: TensorInfo[], outputs: TensorData[]): void {
    const {host} = this;
    runSteps(host, program, inputs);
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

  private record(inputs: TensorInfo[], outputs: TensorData[], held: boolean[], runCalls: () => void): void {
    const {host} = this;
    const plan = this.plan!;
    if (inputs.length !== this.loggedInputs.length) {
      this.fail();
      return runCalls();
    }
    // Inputs that are not the tensors they were when logged are copied into slots of the arena.
    const copied = inputs.map((t, i) => this.loggedInputs[i] !== t.dataId);
    const {recorded} = record(host, plan, inputs.map((t) => host.data.get(t.dataId)), copied, runCalls,
        () => outputs.filter((_, k) => held[k]));
    if (typeof recorded === 'string') return this.fail();
    this.program = {...recorded, weights: inputs.map((t, i) => (copied[i] ? null : t.dataId)), held};
  }
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

  constructor(private readonly host: ProgramHost) {}

  /**
   * Runs a flush's fused `calls` by the program of the flushes that reuse `template` (made for a
   * queue beginning with `source`, a call of a plan; see FlushProgram.run); then the least recently
   * used programs beyond MAX_PROGRAMS, or maxBytes of arenas, go. `ran`: it ran as the program;
   * `viable`: that program runs or is being made.
   */
  run(template: object, source: object, calls: QueuedCall[], runCalls: () => void): {ran: boolean, viable: boolean} {
    let entry = this.kept.get(template);
    if (entry != null) this.kept.delete(template);
    else entry = {source, program: new FlushProgram(this.host, () => this.maxBytes)};
    this.kept.set(template, entry);
    const ran = entry.program.run(calls, runCalls);
    this.index(entry.program);
    let {bytes} = this;
    for (const [oldest, {program}] of this.kept) {
      if (this.kept.size <= MAX_PROGRAMS && bytes <= this.maxBytes) break;
      bytes -= program.arenaBytes;
      this.dispose(program);
      this.kept.delete(oldest);
    }
    return {ran, viable: entry.program.viable};
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

  /** Bytes of the programs' arenas. */
  get bytes(): number {
    let bytes = 0;
    for (const {program} of this.kept.values()) bytes += program.arenaBytes;
    return bytes;
  }

  /**
   * The memory is full: programs not running free their arenas (made anew on their next flushes),
   * and the programs' bytes are capped at half of what they held; whether any arena was freed.
   */
  release(): boolean {
    let freed = 0;
    for (const {program} of this.kept.values()) {
      if (program.running || program.arenaBytes === 0) continue;
      freed += program.arenaBytes;
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
