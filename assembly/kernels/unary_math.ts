// Element-wise float32 functions with SIMD forms, for the ops a training step spends time in
// (Adam's sqrt, the squares of moments, ReLU's gradient Step). A call computes [begin, end).

export const UNARY_SQRT: i32 = 0;
export const UNARY_SQUARE: i32 = 1;
export const UNARY_STEP: i32 = 2; // x > 0 ? 1 : alpha; NaN stays NaN
export const UNARY_NEG: i32 = 3;
export const UNARY_ABS: i32 = 4;

// @ts-ignore: decorator
@inline
function applyV(op: i32, x: v128, alpha: v128): v128 {
  if (op == UNARY_SQRT) return f32x4.sqrt(x);
  if (op == UNARY_SQUARE) return f32x4.mul(x, x);
  if (op == UNARY_STEP) {
    const step = v128.bitselect(f32x4.splat(1), alpha, f32x4.gt(x, f32x4.splat(0)));
    return v128.bitselect(step, x, f32x4.eq(x, x));
  }
  if (op == UNARY_NEG) return f32x4.neg(x);
  return f32x4.abs(x);
}

// @ts-ignore: decorator
@inline
function run(op: i32, x: usize, out: usize, alpha: f32, begin: i32, end: i32): void {
  const alphaV = f32x4.splat(alpha);
  let i = begin;
  for (; i + 4 <= end; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, applyV(op, v128.load(x + off), alphaV));
  }
  for (; i < end; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, f32x4.extract_lane(applyV(op, f32x4.splat(load<f32>(x + off)), alphaV), 0));
  }
}

export function unaryFloat32(op: i32, x: usize, out: usize, alpha: f32, begin: i32, end: i32): void {
  if (op == UNARY_SQRT) run(UNARY_SQRT, x, out, alpha, begin, end);
  else if (op == UNARY_SQUARE) run(UNARY_SQUARE, x, out, alpha, begin, end);
  else if (op == UNARY_STEP) run(UNARY_STEP, x, out, alpha, begin, end);
  else if (op == UNARY_NEG) run(UNARY_NEG, x, out, alpha, begin, end);
  else run(UNARY_ABS, x, out, alpha, begin, end);
}
