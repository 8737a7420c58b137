// Whole-graph capture, on the drop-in path. Every kernel call is recorded into a segment that a read
// (dataSync, data, the profiler's timing) ends; the segment is kept as a plan. When later calls
// repeat a plan (the next inference of the same model), the wasm kernels among them are deferred:
// the engine gets outputs whose shapes the plan knows, and the kernels run when something reads
// data, fused by the passes of fusion.ts wherever the tensors in between were disposed by then.
// A call that differs from the plan runs the deferred calls and goes on recording, so results never
// depend on the plan being right; only which kernels fuse does.
import {DataType, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo, util} from '@tensorflow/tfjs-core';
import type {Producer, TensorData} from '../tensor_data.js';
import {FoldedWeights, FoldStorage} from './folded_weights.js';
import {FusionCounts, noFusions, QueuedCall} from './fusion.js';
import {FlushPrograms} from './flush_program.js';
import {Graveyard} from './graveyard.js';
import {runQueuedCall} from './kernels.js';
import {FusionCache, SourcedCall} from './fusion_cache.js';
import type {ProgramHost} from './program.js';
import {assignRoles, EXTERNAL, planKey, recordCall, RecordedCall, repeats, Roles} from './recorded_call.js';
import type {Trace, TraceRunner} from './trace.js';

/** What the capture needs of the backend. */
export interface CaptureStorage extends FoldStorage, ProgramHost {
  readonly data: {get(id: object): TensorData, find(id: object): TensorData|undefined, delete(id: object): boolean};
  /** A new tensor whose data `producer` writes later. */
  writeDeferred(shape: number[], dtype: DataType, producer: Producer): object;
  allocate(bytes: number): number;
  copyBytes(dst: number, src: number, bytes: number): void;
  /** Keeps the worker threads spinning while the deferred calls run. */
  holdThreads(on: boolean): void;
  /** Frees a tensor's data for good (its storage entry, its memory, caches derived from it). */
  destroy(dataId: object, entry: TensorData): void;
  disposeData(dataId: object): boolean;
}

export interface CaptureReport {
  /** Segments kept as plans. */
  plansRecorded: number;
  /** Segments that began by repeating a plan. */
  replays: number;
  /** Calls deferred, and the deferred calls that ran after fusion. */
  deferredCalls: number;
  ranCalls: number;
  /** Replays left because a call differed from its plan. */
  divergences: number;
  /** Flushes that reused the fusion passes' result of an earlier flush of the same calls (fusion_cache.ts). */
  fusionReuses: number;
  /** Flushes run as a program (flush_program.ts); of them, those a worker ran while the calls were deferred. */
  programRuns: number;
  programsLed: number;
  /**
   * Segments run op by op, unrecorded: their plan fuses nothing and cannot run as a program, its
   * replays diverged three times in a row, or they begin as a stream of calls nobody read did.
   */
  bypassed: number;
  fusions: FusionCounts;
}

/**
 * Calls after which a segment with no read in between ends anyway, and is not kept: a stream of
 * calls whose results nobody reads is no inference to repeat (deferring each of its calls would
 * cost more than running it).
 */
const MAX_SEGMENT_CALLS = 4096;
const MAX_PLANS = 16;
/**
 * Segments that run op by op after a plan's replay fused nothing and cannot run as a program
 * (deferring would only cost its bookkeeping); then the plan is recorded and judged again (the
 * model may have changed).
 */
const IDLE_SEGMENTS = 64;
/** Replays of a plan that diverge in a row before its segments run op by op (IDLE_SEGMENTS of them). */
const DIVERGED_REPLAYS = 3;

/** Sets `key` in `map` as its newest entry; the oldest beyond MAX_PLANS go. */
function remember<T>(map: Map<string, T>, key: string, value: T): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_PLANS) map.delete(map.keys().next().value!);
}

export class Capture implements Producer, TraceRunner {
  private log: RecordedCall[] = [];
  private logKey = '';
  /** The segment's roles, stamped on the tensors' storage (TensorData.role, .roleSegment). */
  private segment = 0;
  private nextRole = 0;
  private readonly roles: Roles = {
    of: (dataId) => {
      const entry = this.storage.data.find(dataId);
      return entry?.roleSegment === this.segment ? entry.role : EXTERNAL;
    },
    give: (dataId) => {
      const entry = this.storage.data.get(dataId);
      entry.roleSegment = this.segment;
      entry.role = this.nextRole++;
    },
  };
  private replay: RecordedCall[]|null = null;
  private replayKey = '';
  private position = 0;
  private queue: SourcedCall[] = [];
  private readonly fusions = new FusionCache();
  /** Programs of flushes that reuse a kept fusion result (flush_program.ts). */
  readonly programs: FlushPrograms;
  /** Marks the data the queued calls read (TensorData.heldBy): kept, not freed, when disposed. */
  private generation = 0;
  /** Disposed data that deferred calls still read or write (graveyard.ts). */
  private readonly graveyard: Graveyard;
  private readonly plans = new Map<string, RecordedCall[]>();
  /**
   * First calls of segments that run op by op, unrecorded, when they start that way again, with the
   * segments left: streams of calls nobody reads (MAX_SEGMENT_CALLS with no read), and plans whose
   * replays diverged DIVERGED_REPLAYS times in a row (two segments that begin alike and take each
   * other's plan in turn: basic-pitch's).
   */
  private readonly streams = new Map<string, number>();
  /** Plan keys whose last replays diverged, with how many in a row. */
  private readonly diverged = new Map<string, number>();
  /** Plans whose last full replay fused nothing, with the segments left to run them op by op. */
  private readonly idle = new WeakMap<RecordedCall[], number>();
  /**
   * Plans whose whole replay kept a fusion result for the next to reuse, which runs as a program
   * then (flush_program.ts): worth deferring even when nothing fuses, all of the kernels'
   * JavaScript gone. A second replay that does not reuse it makes the plan idle.
   */
  private readonly awaitingReuse = new WeakSet<RecordedCall[]>();
  /** This segment runs op by op, unrecorded (its plan is idle). */
  private bypass = false;
  /** Whether a flush of this segment fused any call away. */
  private segmentFused = false;
  /** How the segment's whole-plan flush stands towards a program. */
  private segmentProgram: 'none'|'awaiting'|'made' = 'none';
  private flushing = false;
  private paused = 0;
  private stats = Capture.noStats();
  /** Convolution weights with batch norms folded in, per filter. */
  private readonly folded: FoldedWeights;
  /** Tensors disposed during a flush: what was made from them may still be read until it ends. */
  private toDrop: object[] = [];
  /** The compiled function's run being traced (compile.ts), if one is. */
  private tracer: Trace|null = null;

  constructor(private readonly storage: CaptureStorage, private readonly backend: unknown, readonly enabled: boolean) {
    this.folded = new FoldedWeights(storage);
    this.programs = new FlushPrograms(storage);
    this.graveyard = new Graveyard(storage);
  }

  /**
   * A tensor is being disposed: what was made from it goes (after the flush, if one runs): batch
   * norms folded into it, flush programs that read it in place (a disposed model's).
   */
  dropDerived(dataId: object): void {
    if (this.flushing) this.toDrop.push(dataId);
    else this.dropDerivedNow(dataId);
  }

  private dropDerivedNow(dataId: object): void {
    this.folded.drop(dataId);
    this.programs.dropReading(dataId);
  }

  /** Tensors in the backend's storage that are not the engine's: disposed ones kept, folded weights. */
  get uncounted(): number {
    return this.graveyard.count + this.folded.count;
  }

  private static noStats(): CaptureReport {
    return {plansRecorded: 0, replays: 0, deferredCalls: 0, ranCalls: 0, divergences: 0, fusionReuses: 0, programRuns: 0, programsLed: 0,
      bypassed: 0,
      fusions: noFusions()};
  }

  report(): CaptureReport {
    return {...this.stats, fusions: {...this.stats.fusions}};
  }

  resetReport(): void {
    this.stats = Capture.noStats();
  }

  /** Runs (or defers) kernel `name`; `wasmKernel`: one of asc's own, whose outputs depend on input shapes only. */
  call(name: string, kernel: KernelFunc, wasmKernel: boolean, args: Parameters<KernelFunc>[0]): TensorInfo|TensorInfo[] {
    if (this.tracer != null && !this.flushing && this.paused === 0) return this.tracer.call(name, kernel, wasmKernel, args);
    if (!this.enabled || this.flushing || this.paused > 0 || this.bypass) return kernel(args);
    const {inputs, attrs} = args;
    if (this.replay == null && this.log.length === 0) this.beginReplay(name, inputs, attrs);
    if (this.replay != null) {
      const recorded = this.replay[this.position];
      if (recorded != null && repeats(recorded, name, inputs, attrs, this.roles)) {
        this.position++;
        if (recorded.deferrable) return this.defer(recorded, inputs, attrs);
        const out = kernel(args);
        assignRoles(inputs, Array.isArray(out) ? out : [out], this.roles);
        return out;
      }
      this.leaveReplay();
    }
    const out = kernel(args);
    if (this.log.length === 0) this.logKey = planKey(name, inputs);
    this.log.push(recordCall(name, inputs, attrs, out, wasmKernel, this.roles));
    if (this.log.length >= MAX_SEGMENT_CALLS) {
      remember(this.streams, this.logKey, IDLE_SEGMENTS);
      this.endSegment(false);
    }
    return out;
  }

  private beginReplay(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap|undefined): void {
    const key = planKey(name, inputs);
    // Recording a stream costs more than a tiny kernel; it is looked at again now and then.
    if (this.bypassing(this.streams, key)) return;
    const plan = this.plans.get(key);
    if (plan == null || !repeats(plan[0], name, inputs, attrs, this.roles) || this.bypassing(this.idle, plan)) return;
    this.replay = plan;
    this.replayKey = key;
    this.position = 0;
    this.stats.replays++;
    this.programs.arm(plan[0]);
  }

  /**
   * Whether this segment runs op by op because `key` has segments left to bypass (one is used;
   * at none left the key is forgotten and the segment is recorded).
   */
  private bypassing<K>(left: {get(key: K): number|undefined, set(key: K, n: number): unknown, delete(key: K): boolean},
      key: K): boolean {
    const n = left.get(key);
    if (n == null) return false;
    if (n > 0) left.set(key, n - 1);
    else left.delete(key);
    this.bypass = n > 0;
    if (this.bypass) this.stats.bypassed++;
    return true;
  }

  /** A call differed from the plan: what was deferred runs, and the segment goes on as a recording. */
  private leaveReplay(): void {
    this.log = this.replay!.slice(0, this.position);
    this.logKey = this.replayKey;
    this.replay = null;
    this.stats.divergences++;
    const inARow = (this.diverged.get(this.logKey) ?? 0) + 1;
    if (inARow < DIVERGED_REPLAYS) remember(this.diverged, this.logKey, inARow);
    else remember(this.streams, this.logKey, IDLE_SEGMENTS);
    this.flush();
  }

  /** Whether a wasm kernel call can be deferred now. */
  get deferring(): boolean {
    return this.enabled && !this.flushing && this.paused === 0 && this.tracer == null;
  }

  /** Runs `run` as `trace`'s run: its kernel calls run at once, recorded into the trace; then ends the segment. */
  traceRun<T>(trace: Trace, run: () => T): T {
    this.endSegment();
    this.tracer = trace;
    try {
      return run();
    } finally {
      this.tracer = null;
      this.endSegment();
    }
  }

  /** The backend wrote data from values (a traced run's constants are copied). */
  wrote(dataId: object): void {
    this.tracer?.wrote(dataId);
  }

  /** Whether the last flush of a queue that began with `recorded` fused any call away (null: not known). */
  fusedAny(recorded: RecordedCall): boolean|null {
    return this.fusions.fusedAny(recorded);
  }

  /** Replays a trace on `inputs` (Trace.run), after what was deferred before. */
  replayTrace(trace: Trace, inputs: TensorInfo[]): TensorInfo[]|null {
    this.endSegment();
    return trace.run(inputs, this);
  }

  /** Defers a call that repeats `recorded`: outputs whose data the flush writes. */
  defer(recorded: RecordedCall, inputs: NamedTensorInfoMap, attrs: NamedAttrMap|undefined): TensorInfo|TensorInfo[] {
    const outputs = recorded.outputs.map(({shape, dtype}) =>
      ({dataId: this.storage.writeDeferred(shape, dtype, this), shape, dtype}));
    // The inputs as they are now (a variable's tensor changes its dataId when assigned), in the
    // record's key order (the fusion cache finds tensors by position); repeats() saw every one.
    const snapshot = (Array.isArray(inputs) ? [] : {}) as NamedTensorInfoMap;
    for (const {key} of recorded.inputs) {
      const t = inputs[key];
      snapshot[key] = {dataId: t.dataId, shape: t.shape, dtype: t.dtype};
      this.storage.data.get(t.dataId).heldBy = this.generation;
    }
    for (const t of outputs) this.roles.give(t.dataId);
    this.queue.push({name: recorded.name, inputs: snapshot, attrs, outputs, source: recorded});
    this.programs.deferred(this.queue);
    this.stats.deferredCalls++;
    return recorded.returnsArray ? outputs : outputs[0];
  }

  /** `dataId`'s data are read: a traced run notes it; what is deferred runs (endSegment). */
  read(dataId: object): void {
    this.tracer?.read(dataId);
    this.endSegment();
  }

  /** A read: runs what is deferred and ends the segment, keeping it as a plan when it has calls to defer. */
  endSegment(keep = true): void {
    if (!this.enabled || this.flushing) return;
    const complete = this.replay != null && this.position === this.replay.length;
    this.flush(complete);
    if (complete) this.diverged.delete(this.replayKey);
    if (complete && !this.segmentFused && !this.programmable(this.replay!)) this.idle.set(this.replay!, IDLE_SEGMENTS);
    if (this.replay != null && this.position < this.replay.length) this.leaveReplay();
    if (keep && this.replay == null && this.log.length >= 2 && this.log.some((c) => c.deferrable)) {
      this.dropPlan(this.logKey);
      this.plans.set(this.logKey, this.log);
      if (this.plans.size > MAX_PLANS) this.dropPlan(this.plans.keys().next().value!);
      this.stats.plansRecorded++;
    }
    this.log = [];
    this.segment++;
    this.nextRole = 0;
    this.replay = null;
    this.position = 0;
    this.bypass = false;
    this.segmentFused = false;
    this.segmentProgram = 'none';
  }

  /** Whether `plan`, replayed whole, runs as a program or is on the way to one. */
  private programmable(plan: RecordedCall[]): boolean {
    if (this.segmentProgram === 'made') return true;
    if (this.segmentProgram === 'none' || this.awaitingReuse.has(plan)) {
      this.awaitingReuse.delete(plan);
      return false;
    }
    this.awaitingReuse.add(plan);
    return true;
  }

  /** Runs `f` with every kernel running at once (the profiler times kernels one by one). */
  runUncaptured<T>(f: () => T): T {
    this.tracer?.read(null);
    this.endSegment();
    this.paused++;
    try {
      return f();
    } finally {
      this.paused--;
    }
  }

  /** Whether deferred calls read `dataId` (disposing it then only buries it). */
  holds(entry: TensorData): boolean {
    return !this.flushing && (entry.producer != null || entry.heldBy === this.generation);
  }

  /** Keeps a disposed tensor's data until the deferred calls that read or write it have run. */
  bury(dataId: object, entry: TensorData): void {
    this.graveyard.bury(dataId, entry);
  }

  /** Forgets a plan, and the programs of the flushes that replayed it (their arenas go). */
  private dropPlan(key: string): void {
    const plan = this.plans.get(key);
    if (plan == null) return;
    this.plans.delete(key);
    this.programs.dropPlan(plan);
  }

  /**
   * Runs the deferred calls, fused; returns whether any call was fused away. `wholePlan`: they are a
   * whole replay of a plan, ended by a read (an inference as the model repeats it): only such a flush
   * is made into a program (a flush a read elsewhere cut short is rarer, and its arena would come
   * whenever it happened a third time).
   */
  flush(wholePlan = false): boolean {
    if (this.flushing) throw new Error('asc backend: internal error: a deferred kernel read data no kernel had written yet');
    if (this.queue.length === 0) {
      this.programs.settle();
      return false;
    }
    const queue = this.queue;
    this.queue = [];
    this.generation++;
    this.flushing = true;
    try {
      const data = this.storage.data;
      const {calls, reused, kept} = this.fusions.fuse(queue, {
        dead: (id) => data.find(id)?.buried === true,
        scalar: (t) => this.scalar(t),
        materialized: (t) => data.find(t.dataId)?.producer === null,
        foldBatchNorm: (filter, bias, norm) => this.folded.get(filter, bias, norm),
      }, this.stats.fusions);
      this.storage.holdThreads(true);
      const runCalls = () => {
        const releases = this.graveyard.schedule(calls);
        calls.forEach((call, i) => {
          runQueuedCall(this.storage, this.backend, call);
          for (const [id, entry] of releases[i]) this.graveyard.release(id, entry);
        });
      };
      // A whole replay that reuses a kept fusion result runs as its program (flush_program.ts).
      if (reused == null || !wholePlan) {
        runCalls();
        if (wholePlan) this.segmentProgram = kept ? 'awaiting' : 'none';
      } else {
        const {ran, led, viable} = this.programs.run(reused, queue[0].source, calls, runCalls, queue);
        if (ran) this.stats.programRuns++;
        if (led) this.stats.programsLed++;
        this.segmentProgram = viable ? 'made' : 'none';
      }
      this.stats.ranCalls += calls.length;
      if (reused) this.stats.fusionReuses++;
      const fused = calls.length < queue.length;
      this.segmentFused ||= fused;
      return fused;
    } catch (e) {
      this.fail(queue, e);
      throw e;
    } finally {
      this.programs.settle();
      this.storage.holdThreads(false);
      this.graveyard.releaseAll();
      this.flushing = false;
      for (const id of this.toDrop) this.dropDerivedNow(id);
      this.toDrop = [];
    }
  }

  /** Marks the outputs of `queue` that no kernel wrote as failed with `error`. */
  private fail(queue: QueuedCall[], error: unknown): void {
    for (const call of queue) {
      for (const t of call.outputs) {
        const entry = this.storage.data.find(t.dataId);
        if (entry?.producer == null) continue;
        entry.producer = null;
        entry.failure = error;
      }
    }
  }

  private scalar(t: TensorInfo): number|null {
    if (t.dtype !== 'float32' || util.sizeFromShape(t.shape) !== 1) return null;
    const entry = this.storage.data.find(t.dataId);
    if (entry == null || entry.producer != null || entry.address === 0) return null;
    return new Float32Array(this.storage.wasmMemory.buffer, entry.address, 1)[0];
  }
}
