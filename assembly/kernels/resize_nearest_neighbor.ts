// ResizeNearestNeighbor, NHWC, any 4-byte dtype: each output pixel copies one input pixel's channels.
import { resizeRatio } from "./resize_source";

// @ts-ignore: decorator
@inline
function nearest(i: i32, ratio: f64, inSize: i32, alignCorners: bool, halfPixelCenters: bool): i32 {
  const src = halfPixelCenters ? ratio * (<f64>i + 0.5) : ratio * <f64>i;
  let n = <i32>Math.min(<f64>(inSize - 1), alignCorners ? Math.round(src) : Math.floor(src));
  return halfPixelCenters ? max(0, n) : n;
}

export function resizeNearestNeighbor(
  x: usize, out: usize, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32,
  alignCorners: bool, halfPixelCenters: bool, begin: i32, end: i32,
): void {
  const ratioH = resizeRatio(inH, outH, alignCorners);
  const ratioW = resizeRatio(inW, outW, alignCorners);
  const pixelBytes = <usize>channels << 2;
  // Output rows [begin, end) of batch * outH.
  let o = out + <usize>(begin * outW) * pixelBytes;
  for (let outRow = begin; outRow < end; outRow++) {
    const b = outRow / outH, r = outRow % outH;
    const row = x + <usize>((b * inH + nearest(r, ratioH, inH, alignCorners, halfPixelCenters)) * inW) * pixelBytes;
    for (let c = 0; c < outW; c++) {
      const src = row + <usize>nearest(c, ratioW, inW, alignCorners, halfPixelCenters) * pixelBytes;
      let off: usize = 0;
      for (; off + 16 <= pixelBytes; off += 16) v128.store(o + off, v128.load(src + off));
      for (; off < pixelBytes; off += 4) store<i32>(o + off, load<i32>(src + off));
      o += pixelBytes;
    }
  }
}
