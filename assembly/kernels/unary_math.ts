// Element-wise float32 functions in SIMD: the arithmetic ones a training step spends time in
// (Adam's sqrt, the squares of moments, ReLU's gradient Step) and the activations and elementary
// functions mobile models run (simd_math.ts: a few ulps from Math's). Each takes up to two
// parameters, alpha and beta (unused by most). A call computes elements [begin, end).
import { erfV, expm1V, expV, logV, reciprocalV, seluV, sigmoidV, softplusV, tanhV } from "./simd_math";

const UNARY_SQRT: i32 = 0;
const UNARY_SQUARE: i32 = 1;
const UNARY_STEP: i32 = 2; // x > 0 ? 1 : alpha; NaN stays NaN
const UNARY_NEG: i32 = 3;
const UNARY_ABS: i32 = 4;
const UNARY_EXP: i32 = 5;
const UNARY_LOG: i32 = 6;
const UNARY_SIGMOID: i32 = 7;
const UNARY_TANH: i32 = 8;
const UNARY_ELU: i32 = 9;
const UNARY_SELU: i32 = 10;
const UNARY_LEAKYRELU: i32 = 11; // x < 0 ? alpha x : x
const UNARY_CLIP: i32 = 12; // x > beta ? beta : x < alpha ? alpha : x
const UNARY_RSQRT: i32 = 13;
const UNARY_RECIPROCAL: i32 = 14;
const UNARY_SOFTPLUS: i32 = 15;
const UNARY_ERF: i32 = 16;

// @ts-ignore: decorator
@inline
function applyV(op: i32, x: v128, alpha: v128, beta: v128): v128 {
  const zero = f32x4.splat(0);
  if (op == UNARY_SQRT) return f32x4.sqrt(x);
  if (op == UNARY_SQUARE) return f32x4.mul(x, x);
  if (op == UNARY_STEP) {
    const step = v128.bitselect(f32x4.splat(1), alpha, f32x4.gt(x, zero));
    return v128.bitselect(step, x, f32x4.eq(x, x));
  }
  if (op == UNARY_NEG) return f32x4.neg(x);
  if (op == UNARY_ABS) return f32x4.abs(x);
  if (op == UNARY_EXP) return expV(x);
  if (op == UNARY_LOG) return logV(x);
  if (op == UNARY_SIGMOID) return sigmoidV(x);
  if (op == UNARY_TANH) return tanhV(x);
  if (op == UNARY_ELU) return v128.bitselect(x, expm1V(x), f32x4.ge(x, zero));
  if (op == UNARY_SELU) return seluV(x);
  if (op == UNARY_LEAKYRELU) return v128.bitselect(f32x4.mul(x, alpha), x, f32x4.lt(x, zero));
  // pmax(x, alpha) is x < alpha ? alpha : x, pmin(., beta) then beta < . ? beta : .: NaN stays, as on cpu.
  if (op == UNARY_CLIP) return f32x4.pmin(f32x4.pmax(x, alpha), beta);
  if (op == UNARY_RSQRT) return reciprocalV(f32x4.sqrt(x));
  if (op == UNARY_RECIPROCAL) return reciprocalV(x);
  if (op == UNARY_SOFTPLUS) return softplusV(x);
  return erfV(x);
}

// @ts-ignore: decorator
@inline
function run(op: i32, x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  const alphaV = f32x4.splat(alpha);
  const betaV = f32x4.splat(beta);
  let i = begin;
  for (; i + 4 <= end; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, applyV(op, v128.load(x + off), alphaV, betaV));
  }
  // The tail through the same vector code, so every element rounds alike.
  for (; i < end; i++) {
    const off = <usize>i << 2;
    store<f32>(out + off, f32x4.extract_lane(applyV(op, f32x4.splat(load<f32>(x + off)), alphaV, betaV), 0));
  }
}

// One export per function, each with its own loop: behind a single export switching on the op,
// Binaryen folded the copies back into one loop that tests the op at every vector.
export function unarySqrt(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_SQRT, x, out, alpha, beta, begin, end);
}
export function unarySquare(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_SQUARE, x, out, alpha, beta, begin, end);
}
export function unaryStep(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_STEP, x, out, alpha, beta, begin, end);
}
export function unaryNeg(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_NEG, x, out, alpha, beta, begin, end);
}
export function unaryAbs(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_ABS, x, out, alpha, beta, begin, end);
}
export function unaryExp(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_EXP, x, out, alpha, beta, begin, end);
}
export function unaryLog(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_LOG, x, out, alpha, beta, begin, end);
}
export function unarySigmoid(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_SIGMOID, x, out, alpha, beta, begin, end);
}
export function unaryTanh(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_TANH, x, out, alpha, beta, begin, end);
}
export function unaryElu(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_ELU, x, out, alpha, beta, begin, end);
}
export function unarySelu(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_SELU, x, out, alpha, beta, begin, end);
}
export function unaryLeakyRelu(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_LEAKYRELU, x, out, alpha, beta, begin, end);
}
export function unaryClip(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_CLIP, x, out, alpha, beta, begin, end);
}
export function unaryRsqrt(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_RSQRT, x, out, alpha, beta, begin, end);
}
export function unaryReciprocal(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_RECIPROCAL, x, out, alpha, beta, begin, end);
}
export function unarySoftplus(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_SOFTPLUS, x, out, alpha, beta, begin, end);
}
export function unaryErf(x: usize, out: usize, alpha: f32, beta: f32, begin: i32, end: i32): void {
  run(UNARY_ERF, x, out, alpha, beta, begin, end);
}
