// Shape checks for the inputs a wasm kernel addresses directly: a kernel called with mismatched
// shapes (runKernel bypasses the ops' checks) gets an Error instead of reading or writing past a tensor.

/** Asserts `actual[i] === expected[i]` for every i where `expected[i]` is not null. */
export function assertShape(kernelName: string, input: string, actual: number[], expected: Array<number|null>): void {
  const ok = actual.length === expected.length && expected.every((e, i) => e == null || e === actual[i]);
  if (!ok) {
    const want = expected.map((e) => (e == null ? '?' : e)).join(', ');
    throw new Error(`${kernelName}: ${input} has shape [${actual.join(', ')}], expected [${want}]`);
  }
}

/** Asserts every `actual[i] >= minimum[i]` (tfjs-backend-cpu ignores the excess of a larger dy). */
export function assertShapeAtLeast(kernelName: string, input: string, actual: number[], minimum: number[]): void {
  if (actual.length !== minimum.length || minimum.some((m, i) => actual[i] < m)) {
    throw new Error(`${kernelName}: ${input} has shape [${actual.join(', ')}], expected at least [${minimum.join(', ')}]`);
  }
}

/** Throws as tfjs-backend-cpu does for a resize asked for both corner modes. */
export function assertResizeModes(kernelName: string, alignCorners: boolean, halfPixelCenters: boolean): void {
  if (alignCorners && halfPixelCenters) {
    throw new Error(`${kernelName}: if alignCorners is true, halfPixelCenters must be false`);
  }
}
