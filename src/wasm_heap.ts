// The backend's wasm memory as kernels use it: blocks allocated and freed with their bytes counted,
// scratch blocks, the few writes kernels make from JavaScript, and the kernels themselves. While a
// compiled replay is made into a program (graph/program.ts) a recorder watches all of it: blocks
// may be placed in its arena, and every kernel call and write becomes one of the program's steps.
import {DataType, TypedArray} from '@tensorflow/tfjs-core';
import type {ProgramRecorder} from './graph/program.js';
import type {Step} from './threads/program_code.js';
import {KernelExports, MAX_BLOCK_BYTES} from './wasm_module.js';

/** Data in wasm memory, as a typed array sees it. */
interface Stored {
  readonly dtype: DataType;
  readonly ptr: number;
  readonly size: number;
}

export class WasmHeap {
  bytesInUse = 0;
  peakBytesInUse = 0;
  /** Watches the wasm work while a compiled replay is made into a program. */
  recorder: ProgramRecorder|null = null;
  /** The kernels as a recorder sees them called (made once, on the first recording). */
  private recordedKernels: KernelExports|null = null;
  /**
   * Frees what is kept only for speed (programs' arenas between runs) when an allocation finds the
   * memory full; whether it freed anything (then the allocation is tried again).
   */
  relieve: (() => boolean)|null = null;
  /**
   * The thread dispatch, while a worker may lead a program on this memory: until it ended no kernel
   * runs here and nothing writes the blocks kernels share (the argument block).
   */
  leader: {readonly leading: boolean, follow(): number}|null = null;
  /** Programs' arenas [start, end): their blocks are never freed one by one. */
  private readonly arenas: Array<[number, number]> = [];
  /** A small block for passing shapes and pointer lists to kernels. */
  private readonly argsPtr: number;
  private static readonly ARGS_BYTES = 1024;

  constructor(readonly kernels: KernelExports, readonly memory: WebAssembly.Memory, readonly limitBytes: number) {
    this.argsPtr = this.allocate(WasmHeap.ARGS_BYTES);
  }

  /** The wasm kernels; while a program is recorded, calls to them are its steps. */
  get calls(): KernelExports {
    this.settle();
    return this.recorder == null ? this.kernels : (this.recordedKernels ??= this.recordingKernels());
  }

  private recordingKernels(): KernelExports {
    const recorded: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(this.kernels) as Array<[string, unknown]>) {
      if (typeof value !== 'function') {
        recorded[name] = value;
        continue;
      }
      const kernel = value as (...args: number[]) => number|void;
      recorded[name] = (...args: number[]) => {
        this.recorder?.step({kind: 'call', name, args});
        return kernel(...args);
      };
    }
    return recorded as KernelExports;
  }

  /** Allocates `bytes` in wasm memory; 0 bytes give the null pointer. */
  allocate(bytes: number): number {
    if (bytes === 0) return 0;
    const placed = this.recorder?.place(bytes);
    if (placed != null) return placed;
    const tooLarge = bytes > MAX_BLOCK_BYTES;
    let ptr = 0;
    if (!tooLarge) ptr = this.tryAllocate(bytes) || (this.relieve?.() ? this.tryAllocate(bytes) : 0);
    if (!ptr) {
      throw new Error(
          `asc backend: cannot allocate ${bytes} bytes: ` +
          (tooLarge ? `one tensor may hold at most ${MAX_BLOCK_BYTES} bytes` :
                      `the wasm memory limit is ${this.limitBytes} bytes`) +
          ` (${this.bytesInUse} bytes in use)`);
    }
    this.bytesInUse += bytes;
    this.peakBytesInUse = Math.max(this.peakBytesInUse, this.bytesInUse);
    this.recorder?.allocated(ptr, bytes);
    return ptr;
  }

  /** A block of `bytes`, or 0 where the memory is full. */
  private tryAllocate(bytes: number): number {
    try {
      // wasm32 returns addresses as i32: past 2 GiB they come back negative.
      return this.kernels.alloc(bytes) >>> 0;
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      return 0;
    }
  }

  release(ptr: number, bytes: number): void {
    if (ptr === 0) return;
    this.recorder?.released(ptr);
    for (const [start, end] of this.arenas) if (ptr >= start && ptr < end) return;
    this.kernels.free(ptr);
    this.bytesInUse -= bytes;
  }

  /** A block whose own blocks are never freed one by one (release() leaves them). */
  allocateArena(bytes: number): number {
    const ptr = this.allocate(Math.max(bytes, 1));
    this.arenas.push([ptr, ptr + bytes]);
    return ptr;
  }

  freeArena(ptr: number): void {
    const i = this.arenas.findIndex(([start]) => start === ptr);
    if (i < 0) return;
    const [start, end] = this.arenas[i];
    this.arenas.splice(i, 1);
    this.release(start, Math.max(end - start, 1));
  }

  /** Runs `use` with a temporary block of `bytes` bytes, freed afterwards. */
  withScratch<T>(bytes: number, use: (ptr: number) => T): T {
    const ptr = this.allocate(bytes);
    try {
      return use(ptr);
    } finally {
      this.release(ptr, bytes);
    }
  }

  /** A view of data in wasm memory for JavaScript to read or write (no program repeats that). */
  view(data: Stored): TypedArray {
    this.recorder?.abort('it read or wrote tensor data in JavaScript');
    return this.typedView(data);
  }

  private typedView({dtype, ptr, size}: Stored): TypedArray {
    const {buffer} = this.memory;
    switch (dtype) {
      case 'float32': return new Float32Array(buffer, ptr, size);
      case 'int32': return new Int32Array(buffer, ptr, size);
      case 'bool': return new Uint8Array(buffer, ptr, size);
      default: throw new Error(`asc backend: dtype '${dtype}' has no wasm storage`);
    }
  }

  /** Writes i32 values to the shared argument block and returns its address. */
  args(values: ArrayLike<number>): number {
    if (values.length * 4 > WasmHeap.ARGS_BYTES) {
      throw new Error(`asc backend: ${values.length} kernel arguments exceed the argument block`);
    }
    this.writeInts(this.argsPtr, values);
    return this.argsPtr;
  }

  // Writes kernels make from JavaScript: a recorded program repeats them.

  /** Waits for the program a worker leads, if one does. */
  private settle(): void {
    if (this.leader?.leading) this.leader.follow();
  }

  /** Writes i32 values at `ptr`. */
  writeInts(ptr: number, values: ArrayLike<number>): void {
    this.settle();
    this.recorder?.step({kind: 'ints', ptr, values: Int32Array.from(values)});
    new Int32Array(this.memory.buffer, ptr, values.length).set(values);
  }

  /** Zeroes `bytes` bytes at `ptr`. */
  zero(ptr: number, bytes: number): void {
    this.settle();
    this.recorder?.step({kind: 'zero', ptr, bytes});
    new Uint8Array(this.memory.buffer, ptr, bytes).fill(0);
  }

  /** Sets every element of `data` to `value`, in its dtype's storage. */
  fill({dtype, ptr, size}: Stored, value: number): void {
    // Where the data are now (a program repeats the fill there, whatever the tensor becomes).
    this.settle();
    this.recorder?.step({kind: 'fill', dtype, ptr, size, value});
    this.typedView({dtype, ptr, size}).fill(value);
  }

  /** Copies `bytes` bytes from `src` to `dst` (the blocks may overlap). */
  copyBytes(dst: number, src: number, bytes: number): void {
    this.recorder?.step({kind: 'copy', dst, src, bytes});
    new Uint8Array(this.memory.buffer).copyWithin(dst, src, src + bytes);
  }

  /** Does a program's step again (a split kernel's is the backend's: AscBackend.runStep). */
  runStep(step: Exclude<Step, {kind: 'parallel'}>): void {
    switch (step.kind) {
      case 'call':
        (this.kernels[step.name as keyof KernelExports] as unknown as (...args: number[]) => void)(...step.args);
        break;
      case 'ints':
        this.writeInts(step.ptr, step.values);
        break;
      case 'zero':
        this.zero(step.ptr, step.bytes);
        break;
      case 'fill':
        this.fill(step, step.value);
        break;
      case 'copy':
        this.copyBytes(step.dst, step.src, step.bytes);
        break;
    }
  }
}
