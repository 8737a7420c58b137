// MaxPool, NHWC, vectorized over channels (16 at a time in registers). Like tfjs-backend-cpu, a NaN
// never wins, the window starts at max(0, corner) and an all-padding window gives -Infinity.
import { poolRows } from "./pool_window";

/** Output rows [begin, end) of batch * outH. */
export function maxPool(
  x: usize, out: usize,
  inH: i32, inW: i32, channels: i32, outH: i32, outW: i32,
  strideH: i32, strideW: i32, dilationH: i32, dilationW: i32, effFilterH: i32, effFilterW: i32,
  padTop: i32, padLeft: i32, begin: i32, end: i32,
): void {
  poolRows(x, out, inH, inW, channels, outH, outW, strideH, strideW, dilationH, dilationW, effFilterH, effFilterW,
    padTop, padLeft, begin, end, true);
}
