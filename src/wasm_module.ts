// The kernel module, built in four variants (scripts/build-wasm.mjs): plain or relaxed SIMD, on a
// private or a shared memory. Each variant is compiled once per process from its embedded bytes and
// instantiated once per backend on a memory of its own.
import type {instantiate} from './generated/kernels.js';
import {kernelsWasmBase64} from './generated/kernels_wasm.js';

export type KernelExports = Awaited<ReturnType<typeof instantiate>>;
export type KernelVariant = keyof typeof kernelsWasmBase64;

const PAGE_BYTES = 65536;
/** wasm32 addresses 4 GiB; AssemblyScript's allocator hands out blocks below 1 GiB each. */
export const MAX_MEMORY_BYTES = 65536 * PAGE_BYTES;
export const MAX_BLOCK_BYTES = (1 << 30) - 16;

const compiled = new Map<KernelVariant, Promise<WebAssembly.Module>>();

function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Compiles a variant the first time it is asked for; every backend after that reuses it. */
export function compileKernels(variant: KernelVariant): Promise<WebAssembly.Module> {
  let module = compiled.get(variant);
  if (module == null) {
    module = WebAssembly.compile(decodeBase64(kernelsWasmBase64[variant]));
    compiled.set(variant, module);
  }
  return module;
}

/** (param v128) (result v128): returns its argument; validates where wasm SIMD exists. */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // magic, version
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7b, 0x01, 0x7b,  // type section
  0x03, 0x02, 0x01, 0x00,  // function section
  0x0a, 0x06, 0x01, 0x04, 0x00, 0x20, 0x00, 0x0b,  // code section
]);

/** Whether this engine runs wasm SIMD, which every asc kernel module needs. */
export function hasWasmSimd(): boolean {
  return WebAssembly.validate(SIMD_PROBE);
}

/** (param v128 v128 v128) (result v128): f32x4.relaxed_madd of the three. */
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b,  // type section
  0x03, 0x02, 0x01, 0x00,  // function section
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,  // code section
]);

/** Whether this engine runs relaxed SIMD (Chromium, Firefox, Node ≥ 22; Node 20 behind a flag). */
export function hasRelaxedSimd(): boolean {
  return WebAssembly.validate(RELAXED_SIMD_PROBE);
}

export interface KernelInstance {
  module: WebAssembly.Module;
  exports: KernelExports;
  memory: WebAssembly.Memory;
  /** The most bytes `memory` may grow to. */
  limitBytes: number;
}

export async function instantiateKernels(variant: KernelVariant, maxMemoryBytes: number): Promise<KernelInstance> {
  const maximum = Math.max(2, Math.floor(Math.min(maxMemoryBytes, MAX_MEMORY_BYTES) / PAGE_BYTES));
  const memory = new WebAssembly.Memory({initial: 2, maximum, shared: variant.endsWith('-shared')});
  const module = await compileKernels(variant);
  const instance = await WebAssembly.instantiate(module, {
    env: {
      memory,
      abort(message: number, file: number, line: number, column: number) {
        throw new Error(`asc kernel aborted: ${readString(memory, message)} at ` +
            `${readString(memory, file)}:${line}:${column}`);
      },
    },
  });
  return {module, exports: instance.exports as unknown as KernelExports, memory, limitBytes: maximum * PAGE_BYTES};
}

/** Reads an AssemblyScript string (UTF-16, byte length stored just before it). */
function readString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return '';
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, bytes >>> 1));
}
