// AvgPool, NHWC, vectorized over channels: the mean of the in-bounds taps (padding is not counted),
// with the same window bounds as tfjs-backend-cpu.
export function avgPool(
  x: usize, out: usize,
  batch: i32, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32,
  strideH: i32, strideW: i32, dilationH: i32, dilationW: i32, effFilterH: i32, effFilterW: i32,
  padTop: i32, padLeft: i32,
): void {
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      const hCorner = oh * strideH - padTop;
      const hMin = max(0, hCorner), hMax = min(inH, hCorner + effFilterH);
      for (let ow = 0; ow < outW; ow++) {
        const wCorner = ow * strideW - padLeft;
        const wMin = max(0, wCorner), wMax = min(inW, wCorner + effFilterW);
        let count = 0;
        for (let ih = hMin; ih < hMax; ih += dilationH) {
          for (let iw = wMin; iw < wMax; iw += dilationW) count++;
        }
        const countF = <f32>count;
        const countV = f32x4.splat(countF);
        const o = out + ((<usize>((b * outH + oh) * outW + ow) * channels) << 2);
        let c = 0;
        for (; c + 4 <= channels; c += 4) {
          let sum = f32x4.splat(0);
          for (let ih = hMin; ih < hMax; ih += dilationH) {
            for (let iw = wMin; iw < wMax; iw += dilationW) {
              sum = f32x4.add(sum, v128.load(x + ((<usize>((b * inH + ih) * inW + iw) * channels + c) << 2)));
            }
          }
          v128.store(o + (<usize>c << 2), f32x4.div(sum, countV));
        }
        for (; c < channels; c++) {
          let sum: f32 = 0;
          for (let ih = hMin; ih < hMax; ih += dilationH) {
            for (let iw = wMin; iw < wMax; iw += dilationW) {
              sum += load<f32>(x + ((<usize>((b * inH + ih) * inW + iw) * channels + c) << 2));
            }
          }
          store<f32>(o + (<usize>c << 2), sum / countF);
        }
      }
    }
  }
}
