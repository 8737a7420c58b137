// Sum over the middle axis of a float32 array seen as [outer, reduce, inner], divided by `divisor`
// (1 for Sum, the count for Mean). Sums accumulate in float64, as tfjs-backend-cpu's do, so long
// reductions (BatchNorm's statistics over N*H*W) keep float32 precision.

// @ts-ignore: decorator
@inline
function sumRun(p: usize, n: i32): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    const v = v128.load(p + (<usize>r << 2));
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; r < n; r++) s += <f64>load<f32>(p + (<usize>r << 2));
  return s;
}

export function reduceSum(src: usize, dst: usize, outer: i32, reduce: i32, inner: i32, divisor: f64): void {
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const base = src + <usize>o * <usize>reduce * rowBytes;
    const out = dst + <usize>o * rowBytes;
    if (inner == 1) {
      store<f32>(out, <f32>(sumRun(base, reduce) / divisor));
      continue;
    }
    // Blocks of 8 columns, then 4, summed down every row with the sums in registers (each column
    // still adds its rows in order from 0, so the result is the same as one column at a time).
    let i = 0;
    for (; i + 8 <= inner; i += 8) sumColumns8(base + (<usize>i << 2), out + (<usize>i << 2), reduce, rowBytes, divisor);
    for (; i + 4 <= inner; i += 4) sumColumns4(base + (<usize>i << 2), out + (<usize>i << 2), reduce, rowBytes, divisor);
    for (; i < inner; i++) {
      let sum: f64 = 0;
      for (let r = 0; r < reduce; r++) sum += <f64>load<f32>(base + <usize>r * rowBytes + (<usize>i << 2));
      store<f32>(out + (<usize>i << 2), <f32>(sum / divisor));
    }
  }
}

/** Four float64 lanes of a float32x4 as two f64x2: lanes 0, 1 and 2, 3. */
// @ts-ignore: decorator
@inline
function highF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

/** `out[0, 4)` = float32(a / divisor), the sums of four columns in two f64x2. */
// @ts-ignore: decorator
@inline
function storeSums(out: usize, a0: v128, a1: v128, divisor: v128): void {
  const lo = f32x4.demote_f64x2_zero(f64x2.div(a0, divisor));
  const hi = f32x4.demote_f64x2_zero(f64x2.div(a1, divisor));
  v128.store(out, i32x4.shuffle(lo, hi, 0, 1, 4, 5));
}

function sumColumns8(p: usize, out: usize, rows: i32, rowBytes: usize, divisor: f64): void {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  for (let r = 0; r < rows; r++) {
    const v = v128.load(p), w = v128.load(p, 16);
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
    a1 = f64x2.add(a1, highF64(v));
    a2 = f64x2.add(a2, f64x2.promote_low_f32x4(w));
    a3 = f64x2.add(a3, highF64(w));
    p += rowBytes;
  }
  const d = f64x2.splat(divisor);
  storeSums(out, a0, a1, d);
  storeSums(out + 16, a2, a3, d);
}

function sumColumns4(p: usize, out: usize, rows: i32, rowBytes: usize, divisor: f64): void {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  for (let r = 0; r < rows; r++) {
    const v = v128.load(p);
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
    a1 = f64x2.add(a1, highF64(v));
    p += rowBytes;
  }
  storeSums(out, a0, a1, f64x2.splat(divisor));
}

/** Max or Min over the middle axis of [outer, reduce, inner] (reduce >= 1): NaN wins, as on tfjs-backend-cpu. */
// @ts-ignore: decorator
@inline
function extreme<T>(isMax: bool, src: usize, dst: usize, outer: i32, reduce: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const base = src + <usize>o * <usize>reduce * rowBytes;
    const out = dst + <usize>o * rowBytes;
    // Row 0, then every further row folded in, four lanes at a time.
    memory.copy(out, base, rowBytes);
    for (let r = 1; r < reduce; r++) {
      const row = base + <usize>r * rowBytes;
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        const off = <usize>i << 2;
        const a = v128.load(out + off), b = v128.load(row + off);
        if (isFloat<T>()) v128.store(out + off, isMax ? f32x4.max(a, b) : f32x4.min(a, b));
        else v128.store(out + off, isMax ? i32x4.max_s(a, b) : i32x4.min_s(a, b));
      }
      for (; i < inner; i++) {
        const off = <usize>i << 2;
        const a = load<T>(out + off), b = load<T>(row + off);
        // NaN wins: a NaN in `a` stays (comparisons false), a NaN in `b` replaces.
        const take = isMax ? (b > a || b != b) : (b < a || b != b);
        if (take) store<T>(out + off, b);
      }
    }
  }
}

function maxF32(src: usize, dst: usize, outer: i32, reduce: i32, inner: i32): void {
  extreme<f32>(true, src, dst, outer, reduce, inner);
}
function minF32(src: usize, dst: usize, outer: i32, reduce: i32, inner: i32): void {
  extreme<f32>(false, src, dst, outer, reduce, inner);
}
function maxI32(src: usize, dst: usize, outer: i32, reduce: i32, inner: i32): void {
  extreme<i32>(true, src, dst, outer, reduce, inner);
}
function minI32(src: usize, dst: usize, outer: i32, reduce: i32, inner: i32): void {
  extreme<i32>(false, src, dst, outer, reduce, inner);
}

/** Max (or with `isMin`, Min) of float32 or int32 over the middle axis, one function per case (see binary_broadcast.ts). */
export function reduceExtreme(
  isMin: bool, float: bool, src: usize, dst: usize, outer: i32, reduce: i32, inner: i32): void {
  if (float) {
    if (isMin) minF32(src, dst, outer, reduce, inner);
    else maxF32(src, dst, outer, reduce, inner);
  } else if (isMin) minI32(src, dst, outer, reduce, inner);
  else maxI32(src, dst, outer, reduce, inner);
}
