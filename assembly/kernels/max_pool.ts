// MaxPool, NHWC, vectorized over channels (16 at a time in registers). Like tfjs-backend-cpu, a NaN
// never wins, the window starts at max(0, corner) and an all-padding window gives -Infinity.
import { reduceWindow } from "./pool_window";

export function maxPool(
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
      for (let ow = 0; ow < outW; ow++) {
        const wCorner = ow * strideW - padLeft;
        const o = out + <usize>((b * outH + oh) * outW + ow) * pixelBytes;
        reduceWindow(image, o, rowBytes, pixelBytes, channels, hMin, hMax, max(0, wCorner), min(inW, wCorner + effFilterW),
          dilationH, dilationW, true, 1);
      }
    }
  }
}
