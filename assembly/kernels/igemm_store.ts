// Storing one row of an igemm tile: activation, then 8, or the first `valid` (< 8), columns.
import { activateV } from "./activation";

// @ts-ignore: decorator
@inline
export function storeRow(row: usize, c0: v128, c1: v128, valid: i32, activation: i32, alphaV: v128): void {
  c0 = activateV(c0, activation, alphaV);
  c1 = activateV(c1, activation, alphaV);
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
