// AvgPool, NHWC, vectorized over channels (16 at a time in registers): the mean of the in-bounds
// taps (padding is not counted), with the same window bounds as tfjs-backend-cpu.
import { reduceWindow } from "./pool_window";

export function avgPool(
  x: usize, out: usize,
  batch: i32, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32,
  strideH: i32, strideW: i32, dilationH: i32, dilationW: i32, effFilterH: i32, effFilterW: i32,
  padTop: i32, padLeft: i32, begin: i32, end: i32,
): void {
  const pixelBytes = <usize>channels << 2;
  const rowBytes = <usize>inW * pixelBytes;
  // Output rows [begin, end) of batch * outH.
  for (let row = begin; row < end; row++) {
    const b = row / outH, oh = row % outH;
    const image = x + <usize>(b * inH) * rowBytes;
    {
      const hCorner = oh * strideH - padTop;
      const hMin = max(0, hCorner), hMax = min(inH, hCorner + effFilterH);
      const rows = max(0, (hMax - hMin + dilationH - 1) / dilationH);
      for (let ow = 0; ow < outW; ow++) {
        const wCorner = ow * strideW - padLeft;
        const wMin = max(0, wCorner), wMax = min(inW, wCorner + effFilterW);
        const count = rows * max(0, (wMax - wMin + dilationW - 1) / dilationW); // 0 -> NaN, as on cpu
        const o = out + <usize>((b * outH + oh) * outW + ow) * pixelBytes;
        // 1 / count as a multiplier (tfjs-backend-cpu divides; the two agree to within an ulp).
        reduceWindow(image, o, rowBytes, pixelBytes, channels, hMin, hMax, wMin, wMax, dilationH, dilationW, false,
          <f32>(1.0 / <f64>count));
      }
    }
  }
}
