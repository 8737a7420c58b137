// AvgPoolGrad: each input pixel gathers dy of every window covering it, scaled by 1 / (filterH * filterW)
// (tfjs-backend-cpu's rule: the full window size, also where the forward pass counted fewer taps).
import { firstCovering, lastCovering } from "./pool_window";

export function avgPoolGrad(
  dy: usize, dx: usize,
  batch: i32, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32,
): void {
  const scale: f32 = 1 / <f32>(filterH * filterW);
  const scaleV = f32x4.splat(scale);
  for (let b = 0; b < batch; b++) {
    for (let ih = 0; ih < inH; ih++) {
      const ohFirst = firstCovering(ih, strideH, padTop, filterH);
      const ohLast = lastCovering(ih, strideH, padTop, outH);
      for (let iw = 0; iw < inW; iw++) {
        const owFirst = firstCovering(iw, strideW, padLeft, filterW);
        const owLast = lastCovering(iw, strideW, padLeft, outW);
        const d = dx + ((<usize>((b * inH + ih) * inW + iw) * channels) << 2);
        let c = 0;
        for (; c + 4 <= channels; c += 4) {
          let sum = f32x4.splat(0);
          for (let oh = ohFirst; oh <= ohLast; oh++) {
            for (let ow = owFirst; ow <= owLast; ow++) {
              sum = f32x4.add(sum, v128.load(dy + ((<usize>((b * outH + oh) * outW + ow) * channels + c) << 2)));
            }
          }
          v128.store(d + (<usize>c << 2), f32x4.mul(sum, scaleV));
        }
        for (; c < channels; c++) {
          let sum: f32 = 0;
          for (let oh = ohFirst; oh <= ohLast; oh++) {
            for (let ow = owFirst; ow <= owLast; ow++) {
              sum += load<f32>(dy + ((<usize>((b * outH + oh) * outW + ow) * channels + c) << 2));
            }
          }
          store<f32>(d + (<usize>c << 2), sum * scale);
        }
      }
    }
  }
}
