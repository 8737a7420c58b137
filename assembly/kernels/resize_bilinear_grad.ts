// ResizeBilinearGrad: the exact transpose of ResizeBilinear's forward pass (same source pixels and
// weights, halfPixelCenters included); each dy pixel adds its four weighted channel vectors into dx.
import { madd } from "./madd";
import { bilinearSource, resizeRatio } from "./resize_source";

// @ts-ignore: decorator
@inline
function addScaled(dst: usize, src: usize, weight: f32, channels: i32): void {
  const w = f32x4.splat(weight);
  let d = 0;
  for (; d + 4 <= channels; d += 4) {
    const off = <usize>d << 2;
    v128.store(dst + off, madd(v128.load(src + off), w, v128.load(dst + off)));
  }
  for (; d < channels; d++) {
    const off = <usize>d << 2;
    store<f32>(dst + off, load<f32>(dst + off) + load<f32>(src + off) * weight);
  }
}

export function resizeBilinearGrad(
  dy: usize, dx: usize, batch: i32, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32,
  alignCorners: bool, halfPixelCenters: bool,
): void {
  memory.fill(dx, 0, <usize>(batch * inH * inW * channels) << 2);
  const ratioH = resizeRatio(inH, outH, alignCorners);
  const ratioW = resizeRatio(inW, outW, alignCorners);
  let g = dy;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < outH; r++) {
      const srcR = bilinearSource(r, ratioH, halfPixelCenters);
      const top = <i32>Math.max(0, Math.floor(srcR));
      const bottom = <i32>Math.min(<f64>(inH - 1), Math.ceil(srcR));
      const rowFrac = srcR - <f64>top;
      const topRow = dx + ((<usize>((b * inH + top) * inW) * channels) << 2);
      const bottomRow = dx + ((<usize>((b * inH + bottom) * inW) * channels) << 2);
      for (let c = 0; c < outW; c++) {
        const srcC = bilinearSource(c, ratioW, halfPixelCenters);
        const left = <i32>Math.max(0, Math.floor(srcC));
        const right = <i32>Math.min(<f64>(inW - 1), Math.ceil(srcC));
        const colFrac = srcC - <f64>left;
        const leftOff = <usize>(left * channels) << 2;
        const rightOff = <usize>(right * channels) << 2;
        addScaled(topRow + leftOff, g, <f32>((1 - rowFrac) * (1 - colFrac)), channels);
        addScaled(topRow + rightOff, g, <f32>((1 - rowFrac) * colFrac), channels);
        addScaled(bottomRow + leftOff, g, <f32>(rowFrac * (1 - colFrac)), channels);
        addScaled(bottomRow + rightOff, g, <f32>(rowFrac * colFrac), channels);
        g += <usize>channels << 2;
      }
    }
  }
}
