// tfjs-backend-asc: importing this module registers the `asc` backend (priority 2: above cpu,
// below webgpu) with all its kernels, and tfjs-core's gradients.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import './register_all_kernels.js';
import {env, registerBackend} from '@tensorflow/tfjs-core';
import {AscBackend} from './backend.js';
import {MAX_MEMORY_BYTES} from './wasm_module.js';

export {AscBackend} from './backend.js';
export type {AscMemoryInfo, IgemmFlavor, TensorData} from './backend.js';
export {wasmKernelConfigs} from './register_all_kernels.js';

/** The most bytes the backend's wasm memory may grow to (default and upper bound: 4 GiB). */
env().registerFlag('ASC_MAX_MEMORY_BYTES', () => MAX_MEMORY_BYTES, (bytes) => {
  if (typeof bytes !== 'number' || !(bytes > 0) || bytes > MAX_MEMORY_BYTES) {
    throw new Error(`ASC_MAX_MEMORY_BYTES must be in (0, ${MAX_MEMORY_BYTES}], got ${bytes}`);
  }
});

/** Which GEMM microkernel to run: 'auto' (detected), or 'x86' / 'arm' to force one (for tests). */
env().registerFlag('ASC_IGEMM_FLAVOR', () => 'auto', (flavor) => {
  if (flavor !== 'auto' && flavor !== 'x86' && flavor !== 'arm') {
    throw new Error(`ASC_IGEMM_FLAVOR must be 'auto', 'x86' or 'arm', got ${flavor}`);
  }
});

registerBackend('asc', () => AscBackend.create(), 2);
