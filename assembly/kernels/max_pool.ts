// MaxPool, NHWC, vectorized over channels. Like tfjs-backend-cpu, a NaN never wins (`pixel > best`),
// the window starts at max(0, corner) and an all-padding window gives -Infinity.
export function maxPool(
  x: usize, out: usize,
  batch: i32, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32,
  strideH: i32, strideW: i32, dilationH: i32, dilationW: i32, effFilterH: i32, effFilterW: i32,
  padTop: i32, padLeft: i32,
): void {
  const minusInf = f32x4.splat(-Infinity);
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      const hCorner = oh * strideH - padTop;
      const hMin = max(0, hCorner), hMax = min(inH, hCorner + effFilterH);
      for (let ow = 0; ow < outW; ow++) {
        const wCorner = ow * strideW - padLeft;
        const wMin = max(0, wCorner), wMax = min(inW, wCorner + effFilterW);
        const o = out + ((<usize>((b * outH + oh) * outW + ow) * channels) << 2);
        let c = 0;
        for (; c + 4 <= channels; c += 4) {
          let best = minusInf;
          for (let ih = hMin; ih < hMax; ih += dilationH) {
            for (let iw = wMin; iw < wMax; iw += dilationW) {
              const p = x + ((<usize>((b * inH + ih) * inW + iw) * channels + c) << 2);
              best = f32x4.pmax(best, v128.load(p)); // best < pixel ? pixel : best
            }
          }
          v128.store(o + (<usize>c << 2), best);
        }
        for (; c < channels; c++) {
          let best: f32 = -Infinity;
          for (let ih = hMin; ih < hMax; ih += dilationH) {
            for (let iw = wMin; iw < wMax; iw += dilationW) {
              const v = load<f32>(x + ((<usize>((b * inH + ih) * inW + iw) * channels + c) << 2));
              if (v > best) best = v;
            }
          }
          store<f32>(o + (<usize>c << 2), best);
        }
      }
    }
  }
}
