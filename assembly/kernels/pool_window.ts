// The output rows (or columns) whose pooling window covers input row `i`:
// oh * stride - pad <= i <= oh * stride - pad + filter - 1, clipped to [0, outSize).
// @ts-ignore: decorator
@inline
export function firstCovering(i: i32, stride: i32, pad: i32, filter: i32): i32 {
  const lo = i + pad - filter + 1;
  return lo <= 0 ? 0 : (lo + stride - 1) / stride;
}

// @ts-ignore: decorator
@inline
export function lastCovering(i: i32, stride: i32, pad: i32, outSize: i32): i32 {
  const hi = i + pad;
  return hi < 0 ? -1 : min(outSize - 1, hi / stride);
}
