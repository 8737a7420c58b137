// The kernel module: compiled once per process from the embedded bytes, instantiated once per
// backend on a memory of its own.
import type {instantiate} from './generated/kernels.js';
import {kernelsWasmBase64} from './generated/kernels_wasm.js';

export type KernelExports = Awaited<ReturnType<typeof instantiate>>;

const PAGE_BYTES = 65536;
/** wasm32 addresses 4 GiB; AssemblyScript's allocator hands out blocks below 1 GiB each. */
export const MAX_MEMORY_BYTES = 65536 * PAGE_BYTES;
export const MAX_BLOCK_BYTES = (1 << 30) - 16;

let compiled: Promise<WebAssembly.Module>|undefined;

function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Compiles the module the first time it is asked for; every backend after that reuses it. */
export function compileKernels(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(decodeBase64(kernelsWasmBase64));
  return compiled;
}

export interface KernelInstance {
  exports: KernelExports;
  memory: WebAssembly.Memory;
  /** The most bytes `memory` may grow to. */
  limitBytes: number;
}

export async function instantiateKernels(maxMemoryBytes: number): Promise<KernelInstance> {
  const maximum = Math.max(2, Math.floor(Math.min(maxMemoryBytes, MAX_MEMORY_BYTES) / PAGE_BYTES));
  const memory = new WebAssembly.Memory({initial: 2, maximum});
  const module = await compileKernels();
  const instance = await WebAssembly.instantiate(module, {
    env: {
      memory,
      abort(message: number, file: number, line: number, column: number) {
        throw new Error(`asc kernel aborted: ${readString(memory, message)} at ` +
            `${readString(memory, file)}:${line}:${column}`);
      },
    },
  });
  return {exports: instance.exports as unknown as KernelExports, memory, limitBytes: maximum * PAGE_BYTES};
}

/** Reads an AssemblyScript string (UTF-16, byte length stored just before it). */
function readString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return '';
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, bytes >>> 1));
}
