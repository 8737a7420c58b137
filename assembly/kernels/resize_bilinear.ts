// ResizeBilinear, NHWC float32: per output pixel two lerps across columns and one across rows,
// four channels at a time.
import { bilinearSource, resizeRatio } from "./resize_source";

export function resizeBilinear(
  x: usize, out: usize, batch: i32, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32,
  alignCorners: bool, halfPixelCenters: bool,
): void {
  const ratioH = resizeRatio(inH, outH, alignCorners);
  const ratioW = resizeRatio(inW, outW, alignCorners);
  let o = out;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < outH; r++) {
      const srcR = bilinearSource(r, ratioH, halfPixelCenters);
      const top = <i32>Math.max(0, Math.floor(srcR));
      const bottom = <i32>Math.min(<f64>(inH - 1), Math.ceil(srcR));
      const rowFrac = <f32>(srcR - <f64>top);
      const rowFracV = f32x4.splat(rowFrac);
      const topRow = x + ((<usize>((b * inH + top) * inW) * channels) << 2);
      const bottomRow = x + ((<usize>((b * inH + bottom) * inW) * channels) << 2);
      for (let c = 0; c < outW; c++) {
        const srcC = bilinearSource(c, ratioW, halfPixelCenters);
        const left = <i32>Math.max(0, Math.floor(srcC));
        const right = <i32>Math.min(<f64>(inW - 1), Math.ceil(srcC));
        const colFrac = <f32>(srcC - <f64>left);
        const colFracV = f32x4.splat(colFrac);
        const leftOff = <usize>(left * channels) << 2;
        const rightOff = <usize>(right * channels) << 2;
        const tl = topRow + leftOff, tr = topRow + rightOff, bl = bottomRow + leftOff, br = bottomRow + rightOff;
        let d = 0;
        for (; d + 4 <= channels; d += 4) {
          const off = <usize>d << 2;
          const vtl = v128.load(tl + off), vtr = v128.load(tr + off);
          const vbl = v128.load(bl + off), vbr = v128.load(br + off);
          const vt = f32x4.add(vtl, f32x4.mul(f32x4.sub(vtr, vtl), colFracV));
          const vb = f32x4.add(vbl, f32x4.mul(f32x4.sub(vbr, vbl), colFracV));
          v128.store(o + off, f32x4.add(vt, f32x4.mul(f32x4.sub(vb, vt), rowFracV)));
        }
        for (; d < channels; d++) {
          const off = <usize>d << 2;
          const t = load<f32>(tl + off) + (load<f32>(tr + off) - load<f32>(tl + off)) * colFrac;
          const bt = load<f32>(bl + off) + (load<f32>(br + off) - load<f32>(bl + off)) * colFrac;
          store<f32>(o + off, t + (bt - t) * rowFrac);
        }
        o += <usize>channels << 2;
      }
    }
  }
}
