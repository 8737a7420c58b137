// ResizeBilinear, NHWC float32: each output pixel is its four source pixels weighted, four channels
// at a time. The source columns and weights of every output column are computed once (XNNPACK's
// precomputed interpolation), the rows once per output row.
import { madd, maddScalar } from "./madd";
import { bilinearSource, resizeRatio } from "./resize_source";

/**
 * Four channels: lerp along the row, then between the rows, in tfjs-backend-cpu's form
 * (a + (b - a) * t), so an infinite corner gives NaN there as it does on cpu.
 */
// @ts-ignore: decorator
@inline
function blend4(tl: usize, tr: usize, bl: usize, br: usize, o: usize, colFrac: v128, rowFrac: v128): void {
  const tlv = v128.load(tl), blv = v128.load(bl);
  const top = madd(f32x4.sub(v128.load(tr), tlv), colFrac, tlv);
  const bottom = madd(f32x4.sub(v128.load(br), blv), colFrac, blv);
  v128.store(o, madd(f32x4.sub(bottom, top), rowFrac, top));
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
    const srcR = bilinearSource(r, ratioH, halfPixelCenters);
    const top = <i32>Math.max(0, Math.floor(srcR));
    const bottom = <i32>Math.min(<f64>(inH - 1), Math.ceil(srcR));
    const rowFrac = <f32>(srcR - <f64>top);
    const topRow = x + <usize>((b * inH + top) * inW) * pixelBytes;
    const bottomRow = x + <usize>((b * inH + bottom) * inW) * pixelBytes;
    if (channels == 1) {
      // One channel (a mask, a depth map): plain float arithmetic per pixel, no lanes to fill.
      for (let c = 0; c < outW; c++) {
        const entry = columns + <usize>c * 12;
        const leftOff = <usize>load<u32>(entry), rightOff = <usize>load<u32>(entry, 4);
        const colFrac = load<f32>(entry, 8);
        const tlv = load<f32>(topRow + leftOff), blv = load<f32>(bottomRow + leftOff);
        const topV = tlv + (load<f32>(topRow + rightOff) - tlv) * colFrac;
        const bottomV = blv + (load<f32>(bottomRow + rightOff) - blv) * colFrac;
        store<f32>(o, topV + (bottomV - topV) * rowFrac);
        o += 4;
      }
      continue;
    }
    const rowFracs = f32x4.splat(rowFrac);
    for (let c = 0; c < outW; c++) {
      const entry = columns + <usize>c * 12;
      const leftOff = <usize>load<u32>(entry), rightOff = <usize>load<u32>(entry, 4);
      const colFrac = load<f32>(entry, 8);
      const colFracs = f32x4.splat(colFrac);
      const tl = topRow + leftOff, tr = topRow + rightOff, bl = bottomRow + leftOff, br = bottomRow + rightOff;
      let off: usize = 0;
      for (; off + 32 <= pixelBytes; off += 32) {
        blend4(tl + off, tr + off, bl + off, br + off, o + off, colFracs, rowFracs);
        blend4(tl + off + 16, tr + off + 16, bl + off + 16, br + off + 16, o + off + 16, colFracs, rowFracs);
      }
      for (; off + 16 <= pixelBytes; off += 16) blend4(tl + off, tr + off, bl + off, br + off, o + off, colFracs, rowFracs);
      for (; off < pixelBytes; off += 4) {
        const tlv = load<f32>(tl + off), blv = load<f32>(bl + off);
        const top = maddScalar(load<f32>(tr + off) - tlv, colFrac, tlv);
        const bottom = maddScalar(load<f32>(br + off) - blv, colFrac, blv);
        store<f32>(o + off, maddScalar(bottom - top, rowFrac, top));
      }
      o += pixelBytes;
    }
  }
}
