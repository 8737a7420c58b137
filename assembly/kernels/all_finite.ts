// Whether a block of float32 values holds no NaN and no infinity: x - x is 0 for finite x, NaN
// otherwise, and one NaN makes the sum NaN.

export function allFinite(x: usize, count: i32): bool {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    acc = f32x4.add(acc, f32x4.sub(v, v));
  }
  let sum: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) +
    f32x4.extract_lane(acc, 3);
  for (; i < count; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    sum += v - v;
  }
  return sum == 0;
}
