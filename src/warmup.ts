// warmup: pays a model's one-time costs before the first real inference. On webgpu that is
// compiling every pipeline (in parallel, without blocking: tfjs's compile-only mode), on asc packing
// every weight for the GEMM; then one real run moves whatever is left (buffers, caches).
import {backend, DataType, dispose, env, getBackend, Tensor, zeros} from '@tensorflow/tfjs-core';

export interface Predictor {
  predict(x: Tensor): Tensor|Tensor[];
}

export interface WarmupReport {
  backend: string;
  /** The whole warm-up. */
  ms: number;
  /** Of which compiling pipelines (webgpu only; 0 elsewhere). */
  compileMs: number;
}

interface ParallelCompiler {
  checkCompileCompletionAsync(): Promise<void>;
}

/** Runs `model.predict` on zeros of `inputShape` once everything it needs is ready. */
export async function warmup(model: Predictor, inputShape: number[], dtype: DataType = 'float32'): Promise<WarmupReport> {
  const started = performance.now();
  const x = zeros(inputShape, dtype);
  let compileMs = 0;
  try {
    const active = backend() as Partial<ParallelCompiler>;
    if (getBackend() === 'webgpu' && typeof active.checkCompileCompletionAsync === 'function') {
      env().set('WEBGPU_ENGINE_COMPILE_ONLY', true);
      try {
        dispose(model.predict(x));
      } finally {
        env().set('WEBGPU_ENGINE_COMPILE_ONLY', false);
      }
      await active.checkCompileCompletionAsync();
      compileMs = performance.now() - started;
    }
    const outputs = [model.predict(x)].flat();
    await Promise.all(outputs.map((y) => y.data()));
    dispose(outputs);
  } finally {
    x.dispose();
  }
  return {backend: getBackend(), ms: performance.now() - started, compileMs};
}
