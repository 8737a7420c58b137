// DepthwiseConv2dNative and FusedDepthwiseConv2D: NHWC input [b, h, w, C], filter [kh, kw, C, M],
// output channel c*M + q, plus an optional per-channel bias and a fused activation.
// The store clamps (linear, relu, relu6); other activations take a pass over the row after it.
// Per output pixel the taps that fall inside the image form one rectangle (its rows from the
// output row, its columns from the pixel), so the inner loops run over in-bounds taps only: no
// padding test per tap, and padded taps are skipped as tfjs-backend-cpu skips them. Channel
// multiplier 1 (MobileNets' case) keeps 4 channels in one register across all taps; larger
// multipliers vectorize over q.
import { applyActivation, clampHigh, clampLow, clampV, isClampActivation } from "./activation";
import { madd, maddScalar } from "./madd";
import { tapRange } from "./taps";

/**
 * One output pixel, multiplier 1: `o[c] = act(bias[c] + sum over taps x[c] * w[c])`. Sixteen
 * channels per pass over the taps where there are, so the tap loops' cost is shared by four vectors.
 */
// @ts-ignore: decorator
@inline
function pixelM1(xp: usize, wp: usize, bias: usize, o: usize, channels: i32, kh0: i32, kh1: i32, kw0: i32, kw1: i32,
  xRowStep: usize, xColStep: usize, wRowStep: usize, low: v128, high: v128): void {
  const cBytes = <usize>channels << 2;
  let c = 0;
  for (; c + 16 <= channels; c += 16) {
    const off = <usize>c << 2;
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    if (bias) {
      a0 = v128.load(bias + off); a1 = v128.load(bias + off, 16); a2 = v128.load(bias + off, 32); a3 = v128.load(bias + off, 48);
    }
    for (let kh = kh0; kh < kh1; kh++) {
      let xr = xp + <usize>kh * xRowStep + off + <usize>kw0 * xColStep;
      let wr = wp + <usize>kh * wRowStep + off + <usize>kw0 * cBytes;
      for (let kw = kw0; kw < kw1; kw++) {
        a0 = madd(v128.load(xr), v128.load(wr), a0);
        a1 = madd(v128.load(xr, 16), v128.load(wr, 16), a1);
        a2 = madd(v128.load(xr, 32), v128.load(wr, 32), a2);
        a3 = madd(v128.load(xr, 48), v128.load(wr, 48), a3);
        xr += xColStep;
        wr += cBytes;
      }
    }
    v128.store(o + off, clampV(a0, low, high));
    v128.store(o + off, clampV(a1, low, high), 16);
    v128.store(o + off, clampV(a2, low, high), 32);
    v128.store(o + off, clampV(a3, low, high), 48);
  }
  for (; c + 4 <= channels; c += 4) {
    const off = <usize>c << 2;
    let acc = bias ? v128.load(bias + off) : f32x4.splat(0);
    for (let kh = kh0; kh < kh1; kh++) {
      const xr = xp + <usize>kh * xRowStep + off;
      const wr = wp + <usize>kh * wRowStep + off;
      for (let kw = kw0; kw < kw1; kw++) {
        acc = madd(v128.load(xr + <usize>kw * xColStep), v128.load(wr + <usize>kw * cBytes), acc);
      }
    }
    v128.store(o + off, clampV(acc, low, high));
  }
  if (c < channels) pixelM1Tail(xp, wp, bias, o, c, channels, kh0, kh1, kw0, kw1, xRowStep, xColStep, wRowStep, low, high);
}

/** The channels [c0, channels) of pixelM1 that do not fill a vector, one at a time. */
function pixelM1Tail(xp: usize, wp: usize, bias: usize, o: usize, c0: i32, channels: i32, kh0: i32, kh1: i32, kw0: i32,
  kw1: i32, xRowStep: usize, xColStep: usize, wRowStep: usize, low: v128, high: v128): void {
  const cBytes = <usize>channels << 2;
  for (let c = c0; c < channels; c++) {
    const off = <usize>c << 2;
    let acc: f32 = bias ? load<f32>(bias + off) : 0;
    for (let kh = kh0; kh < kh1; kh++) {
      const xr = xp + <usize>kh * xRowStep + off;
      const wr = wp + <usize>kh * wRowStep + off;
      for (let kw = kw0; kw < kw1; kw++) {
        acc = maddScalar(load<f32>(xr + <usize>kw * xColStep), load<f32>(wr + <usize>kw * cBytes), acc);
      }
    }
    store<f32>(o + off, f32x4.extract_lane(clampV(f32x4.splat(acc), low, high), 0));
  }
}

/**
 * `count` interior pixels of a `k` x `k` filter (3 or 5, a constant), multiplier 1, 4 channels at
 * a time. `xp` and `o` are the first pixel's tap (0, 0) and output; pixels are `pixelStep` bytes
 * apart in x. At stride 1 two neighbouring pixels go together, each input vector of a row serving
 * both (a 5x5 pair loads 55 vectors instead of 100). A 3x3 filter's nine weights and the bias stay
 * in registers across the pixels; a 5x5 filter's 25 do not fit, so each is loaded per use (the
 * block's weights stay in L1) with the taps unrolled.
 */
// @ts-ignore: decorator
@inline
function strip(k: i32, xp: usize, wp: usize, bias: usize, o: usize, count: i32, channels: i32, xRowStep: usize,
  xColStep: usize, pixelStep: usize, low: v128, high: v128): void {
  const cBytes = <usize>channels << 2;
  const pairs = pixelStep == xColStep ? count >> 1 : 0;
  for (let c = 0; c + 4 <= channels; c += 4) {
    const off = <usize>c << 2;
    const w = wp + off;
    const b = bias ? v128.load(bias + off) : f32x4.splat(0);
    let x0 = xp + off;
    let op = o + off;
    if (k == 3) {
      const w0 = v128.load(w), w1 = v128.load(w + cBytes), w2 = v128.load(w + 2 * cBytes);
      const w3 = v128.load(w + 3 * cBytes), w4 = v128.load(w + 4 * cBytes), w5 = v128.load(w + 5 * cBytes);
      const w6 = v128.load(w + 6 * cBytes), w7 = v128.load(w + 7 * cBytes), w8 = v128.load(w + 8 * cBytes);
      for (let i = 0; i < pairs; i++) {
        let acc0 = b, acc1 = b;
        let xr = x0;
        let v0 = v128.load(xr), v1 = v128.load(xr + xColStep), v2 = v128.load(xr + 2 * xColStep), v3 = v128.load(xr + 3 * xColStep);
        acc0 = madd(v0, w0, acc0); acc1 = madd(v1, w0, acc1);
        acc0 = madd(v1, w1, acc0); acc1 = madd(v2, w1, acc1);
        acc0 = madd(v2, w2, acc0); acc1 = madd(v3, w2, acc1);
        xr += xRowStep;
        v0 = v128.load(xr); v1 = v128.load(xr + xColStep); v2 = v128.load(xr + 2 * xColStep); v3 = v128.load(xr + 3 * xColStep);
        acc0 = madd(v0, w3, acc0); acc1 = madd(v1, w3, acc1);
        acc0 = madd(v1, w4, acc0); acc1 = madd(v2, w4, acc1);
        acc0 = madd(v2, w5, acc0); acc1 = madd(v3, w5, acc1);
        xr += xRowStep;
        v0 = v128.load(xr); v1 = v128.load(xr + xColStep); v2 = v128.load(xr + 2 * xColStep); v3 = v128.load(xr + 3 * xColStep);
        acc0 = madd(v0, w6, acc0); acc1 = madd(v1, w6, acc1);
        acc0 = madd(v1, w7, acc0); acc1 = madd(v2, w7, acc1);
        acc0 = madd(v2, w8, acc0); acc1 = madd(v3, w8, acc1);
        v128.store(op, clampV(acc0, low, high));
        v128.store(op + cBytes, clampV(acc1, low, high));
        x0 += 2 * pixelStep;
        op += 2 * cBytes;
      }
      for (let i = pairs * 2; i < count; i++) {
        const x1 = x0 + xRowStep, x2 = x1 + xRowStep;
        let acc = madd(v128.load(x0), w0, b);
        acc = madd(v128.load(x0 + xColStep), w1, acc);
        acc = madd(v128.load(x0 + 2 * xColStep), w2, acc);
        acc = madd(v128.load(x1), w3, acc);
        acc = madd(v128.load(x1 + xColStep), w4, acc);
        acc = madd(v128.load(x1 + 2 * xColStep), w5, acc);
        acc = madd(v128.load(x2), w6, acc);
        acc = madd(v128.load(x2 + xColStep), w7, acc);
        acc = madd(v128.load(x2 + 2 * xColStep), w8, acc);
        v128.store(op, clampV(acc, low, high));
        x0 += pixelStep;
        op += cBytes;
      }
    } else {
      for (let i = 0; i < pairs; i++) {
        let acc0 = b, acc1 = b;
        let xr = x0, wr = w;
        for (let kh = 0; kh < 5; kh++) {
          const v0 = v128.load(xr), v1 = v128.load(xr + xColStep), v2 = v128.load(xr + 2 * xColStep);
          const v3 = v128.load(xr + 3 * xColStep), v4 = v128.load(xr + 4 * xColStep), v5 = v128.load(xr + 5 * xColStep);
          let kv = v128.load(wr);
          acc0 = madd(v0, kv, acc0); acc1 = madd(v1, kv, acc1);
          kv = v128.load(wr + cBytes);
          acc0 = madd(v1, kv, acc0); acc1 = madd(v2, kv, acc1);
          kv = v128.load(wr + 2 * cBytes);
          acc0 = madd(v2, kv, acc0); acc1 = madd(v3, kv, acc1);
          kv = v128.load(wr + 3 * cBytes);
          acc0 = madd(v3, kv, acc0); acc1 = madd(v4, kv, acc1);
          kv = v128.load(wr + 4 * cBytes);
          acc0 = madd(v4, kv, acc0); acc1 = madd(v5, kv, acc1);
          xr += xRowStep;
          wr += 5 * cBytes;
        }
        v128.store(op, clampV(acc0, low, high));
        v128.store(op + cBytes, clampV(acc1, low, high));
        x0 += 2 * pixelStep;
        op += 2 * cBytes;
      }
      for (let i = pairs * 2; i < count; i++) {
        let acc = b;
        let xr = x0, wr = w;
        for (let kh = 0; kh < 5; kh++) {
          acc = madd(v128.load(xr), v128.load(wr), acc);
          acc = madd(v128.load(xr + xColStep), v128.load(wr + cBytes), acc);
          acc = madd(v128.load(xr + 2 * xColStep), v128.load(wr + 2 * cBytes), acc);
          acc = madd(v128.load(xr + 3 * xColStep), v128.load(wr + 3 * cBytes), acc);
          acc = madd(v128.load(xr + 4 * xColStep), v128.load(wr + 4 * cBytes), acc);
          xr += xRowStep;
          wr += 5 * cBytes;
        }
        v128.store(op, clampV(acc, low, high));
        x0 += pixelStep;
        op += cBytes;
      }
    }
  }
}

/** One output pixel, multiplier M > 1: `o[c*M + q] = act(bias[c*M + q] + sum over taps x[c] * w[c*M + q])`. */
// @ts-ignore: decorator
@inline
function pixelM(xp: usize, wp: usize, bias: usize, o: usize, inC: i32, multiplier: i32, kh0: i32, kh1: i32, kw0: i32,
  kw1: i32, xRowStep: usize, xColStep: usize, wRowStep: usize, low: v128, high: v128): void {
  const outC = inC * multiplier;
  const wColStep = <usize>outC << 2;
  if (bias) memory.copy(o, bias, <usize>outC << 2);
  else memory.fill(o, 0, <usize>outC << 2);
  for (let kh = kh0; kh < kh1; kh++) {
    for (let kw = kw0; kw < kw1; kw++) {
      const xt = xp + <usize>kh * xRowStep + <usize>kw * xColStep;
      const wt = wp + <usize>kh * wRowStep + <usize>kw * wColStep;
      for (let c = 0; c < inC; c++) {
        const xs = load<f32>(xt + (<usize>c << 2));
        const xv = f32x4.splat(xs);
        const base = <usize>(c * multiplier) << 2;
        let q = 0;
        for (; q + 4 <= multiplier; q += 4) {
          const off = base + (<usize>q << 2);
          v128.store(o + off, madd(xv, v128.load(wt + off), v128.load(o + off)));
        }
        for (; q < multiplier; q++) {
          const off = base + (<usize>q << 2);
          store<f32>(o + off, maddScalar(xs, load<f32>(wt + off), load<f32>(o + off)));
        }
      }
    }
  }
  let j = 0;
  for (; j + 4 <= outC; j += 4) v128.store(o + (<usize>j << 2), clampV(v128.load(o + (<usize>j << 2)), low, high));
  for (; j < outC; j++) {
    const p = o + (<usize>j << 2);
    store<f32>(p, f32x4.extract_lane(clampV(f32x4.splat(load<f32>(p)), low, high), 0));
  }
}

/**
 * Output rows [begin, end) of batch * outH. `bias` (outC floats) may be 0; `activation` is an
 * ACTIVATION_ code (all but linear, relu and relu6 take a pass over the row after it).
 */
export function depthwiseConv2dNative(
  x: usize, filter: usize, bias: usize, out: usize,
  inH: i32, inW: i32, inC: i32, outH: i32, outW: i32, multiplier: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32,
  padTop: i32, padLeft: i32, activation: i32, alpha: f32, begin: i32, end: i32,
): void {
  const outC = inC * multiplier;
  const low = clampLow(activation), high = clampHigh(activation);
  const xColStep = <usize>(dilationW * inC) << 2;
  const xRowStep = <usize>(dilationH * inW * inC) << 2;
  const wRowStep = <usize>(filterW * outC) << 2;
  for (let row = begin; row < end; row++) {
    const b = row / outH, oh = row % outH;
    const ih0 = oh * strideH - padTop;
    const rows = tapRange(ih0, dilationH, filterH, inH);
    const kh0 = <i32>(rows >> 32), kh1 = <i32>rows;
    const o0 = out + ((<usize>(row * outW) * outC) << 2);
    // A 3x3 or 5x5 filter with all its rows in the image: the columns whose taps all lie inside run as strips.
    let stripBegin = outW, stripEnd = outW;
    const square = filterH == filterW && (filterH == 3 || filterH == 5);
    if (multiplier == 1 && square && kh1 - kh0 == filterH) {
      const span = (filterW - 1) * dilationW;
      stripBegin = min(outW, (padLeft + strideW - 1) / strideW);
      stripEnd = inW - 1 - span + padLeft < 0 ? stripBegin : max(stripBegin, min(outW, (inW - 1 - span + padLeft) / strideW + 1));
      const xs = x + ((<usize>(((b * inH + ih0) * inW + stripBegin * strideW - padLeft) * inC)) << 2);
      const os = o0 + ((<usize>(stripBegin * outC)) << 2);
      const pixelStep = <usize>(strideW * inC) << 2;
      if (filterH == 3) strip(3, xs, filter, bias, os, stripEnd - stripBegin, inC, xRowStep, xColStep, pixelStep, low, high);
      else strip(5, xs, filter, bias, os, stripEnd - stripBegin, inC, xRowStep, xColStep, pixelStep, low, high);
    }
    for (let ow = 0; ow < outW; ow++) {
      const iw0 = ow * strideW - padLeft;
      const cols = tapRange(iw0, dilationW, filterW, inW);
      const kw0 = <i32>(cols >> 32), kw1 = <i32>cols;
      // The tap (0, 0) position, in bounds or not: only in-bounds taps are read.
      const xp = x + ((<usize>(((b * inH + ih0) * inW + iw0) * inC)) << 2);
      const o = o0 + ((<usize>(ow * outC)) << 2);
      if (ow >= stripBegin && ow < stripEnd) {
        // The strip did the vector channels; the rest, if any, here.
        if (inC & 3) pixelM1Tail(xp, filter, bias, o, inC & ~3, inC, kh0, kh1, kw0, kw1, xRowStep, xColStep, wRowStep, low, high);
      } else if (multiplier == 1) {
        pixelM1(xp, filter, bias, o, inC, kh0, kh1, kw0, kw1, xRowStep, xColStep, wRowStep, low, high);
      } else {
        pixelM(xp, filter, bias, o, inC, multiplier, kh0, kh1, kw0, kw1, xRowStep, xColStep, wRowStep, low, high);
      }
    }
    if (!isClampActivation(activation)) applyActivation(o0, o0, activation, alpha, 0, outW * outC);
  }
}
