// FusedBatchNorm: y = (x - mean) * scale / sqrt(variance + epsilon) + offset.
// Each parameter has its own length and is indexed i % length (tfjs-backend-cpu's rule); a length-0
// parameter means the default (offset 0, scale 1). The parameters repeat with period P (the lcm of
// their lengths, capped at the element count), so per-position coefficients are computed once (into
// a block the host allocates) and the main loop is one sub and one multiply-add per four elements.
import { madd, maddScalar } from "./madd";

function gcd(a: i32, b: i32): i32 {
  while (b) { const t = a % b; a = b; b = t; }
  return a;
}

function lcmCapped(period: i32, length: i32, cap: i32): i32 {
  if (!length) return period;
  return <i32>min<i64>(<i64>(period / gcd(period, length)) * length, cap);
}

// @ts-ignore: decorator
@inline
function param(p: usize, length: i32, i: i32, fallback: f32): f32 {
  return length ? load<f32>(p + (<usize>(i % length) << 2)) : fallback;
}

/** The period P of the parameters for `count` elements. */
export function fusedBatchNormPeriod(meanLength: i32, varianceLength: i32, offsetLength: i32, scaleLength: i32,
  count: i32): i32 {
  let p = 1;
  p = lcmCapped(p, meanLength, count);
  p = lcmCapped(p, varianceLength, count);
  p = lcmCapped(p, offsetLength, count);
  return lcmCapped(p, scaleLength, count);
}

/** Fills `coeffs` (3 * p floats): mean | multiplier | offset per position of the period. */
export function fusedBatchNormCoefficients(
  mean: usize, meanLength: i32, variance: usize, varianceLength: i32,
  offset: usize, offsetLength: i32, scale: usize, scaleLength: i32, epsilon: f32, coeffs: usize, p: i32,
): void {
  for (let i = 0; i < p; i++) {
    const multiplier = <f32>(<f64>param(scale, scaleLength, i, 1) /
      Math.sqrt(<f64>param(variance, varianceLength, i, 0) + <f64>epsilon));
    store<f32>(coeffs + (<usize>i << 2), param(mean, meanLength, i, 0));
    store<f32>(coeffs + (<usize>(p + i) << 2), multiplier);
    store<f32>(coeffs + (<usize>(2 * p + i) << 2), param(offset, offsetLength, i, 0));
  }
}

/** Elements [begin, end) of y, with the coefficients of fusedBatchNormCoefficients. */
export function fusedBatchNorm(x: usize, coeffs: usize, p: i32, out: usize, begin: i32, end: i32): void {
  for (let i0 = begin; i0 < end;) {
    const pos = i0 % p;
    const n = min(p - pos, end - i0);
    const mPtr = coeffs + (<usize>pos << 2), kPtr = coeffs + (<usize>(p + pos) << 2);
    const bPtr = coeffs + (<usize>(2 * p + pos) << 2);
    const xs = x + (<usize>i0 << 2), ys = out + (<usize>i0 << 2);
    i0 += n;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      const centered = f32x4.sub(v128.load(xs + off), v128.load(mPtr + off));
      v128.store(ys + off, madd(centered, v128.load(kPtr + off), v128.load(bPtr + off)));
    }
    for (; i < n; i++) {
      const off = <usize>i << 2;
      store<f32>(ys + off, maddScalar(load<f32>(xs + off) - load<f32>(mPtr + off), load<f32>(kPtr + off), load<f32>(bPtr + off)));
    }
  }
}
