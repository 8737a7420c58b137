// AvgPoolGrad: each input pixel gathers dy of every window covering it, scaled by 1 / (filterH * filterW)
// (tfjs-backend-cpu's rule: the full window size, also where the forward pass counted fewer taps).
import { gatherCovering } from "./pool_window";

export function avgPoolGrad(
  dy: usize, dx: usize,
  batch: i32, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32,
): void {
  gatherCovering(dy, 0, dx, batch, inH, inW, channels, outH, outW, filterH, filterW, strideH, strideW, padTop, padLeft,
    false, 1 / <f32>(filterH * filterW));
}
