// Elementary functions on four f32 lanes, accurate to a few ulps (Cephes' single-precision
// polynomials), with NaN, ±Infinity, -0 and subnormal results as Math's functions give them.
import { madd } from "./madd";

// Every constant comes from this table through v128.load32_splat (one load): V8 (Node 24 and,
// less, Node 20) rebuilds a v128.const at each use inside a loop, which made exp 2x slower.
const K_ONE = 0, K_HALF = 1, K_TWO = 2, K_EXP_HI = 3, K_EXP_LO = 4, K_LOG2E = 5, K_LN2_HI = 6, K_LN2_LO = 7;
const K_NEG_LN2_HI = 8, K_NEG_LN2_LO = 9, K_EXP_P = 10; // 6 coefficients
const K_MIN_NORMAL = 16, K_TWO_23 = 17, K_SQRT_HALF = 18, K_LOG_P = 19; // 9 coefficients
const K_NEG_HALF = 28, K_TANH_P = 29; // 5 coefficients
const K_TANH_SPLIT = 34, K_ERF_P = 35, K_ERF_A = 36; // a5..a1
const K_SELU_SCALE = 41, K_SELU_SCALEALPHA = 42, K_SOFTPLUS_THRESHOLD = 43, K_NEG_SOFTPLUS_THRESHOLD = 44;
const K_INFINITY = 45, K_NEG_INFINITY = 46, K_NAN = 47, K_NEG_ONE = 48, K_ROUND = 49;
const TABLE = memory.data<f32>([
  1, 0.5, 2, 89, -104, 1.44269504088896341, 0.693359375, -2.12194440e-4,
  -0.693359375, 2.12194440e-4,
  1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1,
  1.17549435e-38, 8388608, 0.707106781186547524,
  7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
  -0.5,
  -5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1,
  0.625,
  // tfjs-core's erf (Abramowitz and Stegun 7.1.26): p, then a5 .. a1.
  0.3275911, 1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592,
  // tfjs-core's SELU_SCALE, SELU_SCALEALPHA; softplus is x above ln(2^-23) + 2 and e^x below its negative.
  1.0507009873554804934193349852946, 1.7580993408473768599402175208123, 13.942385152878742, -13.942385152878742,
  Infinity, -Infinity, NaN, -1,
  // 1.5 * 2^23: adding it rounds |v| < 2^22 to an integer held in the low mantissa bits.
  12582912,
]);

// Integer bit patterns, likewise.
const I_MANTISSA = 0, I_SIGN = 1, I_126 = 2, I_149 = 3;
const INT_TABLE = memory.data<i32>([0x007fffff, 0x80000000, 126, 126 + 23]);

/** Constant `i` of the table on four lanes. */
// @ts-ignore: decorator
@inline
function k(i: i32): v128 {
  return v128.load32_splat(TABLE + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline
function ki(i: i32): v128 {
  return v128.load32_splat(INT_TABLE + (<usize>i << 2));
}

/** 2^n for integer lanes n in [-150, 128], as two normal factors (so subnormal results round once). */
// @ts-ignore: decorator
@inline
function scale2(v: v128, n: v128): v128 {
  const half = i32x4.shr_s(n, 1);
  const rest = i32x4.sub(n, half);
  // 127 << 23 is the bit pattern of 1.0.
  const a = i32x4.add(i32x4.shl(half, 23), k(K_ONE));
  const b = i32x4.add(i32x4.shl(rest, 23), k(K_ONE));
  return f32x4.mul(f32x4.mul(v, a), b);
}

/** Horner's rule over 5 coefficients from table entry `c` (highest degree first). */
// @ts-ignore: decorator
@inline
function horner5(x: v128, c: i32): v128 {
  const p = madd(madd(k(c), x, k(c + 1)), x, k(c + 2));
  return madd(madd(p, x, k(c + 3)), x, k(c + 4));
}

// @ts-ignore: decorator
@inline
function horner6(x: v128, c: i32): v128 {
  return madd(horner5(x, c), x, k(c + 5));
}

// @ts-ignore: decorator
@inline
function horner9(x: v128, c: i32): v128 {
  const p = madd(madd(horner5(x, c), x, k(c + 5)), x, k(c + 6));
  return madd(madd(p, x, k(c + 7)), x, k(c + 8));
}

/** exp(r) - 1 for |r| <= ln(2) / 2: r + r^2 P(r). */
// @ts-ignore: decorator
@inline
function expm1Reduced(r: v128): v128 {
  return madd(f32x4.mul(horner6(r, K_EXP_P), r), r, r);
}

/**
 * x clamped to [-104, 89]; ±Infinity become values that under/overflow. pmin/pmax (one instruction
 * each, where min/max are several) with x first keep NaN.
 */
// @ts-ignore: decorator
@inline
function expClamp(x: v128): v128 {
  return f32x4.pmax(f32x4.pmin(x, k(K_EXP_HI)), k(K_EXP_LO));
}

/**
 * x / ln 2 + 1.5 * 2^23: n = round(x / ln 2) is this minus 1.5 * 2^23 as a float, and its bits minus
 * those of 1.5 * 2^23 as an integer.
 */
// @ts-ignore: decorator
@inline
function expBiased(xc: v128): v128 {
  return madd(xc, k(K_LOG2E), k(K_ROUND));
}

/** r = xc - n ln 2, with ln 2 in two parts (n * LN2_HI is exact). */
// @ts-ignore: decorator
@inline
function expRemainder(xc: v128, n: v128): v128 {
  return madd(n, k(K_NEG_LN2_LO), madd(n, k(K_NEG_LN2_HI), xc));
}

/** e^x. */
// @ts-ignore: decorator
@inline
export function expV(x: v128): v128 {
  const xc = expClamp(x);
  const biased = expBiased(xc);
  const q = expm1Reduced(expRemainder(xc, f32x4.sub(biased, k(K_ROUND))));
  return scale2(f32x4.add(q, k(K_ONE)), i32x4.sub(biased, k(K_ROUND)));
}

/** e^x - 1, accurate near 0 (no cancellation). */
// @ts-ignore: decorator
@inline
export function expm1V(x: v128): v128 {
  const xc = expClamp(x);
  const biased = expBiased(xc);
  const q = expm1Reduced(expRemainder(xc, f32x4.sub(biased, k(K_ROUND))));
  const ni = i32x4.sub(biased, k(K_ROUND));
  // 2^n (1 + q) - 1 = 2^n q + (2^n - 1): exact when n = 0, no cancellation otherwise.
  return f32x4.add(scale2(q, ni), f32x4.sub(scale2(k(K_ONE), ni), k(K_ONE)));
}

/** ln x: NaN for x < 0 and NaN, -Infinity for ±0, +Infinity for +Infinity. */
// @ts-ignore: decorator
@inline
export function logV(x: v128): v128 {
  // Subnormal x: scaled by 2^23 first.
  const tiny = f32x4.lt(x, k(K_MIN_NORMAL));
  const xs = v128.bitselect(f32x4.mul(x, k(K_TWO_23)), x, tiny);
  let e = i32x4.sub(i32x4.shr_u(xs, 23), v128.bitselect(ki(I_149), ki(I_126), tiny));
  // The mantissa in [0.5, 1); below sqrt(1/2) it is doubled (and e lowered) so m - 1 is in [-0.29, 0.41].
  let m = v128.or(v128.and(xs, ki(I_MANTISSA)), k(K_HALF));
  const low = f32x4.lt(m, k(K_SQRT_HALF));
  e = i32x4.add(e, low); // a true lane is -1
  m = f32x4.sub(f32x4.add(m, v128.and(m, low)), k(K_ONE));
  const z = f32x4.mul(m, m);
  let y = f32x4.mul(f32x4.mul(horner9(m, K_LOG_P), m), z);
  const ef = f32x4.convert_i32x4_s(e);
  y = madd(ef, k(K_LN2_LO), y);
  y = madd(z, k(K_NEG_HALF), y);
  let result = madd(ef, k(K_LN2_HI), f32x4.add(m, y));
  result = v128.bitselect(k(K_NEG_INFINITY), result, f32x4.eq(x, f32x4.splat(0)));
  result = v128.bitselect(x, result, f32x4.eq(x, k(K_INFINITY)));
  // x < 0 and NaN (not x >= 0) give NaN.
  return v128.bitselect(result, k(K_NAN), f32x4.ge(x, f32x4.splat(0)));
}

/** ln(1 + u) for u > -1, accurate when u is tiny. */
// @ts-ignore: decorator
@inline
export function log1pV(u: v128): v128 {
  const w = f32x4.add(u, k(K_ONE));
  // ln w corrected by the rounding of 1 + u: ln(1 + u) = ln w - ((w - 1) - u) / w.
  const correction = f32x4.div(f32x4.sub(f32x4.sub(w, k(K_ONE)), u), w);
  return v128.bitselect(u, f32x4.sub(logV(w), correction), f32x4.eq(u, k(K_INFINITY)));
}

/** 1 / (1 + e^-x), accurate for negative x too (e^x / (1 + e^x) there). */
// @ts-ignore: decorator
@inline
export function sigmoidV(x: v128): v128 {
  const e = expV(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(k(K_ONE), f32x4.add(k(K_ONE), e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, f32x4.splat(0)));
}

/** tanh x: a polynomial below |x| = 0.625, 1 - 2 / (e^2|x| + 1) above. */
// @ts-ignore: decorator
@inline
export function tanhV(x: v128): v128 {
  const z = f32x4.mul(x, x);
  const small = madd(f32x4.mul(horner5(z, K_TANH_P), z), x, x);
  const ax = f32x4.abs(x);
  const big = f32x4.sub(k(K_ONE), f32x4.div(k(K_TWO), f32x4.add(expV(f32x4.add(ax, ax)), k(K_ONE))));
  // x's sign on the large-|x| branch.
  const signed = v128.or(big, v128.and(x, ki(I_SIGN)));
  return v128.bitselect(signed, small, f32x4.gt(ax, k(K_TANH_SPLIT)));
}

/** erf x as tfjs-backend-cpu computes it (Abramowitz and Stegun 7.1.26), in f32. */
// @ts-ignore: decorator
@inline
export function erfV(x: v128): v128 {
  const v = f32x4.abs(x);
  const t = f32x4.div(k(K_ONE), madd(k(K_ERF_P), v, k(K_ONE)));
  const y = f32x4.sub(k(K_ONE), f32x4.mul(f32x4.mul(horner5(t, K_ERF_A), t), expV(f32x4.neg(f32x4.mul(v, v)))));
  // Math.sign(x) * y: ±0 and NaN keep their sign and NaN-ness.
  const sign = v128.bitselect(k(K_ONE), v128.bitselect(k(K_NEG_ONE), x, f32x4.lt(x, f32x4.splat(0))),
      f32x4.gt(x, f32x4.splat(0)));
  return f32x4.mul(sign, y);
}

/** selu x: SCALE x for x >= 0, SCALEALPHA (e^x - 1) below. */
// @ts-ignore: decorator
@inline
export function seluV(x: v128): v128 {
  return v128.bitselect(f32x4.mul(x, k(K_SELU_SCALE)), f32x4.mul(expm1V(x), k(K_SELU_SCALEALPHA)),
      f32x4.ge(x, f32x4.splat(0)));
}

/** softplus x as tfjs-backend-cpu computes it: x, e^x or ln(1 + e^x) by the thresholds. */
// @ts-ignore: decorator
@inline
export function softplusV(x: v128): v128 {
  const e = expV(x);
  const mid = v128.bitselect(e, log1pV(e), f32x4.lt(x, k(K_NEG_SOFTPLUS_THRESHOLD)));
  return v128.bitselect(x, mid, f32x4.gt(x, k(K_SOFTPLUS_THRESHOLD)));
}

/** 1 / x. */
// @ts-ignore: decorator
@inline
export function reciprocalV(x: v128): v128 {
  return f32x4.div(k(K_ONE), x);
}
