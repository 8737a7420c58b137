// compile(fn): a function of tensors (a model's predict or execute) traced once per input shapes on
// an asc backend, then replayed from the trace (graph/trace.ts): the kernels it calls go straight to the
// capture, deferred, fused and run at the read, without the tfjs ops, the converter's or the
// layers' executor, or the capture's matching of each call. What the drop-in path does per call is
// what a compiled call skips.
import {engine, NamedTensorMap, Tensor, TensorInfo, tidy} from '@tensorflow/tfjs-core';
import {AscBackend} from './backend.js';
import {Trace} from './graph/trace.js';

/** What a compiled function may return: a tensor, a list of them or tensors by name. */
export type CompiledResult = Tensor|Tensor[]|NamedTensorMap;

export interface CompiledFunction<R extends CompiledResult> {
  (...inputs: Tensor[]): R;
  /**
   * Why the last call ran the function itself (to trace it, or because it cannot be replayed), or
   * null when it replayed a trace.
   */
  readonly lastRun: string|null;
  /**
   * Whether the last call ran its trace as a program (null), else why not: the first replays of a
   * trace make it into one (graph/program.ts), and some cannot be.
   */
  readonly lastProgram: string|null;
  /** Bytes of the arenas of the traces' programs (every intermediate of a run at a planned place). */
  readonly arenaBytes: number;
  /** Frees the traces (and the constants they copied). */
  dispose(): void;
}

/** Input shapes a compiled function keeps traces for (the oldest goes). */
const MAX_TRACES = 8;
const DATA_DEPENDENT_SHAPES = 'its kernels\' output shapes depend on data';

/** The results' form, to rebuild it from a flat list. */
type Form = {single: true}|{list: number}|{names: string[]};

interface Traced {
  trace: Trace|null;
  /** Why the function cannot be replayed for these inputs (it reads data, ...), when it cannot. */
  invalid: string|null;
  form: Form;
}

/**
 * Compiles `fn` (a function of tensors returning a tensor, a list or a map of them, run as in
 * `tf.tidy`) for the asc backend: its first call with given input shapes runs it op by op and
 * traces the kernels it calls; later calls with those shapes replay the trace. The tensors it reads
 * besides its inputs (the model's weights) must stay alive (a disposed one means a new trace);
 * tensors it makes from values (scalar operands, constants) are copied at the trace and stay fixed.
 * A function that reads data computed from its inputs while it runs, or whose kernels' output shapes
 * depend on data, runs uncompiled (`lastRun` says why). On another backend it runs as it is.
 */
export function compile<R extends CompiledResult>(fn: (...inputs: Tensor[]) => R): CompiledFunction<R> {
  let traced = new WeakMap<AscBackend, Map<string, Traced>>();
  /** Every trace kept, for dispose(). */
  const kept = new Set<Trace>();
  let lastRun: string|null = null;
  let lastProgram: string|null = 'not replayed';
  const drop = (trace: Trace|null) => {
    trace?.dispose();
    if (trace != null) kept.delete(trace);
  };
  const run = (...inputs: Tensor[]): R => {
    const backend = engine().backend;
    lastProgram = 'not replayed';
    if (!(backend instanceof AscBackend)) {
      lastRun = 'the active backend is not asc';
      return tidy(() => fn(...inputs));
    }
    let traces = traced.get(backend);
    if (traces == null) traced.set(backend, traces = new Map());
    const key = inputs.map((t) => `${t.dtype}[${t.shape}]`).join(' ');
    let entry = traces.get(key);
    const stale = entry?.trace?.stale();
    if (entry != null && stale != null) {
      drop(entry.trace);
      traces.delete(key);
      entry = undefined;
    }
    if (entry == null) {
      const made = traceRun(backend, fn, inputs);
      traces.set(key, made.entry);
      if (made.entry.trace != null) kept.add(made.entry.trace);
      if (traces.size > MAX_TRACES) {
        const oldest = traces.keys().next().value!;
        drop(traces.get(oldest)!.trace);
        traces.delete(oldest);
      }
      lastRun = made.entry.invalid ?? (stale != null ? `${stale}: traced again` : 'traced: the first call with these input shapes');
      return made.result;
    }
    if (entry.trace == null) {
      lastRun = entry.invalid;
      return tidy(() => fn(...inputs));
    }
    const results = backend.capture.replayTrace(entry.trace, inputs);
    lastProgram = entry.trace.program?.status ?? null;
    if (results == null) {
      drop(entry.trace);
      traces.set(key, {trace: null, invalid: DATA_DEPENDENT_SHAPES, form: entry.form});
      lastRun = DATA_DEPENDENT_SHAPES;
      return tidy(() => fn(...inputs));
    }
    lastRun = null;
    return rebuild(entry.form, results.map((t) => engine().makeTensorFromTensorInfo(t, backend)));
  };
  Object.defineProperty(run, 'lastRun', {get: () => lastRun});
  Object.defineProperty(run, 'lastProgram', {get: () => lastProgram});
  Object.defineProperty(run, 'arenaBytes', {get: () => [...kept].reduce((sum, t) => sum + (t.program?.arenaBytes ?? 0), 0)});
  return Object.assign(run, {
    dispose() {
      for (const trace of kept) trace.dispose();
      kept.clear();
      traced = new WeakMap();
    },
  }) as unknown as CompiledFunction<R>;
}

/** Runs `fn` once op by op, tracing it. */
function traceRun<R extends CompiledResult>(backend: AscBackend, fn: (...inputs: Tensor[]) => R, inputs: Tensor[]):
    {result: R, entry: Traced} {
  const trace = new Trace(backend, inputs);
  const result = backend.capture.traceRun(trace, () => tidy(() => fn(...inputs)));
  const flat = flatten(result);
  let invalid = flat == null ? 'it returns something other than tensors' : null;
  if (flat != null) trace.finish(flat.tensors);
  invalid ??= trace.invalid;
  if (invalid != null) trace.dispose();
  return {result, entry: {trace: invalid == null ? trace : null, invalid, form: flat?.form ?? {single: true}}};
}

function flatten(result: CompiledResult): {tensors: TensorInfo[], form: Form}|null {
  if (result instanceof Tensor) return {tensors: [result], form: {single: true}};
  if (Array.isArray(result)) return result.every((t) => t instanceof Tensor) ? {tensors: result, form: {list: result.length}} : null;
  if (result == null || typeof result !== 'object') return null;
  const names = Object.keys(result);
  return names.every((n) => result[n] instanceof Tensor) ? {tensors: names.map((n) => result[n]), form: {names}} : null;
}

function rebuild<R extends CompiledResult>(form: Form, tensors: Tensor[]): R {
  if ('single' in form) return tensors[0] as R;
  if ('list' in form) return tensors as R;
  return Object.fromEntries(form.names.map((n, i) => [n, tensors[i]])) as R;
}
