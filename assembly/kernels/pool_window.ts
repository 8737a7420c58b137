// Window helpers shared by the pooling kernels.

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
