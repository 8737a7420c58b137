// Dot product of two float32 rows, four lanes at a time with a scalar tail.
// @ts-ignore: decorator
@inline
export function dot(a: usize, b: usize, n: i32): f32 {
  let acc0 = f32x4.splat(0), acc1 = acc0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const off = <usize>i << 2;
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + off), v128.load(b + off)));
    acc1 = f32x4.add(acc1, f32x4.mul(v128.load(a + off, 16), v128.load(b + off, 16)));
  }
  acc0 = f32x4.add(acc0, acc1);
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(a + off), v128.load(b + off)));
  }
  let sum = f32x4.extract_lane(acc0, 0) + f32x4.extract_lane(acc0, 1) +
    f32x4.extract_lane(acc0, 2) + f32x4.extract_lane(acc0, 3);
  for (; i < n; i++) {
    const off = <usize>i << 2;
    sum += load<f32>(a + off) * load<f32>(b + off);
  }
  return sum;
}
