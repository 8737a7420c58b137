// MaxPoolGrad: dy flows to the first maximum of each window (tfjs-backend-cpu's rule, NaN never wins).
// Pass 1 records, per output element, the flat input pixel index of its maximum (four channels at a
// time); pass 2 (gatherCovering, pool_window.ts) gathers, for each input pixel, the dy of every covering
// window whose maximum it is, so every store is a full channel vector and no scatter is needed.
import { gatherCovering } from "./pool_window";

export function maxPoolGrad(
  dy: usize, x: usize, argmax: usize, dx: usize,
  batch: i32, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32,
): void {
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      const hCorner = oh * strideH - padTop;
      const hMin = max(0, hCorner), hMax = min(inH, hCorner + filterH);
      for (let ow = 0; ow < outW; ow++) {
        const wCorner = ow * strideW - padLeft;
        const wMin = max(0, wCorner), wMax = min(inW, wCorner + filterW);
        const a = argmax + ((<usize>((b * outH + oh) * outW + ow) * channels) << 2);
        let c = 0;
        for (; c + 4 <= channels; c += 4) {
          let best = f32x4.splat(-Infinity);
          let where = i32x4.splat(-1);
          for (let ih = hMin; ih < hMax; ih++) {
            for (let iw = wMin; iw < wMax; iw++) {
              const v = v128.load(x + ((<usize>((b * inH + ih) * inW + iw) * channels + c) << 2));
              const greater = f32x4.gt(v, best);
              best = v128.bitselect(v, best, greater);
              where = v128.bitselect(i32x4.splat(ih * inW + iw), where, greater);
            }
          }
          v128.store(a + (<usize>c << 2), where);
        }
        for (; c < channels; c++) {
          let best: f32 = -Infinity;
          let where = -1;
          for (let ih = hMin; ih < hMax; ih++) {
            for (let iw = wMin; iw < wMax; iw++) {
              const v = load<f32>(x + ((<usize>((b * inH + ih) * inW + iw) * channels + c) << 2));
              if (v > best) { best = v; where = ih * inW + iw; }
            }
          }
          store<i32>(a + (<usize>c << 2), where);
        }
      }
    }
  }
  gatherCovering(dy, argmax, dx, batch, inH, inW, channels, outH, outW, filterH, filterW, strideH, strideW, padTop,
    padLeft, true, 1);
}
