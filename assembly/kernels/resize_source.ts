// Where output row/column `i` samples the input, with tfjs's alignCorners / halfPixelCenters rules.
// Computed in f64 like tfjs-backend-cpu, so both pick the same source pixels.

/** in/out size ratio: (in - 1) / (out - 1) with alignCorners (and out > 1), else in / out. */
export function resizeRatio(inSize: i32, outSize: i32, alignCorners: bool): f64 {
  return alignCorners && outSize > 1 ? <f64>(inSize - 1) / <f64>(outSize - 1) : <f64>inSize / <f64>outSize;
}

// @ts-ignore: decorator
@inline
export function bilinearSource(i: i32, ratio: f64, halfPixelCenters: bool): f64 {
  return halfPixelCenters ? ratio * (<f64>i + 0.5) - 0.5 : ratio * <f64>i;
}
