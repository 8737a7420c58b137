// a * b + c on four lanes. The relaxed-SIMD build uses f32x4.relaxed_madd (one fused multiply-add
// where the engine has FMA: no temporary register, one rounding); the plain build multiplies, then adds.

// @ts-ignore: decorator
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** a * b + c for one value, rounded exactly as a lane of `madd` (so a tail matches the vector body). */
// @ts-ignore: decorator
@inline
export function maddScalar(a: f32, b: f32, c: f32): f32 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.extract_lane(f32x4.relaxed_madd(f32x4.splat(a), f32x4.splat(b), f32x4.splat(c)), 0);
  return a * b + c;
}
