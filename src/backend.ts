// The `asc` backend: tensor data live in the kernel module's linear memory. It offers kernels
// generic services (wasm memory, scratch blocks, a cache of blocks derived from weight tensors,
// threads) and runs tfjs-backend-cpu's kernels on its data where it has no kernel of its own.
import {backend_util, BackendTimingInfo, buffer, DataType, engine, env, KernelBackend, Rank, ShapeMap, Tensor, TensorBuffer, TensorInfo, TypedArray, util} from '@tensorflow/tfjs-core';
import {AscBackendOptions, checkedOptions} from './backend_options.js';
import {AscFeatures, detectFeatures} from './features.js';
import {Capture} from './graph/capture.js';
import type {ProgramHost, ProgramRecorder} from './graph/program.js';
import {JsFallback, JsFallbackEntry} from './js_fallback.js';
import {elementBytes} from './kernels/dtypes.js';
import {nodeProcess} from './node_process.js';
import {MIN_PARALLEL_WORK, ThreadDispatch} from './threads/dispatch.js';
import type {ParallelKernel} from './threads/parallel_kernels.js';
import {CONTROL_BYTES, SpawnWorker} from './threads/pool.js';
import type {Step, StepLeader} from './threads/program_code.js';
import {Producer, TensorData} from './tensor_data.js';
import {TensorStorage} from './tensor_storage.js';
import {WeightCache} from './weight_cache.js';
import {WasmHeap} from './wasm_heap.js';
import {instantiateKernels, KernelExports} from './wasm_module.js';

type DataId = object;
type BackendValues = backend_util.BackendValues;

export interface AscMemoryInfo {
  unreliable: boolean;
  /** Bytes held in wasm memory: tensor data, packed weights, kernels' scratch, programs' arenas. */
  numBytesInWasm: number;
  /**
   * Of numBytesInWasm, the drop-in path's programs (docs/capture.md): their arenas and encoded
   * steps, kept between inferences, at most 32 MiB, freed when an allocation finds the memory full.
   */
  numBytesInPrograms: number;
  /** The most numBytesInWasm has been since the backend was created (or resetPeakMemory). */
  peakBytesInWasm: number;
  /** Current size of the wasm memory. */
  wasmMemoryBytes: number;
  /** The most the wasm memory may grow to. */
  wasmMemoryLimitBytes: number;
}

export class AscBackend extends KernelBackend implements ProgramHost {
  readonly data: TensorStorage;
  /** Read by tfjs-backend-cpu's BatchMatMul when it serves a cold path. */
  readonly blockSize = 48;
  /** The options the backend was created with (those not given come from the flags where they are read). */
  readonly options: Readonly<AscBackendOptions>;
  private nextDataId = 0;
  /** The wasm memory and kernels as kernels use them (wasm_heap.ts). */
  readonly heap: WasmHeap;
  /** Blocks derived from weight tensors (packed weights), per tensor, freed with it. */
  private readonly weightCache = new WeightCache(this, () => this.weightsChanged());
  /** Whether a float32 tensor is free of NaN and infinity, per tensor (tensor data never change). */
  private readonly finiteCache = new WeakMap<DataId, boolean>();
  /** Runs tfjs-backend-cpu's kernels on this backend's data. */
  private readonly jsFallback: JsFallback;
  private readonly dispatch: ThreadDispatch;
  /** Records kernel calls, defers repeats and runs them fused (src/graph/capture.ts). */
  readonly capture: Capture;
  /** Changes whenever a block derived from weights (packed, folded) is dropped or replaced. */
  weightEpoch = 0;

  constructor(
      kernels: KernelExports, readonly wasmMemory: WebAssembly.Memory, readonly memoryLimitBytes: number,
      readonly features: AscFeatures, module: WebAssembly.Module, spawn: SpawnWorker|null,
      options: AscBackendOptions = {}) {
    super();
    const {threads = null, minParallelWork = MIN_PARALLEL_WORK} = options;
    this.options = options;
    this.heap = new WasmHeap(kernels, wasmMemory, memoryLimitBytes);
    this.jsFallback = new JsFallback(this);
    this.data = new TensorStorage(this);
    this.capture = new Capture(this, this, options.capture ?? env().getBool('ASC_CAPTURE'));
    this.heap.relieve = () => this.capture.programs.release();
    this.dispatch = new ThreadDispatch({wasm: kernels, memory: wasmMemory, module, spawn, control: spawn ? this.allocate(CONTROL_BYTES) : 0,
      cores: features.cores, threadsReason: features.threadsReason, fixedThreads: threads, minParallelWork});
    this.heap.leader = this.dispatch;
  }

  /**
   * A backend with the best module this engine runs: relaxed SIMD where it validates (unless turned
   * off), on shared memory where worker threads can run. Options not given come from the flags.
   */
  static async create(options: AscBackendOptions = {}): Promise<AscBackend> {
    const {maxMemoryBytes, relaxedSimd, minParallelWork} = checkedOptions(options);
    const {features, spawn} = await detectFeatures(relaxedSimd);
    const {module, exports, memory, limitBytes} = await instantiateKernels(features.variant, maxMemoryBytes);
    const backend = new AscBackend(exports, memory, limitBytes, features, module, spawn,
        {...options, maxMemoryBytes, relaxedSimd, minParallelWork});
    // A browser starts a worker only once the page yields to its event loop, which inferences run back
    // to back never do: there the workers start before the backend is handed out (Node's start on the
    // first large kernel without a yield, keeping backend creation cheap for tfjs's op suite).
    if (spawn != null && nodeProcess() == null) await backend.startThreads();
    return backend;
  }

  /** The wasm kernels; while a program is recorded, calls to them are its steps (wasm_heap.ts). */
  get wasm(): KernelExports {
    return this.heap.calls;
  }

  /** Watches the wasm work while a compiled replay is made into a program (graph/program.ts). */
  get recorder(): ProgramRecorder|null {
    return this.heap.recorder;
  }

  set recorder(recorder: ProgramRecorder|null) {
    this.heap.recorder = recorder;
  }

  // ---- threads (threads/dispatch.ts) ----

  /** Threads kernels run on: the `threads` option, else the flag ASC_THREADS (0: one per core); 1 where threads cannot run. */
  get threads(): number {
    return this.dispatch.threads;
  }

  /** Threads running now: the calling one and the workers that have started. */
  get threadsStarted(): number {
    return this.dispatch.threadsStarted;
  }

  /** Why kernels run on one thread, when they must (no shared memory, or a worker failed). */
  get threadsReason(): string|null {
    return this.dispatch.threadsReason;
  }

  /** Kernel runs split across threads so far. */
  get parallelRuns(): number {
    return this.dispatch.parallelRuns;
  }

  /**
   * Runs `kernel` over `units` work units of about `unitWork` multiply-adds (or bytes) each, split
   * across the threads when the work is large enough; chunk boundaries are multiples of `align`.
   */
  parallel(kernel: ParallelKernel, args: number[], units: number, unitWork: number, align = 1): void {
    this.recorder?.step({kind: 'parallel', kernel, args: args.slice(), units, unitWork, align});
    this.dispatch.parallel(kernel, args, units, unitWork, align);
  }

  runStep(step: Step): void {
    if (step.kind === 'parallel') this.dispatch.parallel(step.kernel, step.args, step.units, step.unitWork, step.align);
    else this.heap.runStep(step);
  }

  /** Runs a program's encoded steps on a worker (graph/flush_program.ts). */
  get leader(): StepLeader {
    return this.dispatch;
  }

  /** Keeps idle workers spinning through a run of kernels (a captured plan), or lets them sleep. */
  holdThreads(on: boolean): void {
    this.dispatch.hold(on);
  }

  /**
   * Starts the worker threads now and resolves once all of them run, or one failed (then
   * `threadsReason` says why and kernels use one thread). A browser's backend has done this when it
   * is created; in Node threads otherwise start on the first large kernel.
   */
  startThreads(): Promise<void> {
    return this.dispatch.startThreads();
  }

  // ---- wasm memory ----

  // The heap's services, as kernels call them (wasm_heap.ts).
  allocate(bytes: number): number {
    return this.heap.allocate(bytes);
  }

  release(ptr: number, bytes: number): void {
    this.heap.release(ptr, bytes);
  }

  allocateArena(bytes: number): number {
    return this.heap.allocateArena(bytes);
  }

  freeArena(ptr: number): void {
    this.heap.freeArena(ptr);
  }

  withScratch<T>(bytes: number, use: (ptr: number) => T): T {
    return this.heap.withScratch(bytes, use);
  }

  view(entry: TensorData): TypedArray {
    return this.heap.view(entry);
  }

  args(values: ArrayLike<number>): number {
    return this.heap.args(values);
  }

  writeInts(ptr: number, values: ArrayLike<number>): void {
    this.heap.writeInts(ptr, values);
  }

  zero(ptr: number, bytes: number): void {
    this.heap.zero(ptr, bytes);
  }

  fill(info: TensorInfo, value: number): void {
    this.heap.fill(this.data.get(info.dataId), value);
  }

  copyBytes(dst: number, src: number, bytes: number): void {
    this.heap.copyBytes(dst, src, bytes);
  }

  /** Blocks derived from weights were dropped (programs that read them must go). */
  weightsChanged(): void {
    this.weightEpoch++;
  }

  /** A block derived from `weights` (packed for a kernel), kept until `weights` is disposed (weight_cache.ts). */
  cachedWeights(weights: TensorInfo, kind: string, bias: TensorInfo|undefined,
      prepare: () => {bytes: number, fill: (ptr: number) => void}): number {
    return this.weightCache.get(weights, kind, bias, () => {
      this.recorder?.abort('it packed weights');
      return prepare();
    });
  }

  /**
   * Whether a float32 tensor holds no NaN and no infinity; computed once per tensor. The GEMM
   * kernels multiply padded taps by zero where tfjs-backend-cpu skips them: with a non-finite
   * weight that would be NaN where cpu has a number, so such weights take cpu's kernel.
   */
  allFinite(info: TensorInfo): boolean {
    let finite = this.finiteCache.get(info.dataId);
    if (finite == null) {
      finite = Boolean(this.heap.kernels.allFinite(this.ptr(info), util.sizeFromShape(info.shape)));
      this.finiteCache.set(info.dataId, finite);
    }
    return finite;
  }

  // ---- tensor storage ----

  private createEntry(
      dataId: DataId, values: BackendValues|null|undefined, shape: number[], dtype: DataType, refCount: number): TensorData {
    const size = util.sizeFromShape(shape);
    const entry = new TensorData(this, dtype, size, refCount);
    if (dtype === 'string') {
      entry.pending = values ?? [];
    } else if (dtype === 'complex64') {
      if (values != null) {
        const {real, imag} = backend_util.splitRealAndImagArrays(values as Float32Array);
        entry.complexTensorInfos = {
          real: this.makeTensorInfo(shape, 'float32', real),
          imag: this.makeTensorInfo(shape, 'float32', imag),
        };
      }
    } else if (elementBytes(dtype) === 0) {
      throw new Error(`asc backend: unsupported dtype '${dtype}'`);
    } else if (values != null && this.jsFallback.defer(dataId, entry, values)) {
      // Inside a cpu kernel: the values wait in JS until it returns.
    } else {
      entry.ptr = this.allocate(entry.byteLength);
      if (values != null) this.view(entry).set(values as ArrayLike<number>);
    }
    return entry;
  }

  override write(values: BackendValues|null, shape: number[], dtype: DataType): DataId {
    const dataId = {id: this.nextDataId++};
    this.data.set(dataId, this.createEntry(dataId, values, shape, dtype, 1));
    if (values != null) this.capture.wrote(dataId);
    return dataId;
  }

  /** A tensor whose data a deferred kernel writes later (`producer` runs it when they are read). */
  writeDeferred(shape: number[], dtype: DataType, producer: Producer): DataId {
    const dataId = {id: this.nextDataId++};
    const entry = new TensorData(this, dtype, util.sizeFromShape(shape), 1);
    entry.producer = producer;
    this.data.set(dataId, entry);
    return dataId;
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    this.data.set(dataId, this.createEntry(dataId, values, shape, dtype, refCount));
  }

  makeTensorInfo(shape: number[], dtype: DataType, values?: BackendValues|string[]): TensorInfo {
    const encoded = dtype === 'string' && values != null && values.length > 0 && util.isString(values[0]) ?
        (values as string[]).map((s) => util.encodeString(s)) :
        values as BackendValues;
    return {dataId: this.write(encoded ?? null, shape, dtype), shape, dtype};
  }

  /** A fresh wasm-resident output for a kernel. */
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  /** tfjs-backend-cpu's form, used by its kernels: a Tensor holding `values`. */
  makeOutput<T extends Tensor>(values: BackendValues, shape: number[], dtype: DataType): T;
  makeOutput(a: number[]|BackendValues, b: number[]|DataType, c?: DataType): TensorInfo {
    if (c === undefined) return this.makeTensorInfo(a as number[], b as DataType);
    return engine().makeTensorFromTensorInfo(this.makeTensorInfo(b as number[], c, a as BackendValues), this);
  }

  /** Address of a tensor's data in wasm memory. */
  ptr(info: TensorInfo): number {
    return this.data.get(info.dataId).ptr;
  }

  override refCount(dataId: DataId): number {
    return this.data.find(dataId)?.refCount ?? 0;
  }

  override incRef(dataId: DataId): void {
    this.data.get(dataId).refCount++;
  }

  override numDataIds(): number {
    return this.data.numDataIds() - this.capture.uncounted;
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  override readSync(dataId: DataId): BackendValues {
    // A read ends an inference: what was deferred runs.
    this.capture.read(dataId);
    const entry = this.data.get(dataId);
    if (entry.dtype === 'complex64') {
      const {real, imag} = entry.complexTensorInfos!;
      return backend_util.mergeRealAndImagArrays(
          this.readSync(real.dataId) as Float32Array, this.readSync(imag.dataId) as Float32Array);
    }
    if (entry.dtype === 'string') return entry.pending!;
    // A copy: the caller may keep it, and a view would go stale when memory grows.
    return entry.pending ? util.toTypedArray(entry.pending, entry.dtype) : this.view(entry).slice();
  }

  bufferSync<R extends Rank, D extends DataType>(t: TensorInfo): TensorBuffer<R, D> {
    const data = this.readSync(t.dataId);
    if (t.dtype === 'string') {
      try {
        const strings = (data as Uint8Array[]).map((d) => util.decodeString(d));
        return buffer(t.shape as ShapeMap[R], t.dtype, strings) as TensorBuffer<R, D>;
      } catch {
        throw new Error('Failed to decode encoded string bytes into utf-8');
      }
    }
    return buffer(t.shape as ShapeMap[R], t.dtype, data as TypedArray) as TensorBuffer<R, D>;
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const entry = this.data.find(dataId);
    if (entry == null) return true;
    entry.refCount--;
    if (!force && entry.refCount > 0) return false;
    // Deferred kernels still read or write it: it stays in storage, uncounted, until they ran.
    if (this.capture.holds(entry)) this.capture.bury(dataId, entry);
    else this.destroy(dataId, entry);
    return true;
  }

  /** Frees a tensor's data for good: its storage entry, its memory and the blocks derived from it. */
  destroy(dataId: DataId, entry: TensorData): void {
    this.data.delete(dataId);
    if (entry.complexTensorInfos != null) {
      this.disposeData(entry.complexTensorInfos.real.dataId, true);
      this.disposeData(entry.complexTensorInfos.imag.dataId, true);
    }
    this.release(entry.address, entry.byteLength);
    this.weightCache.drop(dataId);
    this.capture.dropDerived(dataId);
    entry.address = 0;
    entry.producer = null;
    entry.disposed = true;
  }

  disposeIntermediateTensorInfo(info: TensorInfo): void {
    this.disposeData(info.dataId);
  }

  // ---- running tfjs-backend-cpu's kernels on wasm-resident data (js_fallback.ts) ----

  /**
   * Runs tfjs-backend-cpu's kernel `kernelName` on this backend's data; counted for
   * jsFallbackReport (the flag ASC_LOG_JS_FALLBACK logs each kernel's first call).
   */
  runCpuKernel<T>(kernelName: string, kernel: () => T): T {
    this.recorder?.abort(`kernel ${kernelName} ran in JavaScript`);
    return this.jsFallback.run(kernelName, kernel);
  }

  /**
   * The kernels that ran on tfjs-backend-cpu's JavaScript since the backend was created or the last
   * reset, slowest first: the long tail asc has no wasm kernel for, and wasm kernels' cold cases
   * (another dtype, a non-finite filter). Time includes moving their outputs into wasm memory.
   */
  jsFallbackReport(): JsFallbackEntry[] {
    return this.jsFallback.report();
  }

  resetJsFallbackReport(): void {
    this.jsFallback.reset();
  }

  // ---- the rest of KernelBackend ----

  override async time(f: () => void): Promise<BackendTimingInfo> {
    // The profiler times kernels one by one: none is deferred while it does.
    return this.capture.runUncaptured(() => {
      const start = util.now();
      f();
      return {kernelMs: util.now() - start};
    });
  }

  override memory(): AscMemoryInfo {
    return {
      unreliable: false,
      numBytesInWasm: this.heap.bytesInUse,
      numBytesInPrograms: this.capture.programs.bytes,
      peakBytesInWasm: this.heap.peakBytesInUse,
      wasmMemoryBytes: this.wasmMemory.buffer.byteLength,
      wasmMemoryLimitBytes: this.memoryLimitBytes,
    };
  }

  /** Starts peakBytesInWasm afresh from the bytes held now (to measure one inference's peak). */
  resetPeakMemory(): void {
    this.heap.peakBytesInUse = this.heap.bytesInUse;
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return super.epsilon();
  }

  override dispose(): void {
    // The memory goes with the instance; the worker threads end.
    this.jsFallback.dispose();
    this.dispatch.dispose();
  }
}
