// Storing one row of a GEMM tile: clamped to [low, high] (the activations linear, relu and relu6,
// without a branch: a chain of tests on the activation code per vector cost more than a short k loop
// on a small convolution), or, in the copies of the tiles made with `act` (a constant), activated by
// activateV (hard-swish in its spellings, leaky relu: no pass over C after the tile); then 8, or the
// first `valid` (< 8), columns.
import { activateV, clampV } from "./activation";

// @ts-ignore: decorator
@inline
export function storeRow(row: usize, c0: v128, c1: v128, valid: i32, low: v128, high: v128, act: bool, activation: i32,
  alpha: v128): void {
  if (act) {
    c0 = activateV(c0, activation, alpha);
    c1 = activateV(c1, activation, alpha);
  } else {
    c0 = clampV(c0, low, high);
    c1 = clampV(c1, low, high);
  }
  if (valid == 8) {
    v128.store(row, c0);
    v128.store(row, c1, 16);
    return;
  }
  let lo = c0;
  let base: usize = 0;
  if (valid >= 4) {
    v128.store(row, c0);
    lo = c1;
    base = 16;
  }
  const tail = valid & 3;
  if (tail > 0) store<f32>(row + base, f32x4.extract_lane(lo, 0));
  if (tail > 1) store<f32>(row + base, f32x4.extract_lane(lo, 1), 4);
  if (tail > 2) store<f32>(row + base, f32x4.extract_lane(lo, 2), 8);
}
