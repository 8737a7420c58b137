// The `asc` backend: tensor data live in the kernel module's linear memory.
import {backend_util, BackendTimingInfo, buffer, DataStorage, DataType, engine, env, KernelBackend, Rank, ShapeMap, Tensor, TensorBuffer, TensorInfo, TypedArray, util} from '@tensorflow/tfjs-core';
import {IGEMM_TILES} from './generated/igemm_tiles.js';
import {elementBytes} from './kernels/dtypes.js';
import {calibrateTiles, hostTiles, IgemmTileChoice, TileCalibration, tileIndex} from './kernels/igemm.js';
import type {ConvAlgorithm} from './kernels/winograd.js';
import {UNARY_FLOAT32_KERNELS} from './kernels/unary_ops.js';
import {nodeProcess} from './node_process.js';
import {CONTROL_BYTES, detectCores, SpawnWorker, ThreadPool, workerSpawner} from './threads/pool.js';
import {hasRelaxedSimd, instantiateKernels, KernelExports, KernelVariant, MAX_BLOCK_BYTES} from './wasm_module.js';

type DataId = object;
type BackendValues = backend_util.BackendValues;

/** One tensor's storage. Numeric data sit in wasm memory at `ptr`; strings stay in JS. */
export class TensorData {
  ptr = 0;
  /** Values not in wasm memory: strings, or the output of a cpu kernel until the kernel returns. */
  pending?: BackendValues;
  complexTensorInfos?: {real: TensorInfo, imag: TensorInfo};
  disposed = false;

  constructor(
      private readonly backend: AscBackend, readonly dtype: DataType, readonly size: number,
      public refCount: number) {}

  /**
   * The values as a typed array. For wasm-resident data this is a fresh view on every access: a
   * view kept across an allocation that grows memory would be detached.
   */
  get values(): BackendValues {
    return this.pending ?? this.backend.view(this);
  }

  get byteLength(): number {
    return this.size * elementBytes(this.dtype);
  }
}

/**
 * Which GEMM microkernel tile runs: 'auto' (the host flavor's tiles, x86's or ARM's, calibrated on
 * the first large GEMM), or a tile's name (IGEMM_TILES) to force it.
 */
export type IgemmTileName = 'auto'|string;

/** A weight tensor packed for a kernel; `kind` and `bias` say what it was packed for. */
interface PackedWeights {
  kind: string;
  bias: DataId|null;
  ptr: number;
  bytes: number;
}

export interface AscBackendOptions {
  /** The most bytes the wasm memory may grow to (default: the flag ASC_MAX_MEMORY_BYTES). */
  maxMemoryBytes?: number;
  /** Which GEMM microkernel tile runs (default: the flag ASC_IGEMM_TILE). */
  igemmTile?: IgemmTileName;
  /** Run the relaxed-SIMD module where the engine has it (default: the flag ASC_RELAXED_SIMD). */
  relaxedSimd?: boolean;
  /** A fixed thread count for this backend (0: one per core); default: the flag ASC_THREADS, read per kernel. */
  threads?: number;
  /**
   * Work (multiply-adds or bytes moved) below which a kernel runs on the calling thread alone
   * (default 200,000). 1 splits every kernel with more than one work unit (the fuzzer does).
   */
  minParallelWork?: number;
}

/** What the backend runs with, and why not more. */
export interface AscFeatures {
  /** The kernel module variant: plain or relaxed SIMD, on a private or shared memory. */
  variant: KernelVariant;
  relaxedSimd: boolean;
  /** Why relaxed SIMD is off, when it is. */
  relaxedSimdReason: string|null;
  /** Logical cores the platform reports. */
  cores: number;
  /** Whether worker threads can run here (shared memory and workers exist). */
  threadsSupported: boolean;
  /** Why the backend runs on one thread only, when it must. */
  threadsReason: string|null;
}

/**
 * Kernel exports that run on worker threads. Each takes its arguments, then (begin, end): the
 * range of its work units (rows, row tiles or elements) to compute; units write disjoint outputs.
 */
export const PARALLEL_KERNELS = [
  'igemm', 'maxPool', 'avgPool', 'resizeBilinear', 'resizeNearestNeighbor', 'concat', 'fusedBatchNorm', 'relu',
  'reluInt32', 'relu6', 'relu6Int32', 'applyActivation', 'binaryFloat32', 'binaryInt32', 'conv2dBackpropFilter',
  'depthwiseConv2dNative', 'transpose', 'slice4', 'stridedSlice4', 'tile4', 'addN', 'compare', 'select', 'softmax',
  'mirrorPad4', 'gemv', 'conv2dFewChannels', 'conv2dOneChannel', 'gather', 'winogradInput',
  'winogradProducts', 'winogradOutput', ...UNARY_FLOAT32_KERNELS,
] as const;
export type ParallelKernel = typeof PARALLEL_KERNELS[number];
const PARALLEL_INDEX = new Map<string, number>(PARALLEL_KERNELS.map((name, i) => [name, i]));

/** The calibrated igemm tile per module kind: the same engine and CPU for every backend of the process. */
const TILE_CALIBRATIONS = new Map<KernelVariant, TileCalibration>();

/** Work (in multiply-adds or bytes moved) below which a kernel runs on the calling thread alone, by default. */
const MIN_PARALLEL_WORK = 200_000;
/** How long startThreads waits for the workers. */
const START_TIMEOUT_MS = 10_000;
/** Chunks per thread: enough to even out threads that start late or run slower. */
const CHUNKS_PER_THREAD = 4;
/** The most threads a backend uses. */
export const MAX_THREADS = 16;

export interface AscMemoryInfo {
  unreliable: boolean;
  /** Bytes held in wasm memory: tensor data, packed weights, kernels' scratch. */
  numBytesInWasm: number;
  /** The most numBytesInWasm has been since the backend was created. */
  peakBytesInWasm: number;
  /** Current size of the wasm memory. */
  wasmMemoryBytes: number;
  /** The most the wasm memory may grow to. */
  wasmMemoryLimitBytes: number;
}

export class AscBackend extends KernelBackend {
  readonly data: DataStorage<TensorData>;
  /** Read by tfjs-backend-cpu's BatchMatMul when it serves a cold path. */
  readonly blockSize = 48;
  private nextDataId = 0;
  private bytesInUse = 0;
  private peakBytesInUse = 0;
  /** Depth of nested cpu kernel calls; while > 0, new tensor data wait in JS. */
  private cpuKernelDepth = 0;
  private pendingEntries: Array<{dataId: DataId, entry: TensorData}> = [];
  /** Weights packed for igemm, per weight tensor, freed with it. */
  private readonly packedCache = new Map<DataId, PackedWeights>();
  /** Whether a float32 tensor is free of NaN and infinity, per tensor (tensor data never change). */
  private readonly finiteCache = new WeakMap<DataId, boolean>();
  /** The algorithm each 3x3 filter's convolutions use, chosen at its first use (src/kernels/winograd.ts). */
  private readonly convAlgorithms = new WeakMap<DataId, ConvAlgorithm>();
  /** A small wasm block for passing shapes and pointer lists to kernels. */
  private readonly argsPtr: number;
  private static readonly ARGS_BYTES = 1024;

  /** The igemm microkernel tile that runs (an index of IGEMM_TILES); see igemmTileChoice. */
  igemmTile: number;
  /** Tiles still to calibrate among (more than one), or null once the tile is settled. */
  private igemmCandidates: number[]|null = null;
  private igemmHow: IgemmTileChoice['how'];

  /** Kernel runs split across threads so far. */
  parallelRuns = 0;
  /** Per kernel that ran on tfjs-backend-cpu's JavaScript: its calls and time (see fallbackReport). */
  private readonly fallbackStats = new Map<string, {calls: number, ms: number}>();
  /** Worker threads (started on the first job that is worth splitting), or null on one thread. */
  private pool: ThreadPool|null = null;
  private readonly controlPtr: number = 0;
  private readonly parallelFns: ((...args: number[]) => void)[];

  constructor(
      readonly wasm: KernelExports, readonly wasmMemory: WebAssembly.Memory, readonly memoryLimitBytes: number,
      igemmTile: IgemmTileName, readonly features: AscFeatures, private readonly module: WebAssembly.Module,
      private readonly spawn: SpawnWorker|null, private readonly fixedThreads: number|null = null,
      private readonly minParallelWork = MIN_PARALLEL_WORK) {
    super();
    if (igemmTile !== 'auto') {
      this.igemmTile = tileIndex(igemmTile);
      this.igemmHow = 'forced';
    } else {
      const candidates = hostTiles(this);
      const calibrated = TILE_CALIBRATIONS.get(features.variant);
      this.igemmTile = calibrated?.tile ?? candidates[0];
      this.igemmHow = calibrated ? 'calibrated' : candidates.length > 1 ? 'default until the first large GEMM' :
          'the only one for this host';
      if (!calibrated && candidates.length > 1) this.igemmCandidates = candidates;
    }
    this.data = new DataStorage(this, engine());
    this.argsPtr = this.allocate(AscBackend.ARGS_BYTES);
    this.parallelFns = PARALLEL_KERNELS.map((name) => wasm[name] as unknown as (...args: number[]) => void);
    if (spawn != null) this.controlPtr = this.allocate(CONTROL_BYTES);
  }

  /**
   * A backend with the best module this engine runs: relaxed SIMD where it validates (unless turned
   * off), on shared memory where worker threads can run. Options not given come from the flags.
   */
  static async create(options: AscBackendOptions = {}): Promise<AscBackend> {
    const {
      maxMemoryBytes = env().getNumber('ASC_MAX_MEMORY_BYTES'),
      igemmTile = env().get('ASC_IGEMM_TILE') as IgemmTileName,
      relaxedSimd: relaxedWanted = env().getBool('ASC_RELAXED_SIMD'),
      threads = null,
      minParallelWork = MIN_PARALLEL_WORK,
    } = options;
    if (threads != null && !(Number.isInteger(threads) && threads >= 0 && threads <= MAX_THREADS)) {
      throw new Error(`asc backend: threads must be an integer in [0, ${MAX_THREADS}] (0: one per core), got ${threads}`);
    }
    if (!(Number.isInteger(minParallelWork) && minParallelWork >= 1)) {
      throw new Error(`asc backend: minParallelWork must be a positive integer, got ${minParallelWork}`);
    }
    const relaxedSimd = relaxedWanted && hasRelaxedSimd();
    const relaxedSimdReason = relaxedSimd ? null :
        relaxedWanted ? 'this engine does not validate relaxed SIMD (Node 20 and 21 need the V8 flag --experimental-wasm-relaxed-simd)' :
                        'turned off (option relaxedSimd or flag ASC_RELAXED_SIMD)';
    const [spawner, cores] = await Promise.all([workerSpawner(), detectCores()]);
    const spawn = typeof spawner === 'string' ? null : spawner;
    const variant: KernelVariant = `${relaxedSimd ? 'relaxed' : 'simd'}${spawn ? '-shared' : ''}`;
    const {module, exports, memory, limitBytes} = await instantiateKernels(variant, maxMemoryBytes);
    const features: AscFeatures = {
      variant, relaxedSimd, relaxedSimdReason, cores, threadsSupported: spawn != null,
      threadsReason: typeof spawner === 'string' ? spawner : null,
    };
    const backend = new AscBackend(exports, memory, limitBytes, igemmTile, features, module, spawn, threads, minParallelWork);
    // A browser starts a worker only once the page yields to its event loop, which inferences run back
    // to back never do: there the workers start before the backend is handed out (Node's start on the
    // first large kernel without a yield, keeping backend creation cheap for tfjs's op suite).
    if (spawn != null && nodeProcess() == null) await backend.startThreads();
    return backend;
  }

  // ---- the GEMM tile ----

  /** Rows of C per igemm tile (the indirection tables' layout). */
  get igemmRows(): number {
    return this.wasm.igemmTileRows(this.igemmTile);
  }

  /** Which igemm tile runs and how it was chosen. */
  get igemmTileChoice(): IgemmTileChoice {
    const calibration = this.igemmHow === 'calibrated' ? TILE_CALIBRATIONS.get(this.features.variant)?.measured : undefined;
    return {tile: IGEMM_TILES[this.igemmTile].name, rows: this.igemmRows, how: this.igemmHow, ...(calibration ? {calibration} : {})};
  }

  /**
   * Calibrates the tile if it is still open (once per process and module kind: every later backend
   * starts with the result), before a large GEMM.
   */
  settleIgemmTile(): void {
    if (this.igemmCandidates == null) return;
    const calibration = TILE_CALIBRATIONS.get(this.features.variant) ?? calibrateTiles(this, this.igemmCandidates);
    TILE_CALIBRATIONS.set(this.features.variant, calibration);
    this.igemmTile = calibration.tile;
    this.igemmHow = 'calibrated';
    this.igemmCandidates = null;
  }

  // ---- threads ----

  /**
   * Threads kernels run on: the `threads` option, else the flag ASC_THREADS (0: one per core); 1
   * where threads cannot run.
   */
  get threads(): number {
    if (this.spawn == null || this.pool?.failure != null) return 1;
    const requested = (this.fixedThreads ?? env().getNumber('ASC_THREADS')) || this.features.cores;
    return Math.max(1, Math.min(requested, MAX_THREADS));
  }

  /** Threads running now: the calling one and the workers that have started. */
  get threadsStarted(): number {
    return 1 + (this.pool?.ready ?? 0);
  }

  /** Why kernels run on one thread, when they must (no shared memory, or a worker failed). */
  get threadsReason(): string|null {
    return this.pool?.failure ?? this.features.threadsReason;
  }

  /**
   * Runs `kernel` over `units` work units of about `unitWork` multiply-adds (or bytes) each, split
   * across the threads when the work is large enough; chunk boundaries are multiples of `align`.
   */
  parallel(kernel: ParallelKernel, args: number[], units: number, unitWork: number, align = 1): void {
    if (units <= 0) return;
    const work = units * unitWork;
    const threads = work >= this.minParallelWork && units > align ? this.threads : 1;
    if (threads > 1) {
      const pool = this.startPool(threads - 1);
      if (pool.ready > 0) {
        const chunks = Math.min(threads * CHUNKS_PER_THREAD, Math.floor(work / (this.minParallelWork / 4)));
        const chunkUnits = Math.ceil(Math.ceil(units / chunks) / align) * align;
        pool.run(PARALLEL_INDEX.get(kernel)!, args, units, chunkUnits);
        this.parallelRuns++;
        return;
      }
    }
    this.parallelFns[PARALLEL_INDEX.get(kernel)!](...args, 0, units);
  }

  private startPool(workers: number): ThreadPool {
    this.pool ??= new ThreadPool(this.module, this.wasmMemory, this.controlPtr, PARALLEL_KERNELS, this.parallelFns,
        this.spawn!);
    this.pool.resize(workers);
    return this.pool;
  }

  /**
   * Starts the worker threads now and resolves once all of them run, or one failed (then
   * `threadsReason` says why and kernels use one thread). A browser's backend has done this when it
   * is created; in Node threads otherwise start on the first large kernel.
   */
  async startThreads(): Promise<void> {
    const threads = this.threads;
    if (threads <= 1) return;
    const pool = this.startPool(threads - 1);
    // Workers that never start (the page's policy may block them silently) are not waited for past
    // START_TIMEOUT_MS: kernels then run with those that did.
    const started = performance.now();
    while (pool.ready < pool.size && pool.failure == null && performance.now() - started < START_TIMEOUT_MS) {
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  // ---- wasm memory ----

  /** Allocates `bytes` in wasm memory; 0 bytes give the null pointer. */
  allocate(bytes: number): number {
    if (bytes === 0) return 0;
    const tooLarge = bytes > MAX_BLOCK_BYTES;
    let ptr = 0;
    if (!tooLarge) {
      try {
        // wasm32 returns addresses as i32: past 2 GiB they come back negative.
        ptr = this.wasm.alloc(bytes) >>> 0;
      } catch (e) {
        if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      }
    }
    if (!ptr) {
      throw new Error(
          `asc backend: cannot allocate ${bytes} bytes: ` +
          (tooLarge ? `one tensor may hold at most ${MAX_BLOCK_BYTES} bytes` :
                      `the wasm memory limit is ${this.memoryLimitBytes} bytes`) +
          ` (${this.bytesInUse} bytes in use)`);
    }
    this.bytesInUse += bytes;
    this.peakBytesInUse = Math.max(this.peakBytesInUse, this.bytesInUse);
    return ptr;
  }

  release(ptr: number, bytes: number): void {
    if (ptr === 0) return;
    this.wasm.free(ptr);
    this.bytesInUse -= bytes;
  }

  /**
   * `weights` packed into a block, kept until `weights` is disposed, so a model's weights are packed
   * once. `kind` names the layout (and its geometry); `bias`, when packed in too, is matched by
   * identity. `prepare` runs only when nothing is cached: the block's size and how to fill it.
   */
  packedWeights(weights: TensorInfo, kind: string, bias: TensorInfo|undefined,
      prepare: () => {bytes: number, pack: (ptr: number) => void}): number {
    const biasId = bias?.dataId ?? null;
    const cached = this.packedCache.get(weights.dataId);
    if (cached != null && cached.kind === kind && cached.bias === biasId) return cached.ptr;
    if (cached != null) this.dropPacked(weights.dataId);
    const {bytes, pack} = prepare();
    const ptr = this.allocate(bytes);
    try {
      pack(ptr);
    } catch (e) {
      this.release(ptr, bytes);
      throw e;
    }
    this.packedCache.set(weights.dataId, {kind, bias: biasId, ptr, bytes});
    return ptr;
  }

  private dropPacked(dataId: DataId): void {
    const packed = this.packedCache.get(dataId);
    if (packed == null) return;
    this.release(packed.ptr, packed.bytes);
    this.packedCache.delete(dataId);
  }

  /** The algorithm asc chose for 3x3 stride-1 convolutions with `filter` (undefined before its first one). */
  convAlgorithmOf(filter: TensorInfo|{dataId: DataId}): ConvAlgorithm|undefined {
    return this.convAlgorithms.get(filter.dataId);
  }

  /** The convolution algorithm of `filter`: `choose()`'s answer at its first use, kept for its life. */
  convAlgorithm(filter: TensorInfo, choose: () => ConvAlgorithm): ConvAlgorithm {
    let algorithm = this.convAlgorithms.get(filter.dataId);
    if (algorithm == null) {
      algorithm = choose();
      this.convAlgorithms.set(filter.dataId, algorithm);
    }
    return algorithm;
  }

  /**
   * Whether a float32 tensor holds no NaN and no infinity; computed once per tensor. The GEMM
   * kernels multiply padded taps by zero where tfjs-backend-cpu skips them: with a non-finite
   * weight that would be NaN where cpu has a number, so such weights take cpu's kernel.
   */
  allFinite(info: TensorInfo): boolean {
    let finite = this.finiteCache.get(info.dataId);
    if (finite == null) {
      finite = Boolean(this.wasm.allFinite(this.ptr(info), util.sizeFromShape(info.shape)));
      this.finiteCache.set(info.dataId, finite);
    }
    return finite;
  }

  /** Runs `use` with a temporary wasm block of `bytes` bytes, freed afterwards. */
  withScratch<T>(bytes: number, use: (ptr: number) => T): T {
    const ptr = this.allocate(bytes);
    try {
      return use(ptr);
    } finally {
      this.release(ptr, bytes);
    }
  }

  /** A view of a wasm-resident tensor; valid until the next allocation. */
  view(entry: TensorData): TypedArray {
    const {buffer} = this.wasmMemory;
    switch (entry.dtype) {
      case 'float32': return new Float32Array(buffer, entry.ptr, entry.size);
      case 'int32': return new Int32Array(buffer, entry.ptr, entry.size);
      case 'bool': return new Uint8Array(buffer, entry.ptr, entry.size);
      default: throw new Error(`asc backend: dtype '${entry.dtype}' has no wasm storage`);
    }
  }

  /** Writes i32 values to the shared argument block and returns its address. */
  args(values: ArrayLike<number>): number {
    if (values.length * 4 > AscBackend.ARGS_BYTES) {
      throw new Error(`asc backend: ${values.length} kernel arguments exceed the argument block`);
    }
    new Int32Array(this.wasmMemory.buffer, this.argsPtr, values.length).set(values);
    return this.argsPtr;
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
    } else if (this.cpuKernelDepth > 0 && values != null) {
      // Inside a cpu kernel: allocating now could grow memory and detach the views it is reading.
      entry.pending = values;
      this.pendingEntries.push({dataId, entry});
    } else {
      entry.ptr = this.allocate(entry.byteLength);
      if (values != null) this.view(entry).set(values as ArrayLike<number>);
    }
    return entry;
  }

  override write(values: BackendValues|null, shape: number[], dtype: DataType): DataId {
    const dataId = {id: this.nextDataId++};
    this.data.set(dataId, this.createEntry(dataId, values, shape, dtype, 1));
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
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  override incRef(dataId: DataId): void {
    this.data.get(dataId).refCount++;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  override readSync(dataId: DataId): BackendValues {
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
    if (!this.data.has(dataId)) return true;
    const entry = this.data.get(dataId);
    entry.refCount--;
    if (!force && entry.refCount > 0) return false;
    if (entry.complexTensorInfos != null) {
      this.disposeData(entry.complexTensorInfos.real.dataId, true);
      this.disposeData(entry.complexTensorInfos.imag.dataId, true);
    }
    this.release(entry.ptr, entry.byteLength);
    this.dropPacked(dataId);
    entry.ptr = 0;
    entry.disposed = true;
    this.data.delete(dataId);
    return true;
  }

  disposeIntermediateTensorInfo(info: TensorInfo): void {
    this.disposeData(info.dataId);
  }

  // ---- running tfjs-backend-cpu's kernels on wasm-resident data ----

  /**
   * Runs tfjs-backend-cpu's kernel `kernelName`. It reads its inputs through `values` views of wasm
   * memory; the outputs it writes stay in JS until it returns and are then moved into wasm memory,
   * so no allocation can grow memory (and detach those views) while it runs. Its calls and time are
   * counted for fallbackReport; the flag ASC_LOG_FALLBACK logs each kernel's first call.
   */
  runCpuKernel<T>(kernelName: string, kernel: () => T): T {
    const outermost = this.cpuKernelDepth++ === 0;
    const started = outermost ? util.now() : 0;
    let ok = false;
    try {
      const result = kernel();
      ok = true;
      return result;
    } finally {
      if (--this.cpuKernelDepth === 0) this.settlePending(ok);
      if (outermost) this.countFallback(kernelName, util.now() - started);
    }
  }

  private countFallback(kernelName: string, ms: number): void {
    let stats = this.fallbackStats.get(kernelName);
    if (stats == null) {
      this.fallbackStats.set(kernelName, stats = {calls: 0, ms: 0});
      if (env().getBool('ASC_LOG_FALLBACK')) {
        console.warn(`asc: kernel '${kernelName}' runs in JavaScript (tfjs-backend-cpu's implementation)`);
      }
    }
    stats.calls++;
    stats.ms += ms;
  }

  /**
   * The kernels that ran on tfjs-backend-cpu's JavaScript since the backend was created or the last
   * reset, slowest first: the long tail asc has no wasm kernel for, and wasm kernels' cold cases
   * (another dtype, a non-finite filter). Time includes moving their outputs into wasm memory.
   */
  fallbackReport(): {kernel: string, calls: number, ms: number}[] {
    return [...this.fallbackStats].map(([kernel, stats]) => ({kernel, ...stats})).sort((a, b) => b.ms - a.ms);
  }

  resetFallbackReport(): void {
    this.fallbackStats.clear();
  }

  private settlePending(ok: boolean): void {
    const pending = this.pendingEntries.filter(({entry}) => !entry.disposed);
    this.pendingEntries = [];
    let settled = false;
    try {
      if (!ok) return;
      // Outputs may be views of wasm memory (a cpu slice returns a subarray): copy them out first.
      for (const {entry} of pending) {
        const v = entry.pending as TypedArray;
        if (v.buffer === this.wasmMemory.buffer) entry.pending = v.slice();
      }
      for (const {entry} of pending) {
        entry.ptr = this.allocate(entry.byteLength);
        this.view(entry).set(entry.pending as ArrayLike<number>);
        entry.pending = undefined;
      }
      settled = true;
    } finally {
      // A kernel that threw, or whose outputs did not fit, returns nothing: free what it made.
      if (!settled) for (const {dataId} of pending) this.disposeData(dataId, true);
    }
  }

  // ---- the rest of KernelBackend ----

  override async time(f: () => void): Promise<BackendTimingInfo> {
    const start = util.now();
    f();
    return {kernelMs: util.now() - start};
  }

  override memory(): AscMemoryInfo {
    return {
      unreliable: false,
      numBytesInWasm: this.bytesInUse,
      peakBytesInWasm: this.peakBytesInUse,
      wasmMemoryBytes: this.wasmMemory.buffer.byteLength,
      wasmMemoryLimitBytes: this.memoryLimitBytes,
    };
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return super.epsilon();
  }

  override dispose(): void {
    // The memory goes with the instance; the worker threads end.
    this.pendingEntries = [];
    this.pool?.dispose();
    this.pool = null;
  }
}
