// ResizeBilinear, NHWC float32: per output pixel two lerps across columns and one across rows, four
// channels at a time. The source columns and weights of every output column are computed once
// (XNNPACK's precomputed interpolation), the rows once per output row.
import { bilinearSource, resizeRatio } from "./resize_source";

/** Four channels: two lerps across columns, one across rows. */
// @ts-ignore: decorator
@inline
function lerp4(tl: usize, tr: usize, bl: usize, br: usize, o: usize, colFracV: v128, rowFracV: v128): void {
  const vtl = v128.load(tl), vtr = v128.load(tr);
  const vbl = v128.load(bl), vbr = v128.load(br);
  const vt = f32x4.add(vtl, f32x4.mul(f32x4.sub(vtr, vtl), colFracV));
  const vb = f32x4.add(vbl, f32x4.mul(f32x4.sub(vbr, vbl), colFracV));
  v128.store(o, f32x4.add(vt, f32x4.mul(f32x4.sub(vb, vt), rowFracV)));
}

export function resizeBilinear(
  x: usize, out: usize, batch: i32, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32,
  alignCorners: bool, halfPixelCenters: bool,
): void {
  const ratioH = resizeRatio(inH, outH, alignCorners);
  const ratioW = resizeRatio(inW, outW, alignCorners);
  const pixelBytes = <usize>channels << 2;
  // Per output column: byte offsets of the left and right source pixels, and the weight of the right.
  const columns = heap.alloc(<usize>outW * 12);
  for (let c = 0; c < outW; c++) {
    const srcC = bilinearSource(c, ratioW, halfPixelCenters);
    const left = <i32>Math.max(0, Math.floor(srcC));
    const right = <i32>Math.min(<f64>(inW - 1), Math.ceil(srcC));
    const entry = columns + <usize>c * 12;
    store<u32>(entry, <u32>(<usize>left * pixelBytes));
    store<u32>(entry, <u32>(<usize>right * pixelBytes), 4);
    store<f32>(entry, <f32>(srcC - <f64>left), 8);
  }
  let o = out;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < outH; r++) {
      const srcR = bilinearSource(r, ratioH, halfPixelCenters);
      const top = <i32>Math.max(0, Math.floor(srcR));
      const bottom = <i32>Math.min(<f64>(inH - 1), Math.ceil(srcR));
      const rowFrac = <f32>(srcR - <f64>top);
      const rowFracV = f32x4.splat(rowFrac);
      const topRow = x + <usize>((b * inH + top) * inW) * pixelBytes;
      const bottomRow = x + <usize>((b * inH + bottom) * inW) * pixelBytes;
      for (let c = 0; c < outW; c++) {
        const entry = columns + <usize>c * 12;
        const leftOff = <usize>load<u32>(entry), rightOff = <usize>load<u32>(entry, 4);
        const colFrac = load<f32>(entry, 8);
        const colFracV = f32x4.splat(colFrac);
        const tl = topRow + leftOff, tr = topRow + rightOff, bl = bottomRow + leftOff, br = bottomRow + rightOff;
        let off: usize = 0;
        for (; off + 32 <= pixelBytes; off += 32) {
          lerp4(tl + off, tr + off, bl + off, br + off, o + off, colFracV, rowFracV);
          lerp4(tl + off + 16, tr + off + 16, bl + off + 16, br + off + 16, o + off + 16, colFracV, rowFracV);
        }
        for (; off + 16 <= pixelBytes; off += 16) lerp4(tl + off, tr + off, bl + off, br + off, o + off, colFracV, rowFracV);
        for (; off < pixelBytes; off += 4) {
          const t = load<f32>(tl + off) + (load<f32>(tr + off) - load<f32>(tl + off)) * colFrac;
          const bt = load<f32>(bl + off) + (load<f32>(br + off) - load<f32>(bl + off)) * colFrac;
          store<f32>(o + off, t + (bt - t) * rowFrac);
        }
        o += pixelBytes;
      }
    }
  }
  heap.free(columns);
}
