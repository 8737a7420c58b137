// Picks the backend the command line runs on.
import * as tf from '@tensorflow/tfjs-core';
import {initBackend, setThreadsCount} from '../dist/index.js';

export const BACKENDS = ['auto', 'asc', 'webgpu', 'wasm', 'cpu'];

/**
 * auto: WebGPU on a hardware adapter, else asc (a software WebGPU is slower than asc on the same
 * CPU). wasm is tfjs-backend-wasm, when installed. Resolves to initBackend's report.
 */
export async function chooseBackend(name = 'auto', threads) {
  if (!BACKENDS.includes(name)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}, got '${name}'`);
  if (threads != null) setThreadsCount(threads);
  if (name === 'wasm') {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
    } catch {
      throw new Error("--backend wasm needs @tensorflow/tfjs-backend-wasm (npm i @tensorflow/tfjs-backend-wasm)");
    }
  }
  const prefer = name === 'auto' ? ['webgpu', 'asc', 'cpu'] : [name];
  const report = await initBackend({prefer, softwareWebGpu: name !== 'auto'});
  if (report.chosen !== tf.getBackend()) throw new Error(`backend ${report.chosen} did not become active`);
  return report;
}

/** "asc (relaxed SIMD, 2 threads)" and the like. */
export function describeBackend(report) {
  const {features} = report;
  if (report.chosen === 'asc') {
    return `asc (${features.relaxedSimd ? 'relaxed SIMD' : 'SIMD'}, ${features.threads} thread${features.threads > 1 ? 's' : ''})`;
  }
  if (report.chosen === 'webgpu') return `webgpu (${[features.webgpu.vendor, features.webgpu.architecture, features.webgpu.device].filter(Boolean).join(' ')})`;
  return report.chosen;
}
