// ResizeBilinear, NHWC float32: each output pixel is its four source pixels weighted, four channels
// at a time. The source columns and weights of every output column are computed once (XNNPACK's
// precomputed interpolation), the rows once per output row.
import { madd } from "./madd";
import { bilinearSource, resizeRatio } from "./resize_source";

/** Four channels: the four corners weighted (weights per output pixel, computed once). */
// @ts-ignore: decorator
@inline
function blend4(tl: usize, tr: usize, bl: usize, br: usize, o: usize, wtl: v128, wtr: v128, wbl: v128, wbr: v128): void {
  const top = madd(v128.load(tr), wtr, f32x4.mul(v128.load(tl), wtl));
  const bottom = madd(v128.load(br), wbr, f32x4.mul(v128.load(bl), wbl));
  v128.store(o, f32x4.add(top, bottom));
}

/**
 * Fills `columns` (outW entries of 12 bytes): per output column, the byte offsets of its left and
 * right source pixels and the weight of the right one.
 */
export function resizeBilinearColumns(columns: usize, inW: i32, channels: i32, outW: i32, alignCorners: bool,
  halfPixelCenters: bool): void {
  const ratioW = resizeRatio(inW, outW, alignCorners);
  const pixelBytes = <usize>channels << 2;
  for (let c = 0; c < outW; c++) {
    const srcC = bilinearSource(c, ratioW, halfPixelCenters);
    const left = <i32>Math.max(0, Math.floor(srcC));
    const right = <i32>Math.min(<f64>(inW - 1), Math.ceil(srcC));
    const entry = columns + <usize>c * 12;
    store<u32>(entry, <u32>(<usize>left * pixelBytes));
    store<u32>(entry, <u32>(<usize>right * pixelBytes), 4);
    store<f32>(entry, <f32>(srcC - <f64>left), 8);
  }
}

/** Output rows [begin, end) of batch * outH, with the column table of resizeBilinearColumns. */
export function resizeBilinear(
  x: usize, out: usize, columns: usize, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32,
  alignCorners: bool, halfPixelCenters: bool, begin: i32, end: i32,
): void {
  const ratioH = resizeRatio(inH, outH, alignCorners);
  const pixelBytes = <usize>channels << 2;
  let o = out + <usize>(begin * outW) * pixelBytes;
  for (let outRow = begin; outRow < end; outRow++) {
    const b = outRow / outH, r = outRow % outH;
    {
      const srcR = bilinearSource(r, ratioH, halfPixelCenters);
      const top = <i32>Math.max(0, Math.floor(srcR));
      const bottom = <i32>Math.min(<f64>(inH - 1), Math.ceil(srcR));
      const rowFrac = <f32>(srcR - <f64>top);
      const topRow = x + <usize>((b * inH + top) * inW) * pixelBytes;
      const bottomRow = x + <usize>((b * inH + bottom) * inW) * pixelBytes;
      for (let c = 0; c < outW; c++) {
        const entry = columns + <usize>c * 12;
        const leftOff = <usize>load<u32>(entry), rightOff = <usize>load<u32>(entry, 4);
        const colFrac = load<f32>(entry, 8);
        const wtl = f32x4.splat((1 - colFrac) * (1 - rowFrac)), wtr = f32x4.splat(colFrac * (1 - rowFrac));
        const wbl = f32x4.splat((1 - colFrac) * rowFrac), wbr = f32x4.splat(colFrac * rowFrac);
        const tl = topRow + leftOff, tr = topRow + rightOff, bl = bottomRow + leftOff, br = bottomRow + rightOff;
        let off: usize = 0;
        for (; off + 32 <= pixelBytes; off += 32) {
          blend4(tl + off, tr + off, bl + off, br + off, o + off, wtl, wtr, wbl, wbr);
          blend4(tl + off + 16, tr + off + 16, bl + off + 16, br + off + 16, o + off + 16, wtl, wtr, wbl, wbr);
        }
        for (; off + 16 <= pixelBytes; off += 16) blend4(tl + off, tr + off, bl + off, br + off, o + off, wtl, wtr, wbl, wbr);
        for (; off < pixelBytes; off += 4) {
          const top = load<f32>(tl + off) * f32x4.extract_lane(wtl, 0) + load<f32>(tr + off) * f32x4.extract_lane(wtr, 0);
          const bottom = load<f32>(bl + off) * f32x4.extract_lane(wbl, 0) + load<f32>(br + off) * f32x4.extract_lane(wbr, 0);
          store<f32>(o + off, top + bottom);
        }
        o += pixelBytes;
      }
    }
  }
}
