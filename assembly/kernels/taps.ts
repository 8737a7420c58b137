// A filter's taps along one axis that fall inside the image, for the convolutions that skip padded
// taps (as tfjs-backend-cpu skips them) instead of testing each one.

/**
 * The first k in [0, count) with start + k * step >= 0, and one past the last with start + k * step
 * < size, as the high and low halves: a filter's taps that fall inside the image along one axis.
 */
// @ts-ignore: decorator
@inline
export function tapRange(start: i32, step: i32, count: i32, size: i32): u64 {
  let k0 = 0;
  if (start < 0) k0 = min(count, (-start + step - 1) / step);
  let k1 = count;
  const last = start + (count - 1) * step;
  if (last >= size) k1 = max(k0, count - (last - size + step) / step);
  return (<u64>k0 << 32) | <u64>k1;
}
