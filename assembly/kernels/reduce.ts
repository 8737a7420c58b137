// Sum over the middle axis of a float32 array seen as [outer, reduce, inner], divided by `divisor`
// (1 for Sum, the count for Mean). Sums accumulate in float64, as tfjs-backend-cpu's do, so long
// reductions (BatchNorm's statistics over N*H*W) keep float32 precision. `acc`: inner float64s of
// scratch from the host.

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

export function reduceSum(src: usize, dst: usize, outer: i32, reduce: i32, inner: i32, divisor: f64, acc: usize): void {
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const base = src + <usize>o * <usize>reduce * rowBytes;
    const out = dst + <usize>o * rowBytes;
    if (inner == 1) {
      store<f32>(out, <f32>(sumRun(base, reduce) / divisor));
      continue;
    }
    memory.fill(acc, 0, <usize>inner << 3);
    for (let r = 0; r < reduce; r++) {
      const row = base + <usize>r * rowBytes;
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        const v = v128.load(row + (<usize>i << 2));
        const a = acc + (<usize>i << 3);
        v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v)));
        v128.store(a, f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
      }
      for (; i < inner; i++) {
        const a = acc + (<usize>i << 3);
        store<f64>(a, load<f64>(a) + <f64>load<f32>(row + (<usize>i << 2)));
      }
    }
    for (let i = 0; i < inner; i++) store<f32>(out + (<usize>i << 2), <f32>(load<f64>(acc + (<usize>i << 3)) / divisor));
  }
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
