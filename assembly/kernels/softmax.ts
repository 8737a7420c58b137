// Softmax over the last axis: exp(x - max) / sum, per row of `n` float32s; the sum in float64 as
// tfjs-backend-cpu's Sum accumulates. A call computes rows [begin, end).
import { expV } from "./simd_math";

export function softmax(x: usize, out: usize, n: i32, begin: i32, end: i32): void {
  const rowBytes = <usize>n << 2;
  for (let r = begin; r < end; r++) {
    const src = x + <usize>r * rowBytes, dst = out + <usize>r * rowBytes;
    let mv = f32x4.splat(-Infinity);
    let i = 0;
    for (; i + 4 <= n; i += 4) mv = f32x4.max(mv, v128.load(src + (<usize>i << 2)));
    let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)),
        max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; i < n; i++) m = max(m, load<f32>(src + (<usize>i << 2)));
    const ms = f32x4.splat(m);
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    i = 0;
    for (; i + 4 <= n; i += 4) {
      const e = expV(f32x4.sub(v128.load(src + (<usize>i << 2)), ms));
      v128.store(dst + (<usize>i << 2), e);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 0, 1)));
    }
    const sv = f64x2.add(s0, s1);
    let sum = f64x2.extract_lane(sv, 0) + f64x2.extract_lane(sv, 1);
    for (; i < n; i++) {
      const e = f32x4.extract_lane(expV(f32x4.splat(load<f32>(src + (<usize>i << 2)) - m)), 0);
      store<f32>(dst + (<usize>i << 2), e);
      sum += <f64>e;
    }
    const total = f32x4.splat(<f32>sum);
    i = 0;
    for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), f32x4.div(v128.load(dst + (<usize>i << 2)), total));
    for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(dst + (<usize>i << 2)) / <f32>sum);
  }
}
