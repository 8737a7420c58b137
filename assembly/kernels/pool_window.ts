// Window helpers shared by the pooling kernels.

/**
 * MaxPool (`isMax`) or AvgPool, NHWC: output rows [begin, end) of batch * outH, each output pixel's
 * window (its in-bounds taps: the window starts at max(0, corner), as on tfjs-backend-cpu) reduced
 * by reduceWindow. AvgPool scales by 1 / (in-bounds taps): padding is not counted, and a window of
 * padding alone gives 0 * (1 / 0) = NaN, as on cpu; the multiplier agrees with cpu's division to
 * within an ulp.
 */
// @ts-ignore: decorator
@inline
export function poolRows(x: usize, out: usize, inH: i32, inW: i32, channels: i32, outH: i32, outW: i32,
  strideH: i32, strideW: i32, dilationH: i32, dilationW: i32, effFilterH: i32, effFilterW: i32,
  padTop: i32, padLeft: i32, begin: i32, end: i32, isMax: bool): void {
  const pixelBytes = <usize>channels << 2;
  const rowBytes = <usize>inW * pixelBytes;
  for (let row = begin; row < end; row++) {
    const b = row / outH, oh = row % outH;
    const image = x + <usize>(b * inH) * rowBytes;
    const hCorner = oh * strideH - padTop;
    const hMin = max(0, hCorner), hMax = min(inH, hCorner + effFilterH);
    const rows = isMax ? 0 : max(0, (hMax - hMin + dilationH - 1) / dilationH);
    for (let ow = 0; ow < outW; ow++) {
      const wCorner = ow * strideW - padLeft;
      const wMin = max(0, wCorner), wMax = min(inW, wCorner + effFilterW);
      const o = out + <usize>((b * outH + oh) * outW + ow) * pixelBytes;
      const scale: f32 = isMax ? 1 : <f32>(1.0 / <f64>(rows * max(0, (wMax - wMin + dilationW - 1) / dilationW)));
      reduceWindow(image, o, rowBytes, pixelBytes, channels, hMin, hMax, wMin, wMax, dilationH, dilationW, isMax, scale);
    }
  }
}

/**
 * Reduces the window [hMin, hMax) x [wMin, wMax) (steps dilationH, dilationW) of each channel into
 * `out`, 16 channels at a time in registers, then 4, then 1. `max` picks max-pooling (a NaN never
 * wins: `best < pixel ? pixel : best`, tfjs-backend-cpu's rule) or summing (for the average).
 */
// @ts-ignore: decorator
@inline
export function reduceWindow(x: usize, out: usize, rowBytes: usize, pixelBytes: usize, channels: i32,
  hMin: i32, hMax: i32, wMin: i32, wMax: i32, dilationH: i32, dilationW: i32, max: bool, scale: f32): void {
  const init = max ? f32x4.splat(-Infinity) : f32x4.splat(0);
  const scaleV = f32x4.splat(scale);
  let c = 0;
  for (; c + 16 <= channels; c += 16) {
    let r0 = init, r1 = init, r2 = init, r3 = init;
    for (let ih = hMin; ih < hMax; ih += dilationH) {
      for (let iw = wMin; iw < wMax; iw += dilationW) {
        const p = x + <usize>ih * rowBytes + <usize>iw * pixelBytes + (<usize>c << 2);
        if (max) {
          r0 = f32x4.pmax(r0, v128.load(p)); r1 = f32x4.pmax(r1, v128.load(p, 16));
          r2 = f32x4.pmax(r2, v128.load(p, 32)); r3 = f32x4.pmax(r3, v128.load(p, 48));
        } else {
          r0 = f32x4.add(r0, v128.load(p)); r1 = f32x4.add(r1, v128.load(p, 16));
          r2 = f32x4.add(r2, v128.load(p, 32)); r3 = f32x4.add(r3, v128.load(p, 48));
        }
      }
    }
    const o = out + (<usize>c << 2);
    if (max) {
      v128.store(o, r0); v128.store(o, r1, 16); v128.store(o, r2, 32); v128.store(o, r3, 48);
    } else {
      v128.store(o, f32x4.mul(r0, scaleV)); v128.store(o, f32x4.mul(r1, scaleV), 16);
      v128.store(o, f32x4.mul(r2, scaleV), 32); v128.store(o, f32x4.mul(r3, scaleV), 48);
    }
  }
  for (; c + 4 <= channels; c += 4) {
    let r = init;
    for (let ih = hMin; ih < hMax; ih += dilationH) {
      for (let iw = wMin; iw < wMax; iw += dilationW) {
        const v = v128.load(x + <usize>ih * rowBytes + <usize>iw * pixelBytes + (<usize>c << 2));
        r = max ? f32x4.pmax(r, v) : f32x4.add(r, v);
      }
    }
    v128.store(out + (<usize>c << 2), max ? r : f32x4.mul(r, scaleV));
  }
  for (; c < channels; c++) {
    let r: f32 = max ? -Infinity : 0;
    for (let ih = hMin; ih < hMax; ih += dilationH) {
      for (let iw = wMin; iw < wMax; iw += dilationW) {
        const v = load<f32>(x + <usize>ih * rowBytes + <usize>iw * pixelBytes + (<usize>c << 2));
        if (max) { if (v > r) r = v; } else r += v;
      }
    }
    store<f32>(out + (<usize>c << 2), max ? r : r * scale);
  }
}

/**
 * The gradient pass of AvgPoolGrad and MaxPoolGrad: each input pixel gathers the dy of every window
 * covering it (firstCovering to lastCovering), four channels at a time, so every store is a full
 * channel vector and no scatter is needed. MaxPoolGrad (`isMax`) counts a window's dy only where
 * `argmax` (per output element, the flat input pixel index of its maximum) names this pixel;
 * AvgPoolGrad multiplies the sum by `scale`.
 */
// @ts-ignore: decorator
@inline
export function gatherCovering(dy: usize, argmax: usize, dx: usize, batch: i32, inH: i32, inW: i32, channels: i32,
  outH: i32, outW: i32, filterH: i32, filterW: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32,
  isMax: bool, scale: f32): void {
  const scaleV = f32x4.splat(scale);
  for (let b = 0; b < batch; b++) {
    for (let ih = 0; ih < inH; ih++) {
      const ohFirst = firstCovering(ih, strideH, padTop, filterH);
      const ohLast = lastCovering(ih, strideH, padTop, outH);
      for (let iw = 0; iw < inW; iw++) {
        const owFirst = firstCovering(iw, strideW, padLeft, filterW);
        const owLast = lastCovering(iw, strideW, padLeft, outW);
        const here = ih * inW + iw;
        const hereV = i32x4.splat(here);
        const d = dx + ((<usize>((b * inH + ih) * inW + iw) * channels) << 2);
        let c = 0;
        for (; c + 4 <= channels; c += 4) {
          let sum = f32x4.splat(0);
          for (let oh = ohFirst; oh <= ohLast; oh++) {
            for (let ow = owFirst; ow <= owLast; ow++) {
              const off = (<usize>((b * outH + oh) * outW + ow) * channels + c) << 2;
              const v = v128.load(dy + off);
              sum = f32x4.add(sum, isMax ? v128.and(v, i32x4.eq(v128.load(argmax + off), hereV)) : v);
            }
          }
          v128.store(d + (<usize>c << 2), isMax ? sum : f32x4.mul(sum, scaleV));
        }
        for (; c < channels; c++) {
          let sum: f32 = 0;
          for (let oh = ohFirst; oh <= ohLast; oh++) {
            for (let ow = owFirst; ow <= owLast; ow++) {
              const off = (<usize>((b * outH + oh) * outW + ow) * channels + c) << 2;
              if (!isMax || load<i32>(argmax + off) == here) sum += load<f32>(dy + off);
            }
          }
          store<f32>(d + (<usize>c << 2), isMax ? sum : sum * scale);
        }
      }
    }
  }
}

// The output rows (or columns) whose pooling window covers input row `i`:
// oh * stride - pad <= i <= oh * stride - pad + filter - 1, clipped to [0, outSize).
// @ts-ignore: decorator
@inline
export function firstCovering(i: i32, stride: i32, pad: i32, filter: i32): i32 {
  const lo = i + pad - filter + 1;
  return lo <= 0 ? 0 : (lo + stride - 1) / stride;
}

// @ts-ignore: decorator
@inline
export function lastCovering(i: i32, stride: i32, pad: i32, outSize: i32): i32 {
  const hi = i + pad;
  return hi < 0 ? -1 : min(outSize - 1, hi / stride);
}
