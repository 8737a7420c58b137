// One run of a compiled function (src/compile.ts) recorded call by call, and its replay. The trace keeps
// each kernel call with where every input comes from: an earlier call's output (by role), one of
// the function's inputs, a tensor that outlives the run (a weight, referenced) or a constant the run
// made from values (a scalar operand, copied). A replay feeds the calls straight to the capture:
// wasm kernels deferred (then fused and run at the read, as a replayed plan is), the others run at
// once. No tfjs-core op, no plan matching per call.
import {backend_util, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo, util} from '@tensorflow/tfjs-core';
import {ProgramHost, TraceProgram} from './program.js';
import {EXTERNAL, recordCall, RecordedCall, Roles} from './recorded_call.js';

/** Where a traced call's input comes from. */
type Source = {role: number}|{input: number}|{tensor: TensorInfo};

interface TracedCall {
  recorded: RecordedCall;
  kernel: KernelFunc;
  /** Per input of recorded.inputs (same order). */
  sources: Source[];
  /** The inputs are a list (Concat's, AddN's), not named. */
  listed: boolean;
}

/** What a trace needs of the backend. */
export interface TraceStorage extends ProgramHost {
  readonly data: ProgramHost['data'] & {find(id: object): {disposed: boolean, values: backend_util.BackendValues}|undefined};
  makeTensorInfo(shape: number[], dtype: TensorInfo['dtype'], values?: backend_util.BackendValues): TensorInfo;
  disposeData(dataId: object): boolean;
  incRef(dataId: object): void;
}

/** How a replay runs a call: deferred (the capture's queue) or at once. */
export interface TraceRunner {
  /** Whether wasm kernels can be deferred now (capture on, not paused or flushing). */
  readonly deferring: boolean;
  /** Whether the last flush of a queue that began with `recorded` fused any call away (null: not known). */
  fusedAny(recorded: RecordedCall): boolean|null;
  defer(recorded: RecordedCall, inputs: NamedTensorInfoMap, attrs: NamedAttrMap|undefined): TensorInfo|TensorInfo[];
  /** Runs what was deferred. */
  endSegment(): void;
}

export class Trace {
  private readonly calls: TracedCall[] = [];
  /** Data that calls of the run made (their fresh outputs), numbered. */
  private readonly roleOf = new Map<object, number>();
  private readonly roles: Roles = {
    of: (dataId) => this.roleOf.get(dataId) ?? EXTERNAL,
    give: (dataId) => void this.roleOf.set(dataId, this.roleOf.size),
  };
  /** Roles computed from the function's inputs (the others come from weights and constants alone). */
  private readonly fromInputs = new Set<number>();
  /** Data written from values during the run (constants): copied when a call reads them. */
  private readonly written = new Set<object>();
  /** Copies of those constants, owned by the trace. */
  private readonly constants = new Map<object, TensorInfo>();
  /** The tensors the calls read by reference (weights), each once: they must stay alive. */
  private readonly weights = new Map<object, TensorInfo>();
  /** Why the run cannot be replayed, if it cannot. */
  invalid: string|null = null;
  outputs: Source[] = [];
  outputShapes: Array<{shape: number[], dtype: TensorInfo['dtype']}> = [];
  /** The replay as a program (program.ts), made by the first replays. */
  program: TraceProgram|null = null;

  constructor(private readonly storage: TraceStorage, private readonly inputs: TensorInfo[]) {}

  /** Data the backend wrote from values during the run. */
  wrote(dataId: object): void {
    this.written.add(dataId);
  }

  /**
   * The run read `dataId`'s data (null: kernels were timed one by one). Reading a weight, a constant
   * or what the run computed from those alone is reading what every replay computes alike
   * (tfjs-converter reads its shape and axis tensors so); reading an input or what the run computed
   * from one makes the run depend on data.
   */
  read(dataId: object|null): void {
    if (dataId == null) {
      this.invalid ??= 'its kernels were timed one by one (tf.profile) while it ran';
      return;
    }
    const role = this.roleOf.get(dataId);
    if ((role != null && this.fromInputs.has(role)) || this.inputs.some((x) => x.dataId === dataId)) {
      this.invalid ??= 'it reads tensor data computed from its inputs while it runs';
    }
  }

  /** Runs a kernel call of the run and records it. */
  call(name: string, kernel: KernelFunc, wasmKernel: boolean, args: Parameters<KernelFunc>[0]): TensorInfo|TensorInfo[] {
    const sources: Source[] = [];
    for (const key in args.inputs) {
      const t = args.inputs[key];
      if (t == null) continue;
      if (Array.isArray(t)) this.invalid ??= `kernel ${name} takes a list of tensors as one input`;
      else sources.push(this.sourceOf(t));
    }
    const out = kernel(args);
    const firstRole = this.roleOf.size;
    this.calls.push({recorded: recordCall(name, args.inputs, args.attrs, out, wasmKernel, this.roles), kernel, sources,
      listed: Array.isArray(args.inputs)});
    if (sources.some((s) => 'input' in s || ('role' in s && this.fromInputs.has(s.role)))) {
      for (let role = firstRole; role < this.roleOf.size; role++) this.fromInputs.add(role);
    }
    return out;
  }

  private sourceOf(t: TensorInfo): Source {
    const role = this.roleOf.get(t.dataId);
    if (role != null) return {role};
    const input = this.inputs.findIndex((x) => x.dataId === t.dataId);
    if (input >= 0) return {input};
    if (!this.written.has(t.dataId)) {
      const weight = {dataId: t.dataId, shape: t.shape, dtype: t.dtype};
      if (!this.weights.has(t.dataId)) this.weights.set(t.dataId, weight);
      return {tensor: weight};
    }
    let copy = this.constants.get(t.dataId);
    if (copy == null) {
      // Written from values, so in storage now (a read would end the traced run's segment).
      copy = this.storage.makeTensorInfo(t.shape, t.dtype, this.storage.data.find(t.dataId)!.values.slice());
      this.constants.set(t.dataId, copy);
    }
    return {tensor: copy};
  }

  /** The run returned `results` (flattened). */
  finish(results: TensorInfo[]): void {
    this.outputs = results.map((t) => this.sourceOf(t));
    this.outputShapes = results.map(({shape, dtype}) => ({shape, dtype}));
    this.program = new TraceProgram(this.storage, this.outputs.map((s) => ('role' in s ? null : s)));
    for (const dataId of this.weights.keys()) {
      if (this.storage.data.find(dataId) == null) this.invalid ??= 'a tensor it reads was made during the run and disposed';
    }
  }

  /** Why the trace cannot replay now (a weight it reads was disposed), or null. */
  stale(): string|null {
    for (const dataId of this.weights.keys()) {
      if (this.storage.data.find(dataId)?.disposed !== false) return 'a tensor it reads was disposed';
    }
    return null;
  }

  /**
   * The results of the trace on `inputs`: its program's (program.ts), or a replay's with what it
   * deferred run at its end (a replay made into a program holds all its work, and defers every wasm
   * call: the fusions are the program's, the deferring's cost is paid once).
   */
  run(inputs: TensorInfo[], runner: TraceRunner): TensorInfo[]|null {
    return this.program!.run(inputs, (making) => {
      try {
        return this.replay(inputs, runner, making);
      } finally {
        runner.endSegment();
      }
    });
  }

  /**
   * Runs the traced calls on `inputs`; returns the results (each holding one reference), or null
   * when a call's outputs differ in shape from the trace's (data-dependent shapes: nothing is left
   * behind, the caller runs the function instead). `deferAll`: defer every wasm call the runner can.
   */
  private replay(inputs: TensorInfo[], runner: TraceRunner, deferAll = false): TensorInfo[]|null {
    const produced: TensorInfo[] = [];
    const roleOf = new Map<object, number>();
    // Every tensor info a call returned, each holding a reference this replay gives back at the end.
    const held: TensorInfo[] = [];
    const resolve = (s: Source, shape: number[], dtype: TensorInfo['dtype']): TensorInfo => ({
      dataId: 'role' in s ? produced[s.role].dataId : 'input' in s ? inputs[s.input].dataId : s.tensor.dataId, shape, dtype});
    // Deferred unless the last replay's flush fused nothing (then the calls run at once, faster).
    const first = this.calls.find((c) => c.recorded.deferrable);
    const defer = runner.deferring && first != null && (deferAll || runner.fusedAny(first.recorded) !== false);
    try {
      for (const {recorded, kernel, sources, listed} of this.calls) {
        const named = (listed ? [] : {}) as NamedTensorInfoMap;
        recorded.inputs.forEach((r, i) => named[r.key] = resolve(sources[i], r.shape, r.dtype));
        const out = recorded.deferrable && defer ? runner.defer(recorded, named, recorded.attrs) :
          kernel({inputs: named, attrs: recorded.attrs ?? {}, backend: this.storage as never});
        const outs = Array.isArray(out) ? out : [out];
        held.push(...outs);
        if (outs.length !== recorded.outputs.length ||
            outs.some((t, k) => !util.arraysEqual(t.shape, recorded.outputs[k].shape) || t.dtype !== recorded.outputs[k].dtype)) {
          return null;
        }
        for (const t of outs) {
          if (roleOf.has(t.dataId) || recorded.inputs.some((r) => named[r.key].dataId === t.dataId)) continue;
          roleOf.set(t.dataId, produced.length);
          produced.push(t);
        }
      }
      const results = this.outputs.map((s, k) => resolve(s, this.outputShapes[k].shape, this.outputShapes[k].dtype));
      for (const t of results) this.storage.incRef(t.dataId);
      return results;
    } finally {
      // Intermediates go (disposed before the flush, so the fusions may remove them).
      for (const t of held) this.storage.disposeData(t.dataId);
    }
  }

  /** Frees the constants the trace copied and its program's arena. */
  dispose(): void {
    this.program?.dispose();
    for (const copy of this.constants.values()) this.storage.disposeData(copy.dataId);
    this.constants.clear();
  }
}
