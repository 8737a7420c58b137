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

/** One filter row's taps (`k`: 3 or 5, a constant) of one output vector: acc + sum over t of xt * wt. */
// @ts-ignore: decorator
@inline
function rowTaps(k: i32, x0: v128, x1: v128, x2: v128, x3: v128, x4: v128,
  w0: v128, w1: v128, w2: v128, w3: v128, w4: v128, acc: v128): v128 {
  acc = madd(x2, w2, madd(x1, w1, madd(x0, w0, acc)));
  return k == 5 ? madd(x4, w4, madd(x3, w3, acc)) : acc;
}

/** rowTaps of the input vectors at x, x + step, ... */
// @ts-ignore: decorator
@inline
function rowTapsAt(k: i32, x: usize, step: usize, w0: v128, w1: v128, w2: v128, w3: v128, w4: v128, acc: v128): v128 {
  const zero = f32x4.splat(0);
  const x3 = k == 5 ? v128.load(x + 3 * step) : zero, x4 = k == 5 ? v128.load(x + 4 * step) : zero;
  return rowTaps(k, v128.load(x), v128.load(x + step), v128.load(x + 2 * step), x3, x4, w0, w1, w2, w3, w4, acc);
}

/**
 * `count` pixels of a `k` x `k` filter (3 or 5) at stride `s` (1 or 2; both constants) whose
 * columns of taps lie inside the image, as do its `rows` rows of taps from the first, multiplier 1,
 * 4 channels at a time. `xp` and `wp` are the first pixel's first tap in the image and its weight.
 * Four neighbouring pixels go together: each input vector of a filter row is loaded once for the
 * pixels it serves (3s + k of them, not 4k), and the row's weights once for the four. The weights
 * are not kept across pixels: x86's 16 vector registers cannot hold a 3x3 filter's nine with four
 * sums and the inputs, and spilled they cost more than these loads (1.3x the time on 56x56x144).
 * Each output sums bias, then the taps row by row, as pixelM1 does. `s` 0: any stride and
 * dilation, pixels `pixelStep` bytes apart, each loading its own inputs.
 */
// @ts-ignore: decorator
@inline
function strip(k: i32, s: i32, xp: usize, wp: usize, bias: usize, o: usize, count: i32, rows: i32, channels: i32,
  xRowStep: usize, xColStep: usize, pixelStep: usize, low: v128, high: v128): void {
  const cBytes = <usize>channels << 2;
  const zero = f32x4.splat(0);
  for (let c = 0; c + 4 <= channels; c += 4) {
    const off = <usize>c << 2;
    const w = wp + off;
    const b = bias ? v128.load(bias + off) : zero;
    let x0 = xp + off;
    let op = o + off;
    for (let i = 0; i + 4 <= count; i += 4) {
      let a0 = b, a1 = b, a2 = b, a3 = b;
      let xr = x0, wr = w;
      for (let kh = 0; kh < rows; kh++) {
        const k0 = v128.load(wr), k1 = v128.load(wr + cBytes), k2 = v128.load(wr + 2 * cBytes);
        const k3 = k == 5 ? v128.load(wr + 3 * cBytes) : zero, k4 = k == 5 ? v128.load(wr + 4 * cBytes) : zero;
        if (s == 0) {
          a0 = rowTapsAt(k, xr, xColStep, k0, k1, k2, k3, k4, a0);
          a1 = rowTapsAt(k, xr + pixelStep, xColStep, k0, k1, k2, k3, k4, a1);
          a2 = rowTapsAt(k, xr + 2 * pixelStep, xColStep, k0, k1, k2, k3, k4, a2);
          a3 = rowTapsAt(k, xr + 3 * pixelStep, xColStep, k0, k1, k2, k3, k4, a3);
        } else {
          // Columns 0 .. 3s + k - 1 of the row (the loads past it fold away).
          const last = 3 * s + k - 1;
          const v0 = v128.load(xr), v1 = v128.load(xr + xColStep), v2 = v128.load(xr + 2 * xColStep);
          const v3 = v128.load(xr + 3 * xColStep), v4 = v128.load(xr + 4 * xColStep), v5 = v128.load(xr + 5 * xColStep);
          const v6 = last >= 6 ? v128.load(xr + 6 * xColStep) : zero, v7 = last >= 7 ? v128.load(xr + 7 * xColStep) : zero;
          const v8 = last >= 8 ? v128.load(xr + 8 * xColStep) : zero, v9 = last >= 9 ? v128.load(xr + 9 * xColStep) : zero;
          const v10 = last >= 10 ? v128.load(xr + 10 * xColStep) : zero;
          a0 = rowTaps(k, v0, v1, v2, v3, v4, k0, k1, k2, k3, k4, a0);
          a1 = s == 1 ? rowTaps(k, v1, v2, v3, v4, v5, k0, k1, k2, k3, k4, a1) : rowTaps(k, v2, v3, v4, v5, v6, k0, k1, k2, k3, k4, a1);
          a2 = s == 1 ? rowTaps(k, v2, v3, v4, v5, v6, k0, k1, k2, k3, k4, a2) : rowTaps(k, v4, v5, v6, v7, v8, k0, k1, k2, k3, k4, a2);
          a3 = s == 1 ? rowTaps(k, v3, v4, v5, v6, v7, k0, k1, k2, k3, k4, a3) : rowTaps(k, v6, v7, v8, v9, v10, k0, k1, k2, k3, k4, a3);
        }
        xr += xRowStep;
        wr += <usize>k * cBytes;
      }
      v128.store(op, clampV(a0, low, high));
      v128.store(op + cBytes, clampV(a1, low, high));
      v128.store(op + 2 * cBytes, clampV(a2, low, high));
      v128.store(op + 3 * cBytes, clampV(a3, low, high));
      x0 += 4 * pixelStep;
      op += 4 * cBytes;
    }
  }
  const done = count & ~3;
  if (done < count) stripTail(k, xp + <usize>done * pixelStep, wp, bias, o + <usize>done * cBytes, count - done, rows, channels,
    xRowStep, xColStep, pixelStep, low, high);
}

/** strip's last pixels, one at a time (not inlined: one copy serves every strip). */
function stripTail(k: i32, xp: usize, wp: usize, bias: usize, o: usize, count: i32, rows: i32, channels: i32,
  xRowStep: usize, xColStep: usize, pixelStep: usize, low: v128, high: v128): void {
  const cBytes = <usize>channels << 2;
  const zero = f32x4.splat(0);
  for (let c = 0; c + 4 <= channels; c += 4) {
    const off = <usize>c << 2;
    const b = bias ? v128.load(bias + off) : zero;
    let x0 = xp + off;
    let op = o + off;
    for (let i = 0; i < count; i++) {
      let a = b;
      let xr = x0, wr = wp + off;
      for (let kh = 0; kh < rows; kh++) {
        const w0 = v128.load(wr), w1 = v128.load(wr + cBytes), w2 = v128.load(wr + 2 * cBytes);
        if (k == 5) {
          a = rowTapsAt(5, xr, xColStep, w0, w1, w2, v128.load(wr + 3 * cBytes), v128.load(wr + 4 * cBytes), a);
        } else {
          a = rowTapsAt(3, xr, xColStep, w0, w1, w2, zero, zero, a);
        }
        xr += xRowStep;
        wr += <usize>k * cBytes;
      }
      v128.store(op, clampV(a, low, high));
      x0 += pixelStep;
      op += cBytes;
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
    // A 3x3 or 5x5 filter: the columns whose taps all lie inside run as strips, over the rows of taps inside.
    let stripBegin = outW, stripEnd = outW;
    const square = filterH == filterW && (filterH == 3 || filterH == 5);
    if (multiplier == 1 && square && kh1 > kh0) {
      const span = (filterW - 1) * dilationW;
      stripBegin = min(outW, (padLeft + strideW - 1) / strideW);
      stripEnd = inW - 1 - span + padLeft < 0 ? stripBegin : max(stripBegin, min(outW, (inW - 1 - span + padLeft) / strideW + 1));
      const xs = x + ((<usize>(((b * inH + ih0) * inW + stripBegin * strideW - padLeft) * inC)) << 2) + <usize>kh0 * xRowStep;
      const ws = filter + <usize>kh0 * wRowStep;
      const os = o0 + ((<usize>(stripBegin * outC)) << 2);
      const count = stripEnd - stripBegin;
      // Neighbouring pixels share input loads at stride 1 or 2 without dilation.
      const pixelStep = <usize>(strideW * inC) << 2;
      const s = dilationW != 1 || strideW > 2 ? 0 : strideW;
      // Literal k and s at each call: the compiler specializes an inlined strip only on literals.
      if (filterH == 3) {
        if (s == 1) strip(3, 1, xs, ws, bias, os, count, kh1 - kh0, inC, xRowStep, xColStep, pixelStep, low, high);
        else if (s == 2) strip(3, 2, xs, ws, bias, os, count, kh1 - kh0, inC, xRowStep, xColStep, pixelStep, low, high);
        else strip(3, 0, xs, ws, bias, os, count, kh1 - kh0, inC, xRowStep, xColStep, pixelStep, low, high);
      } else {
        if (s == 1) strip(5, 1, xs, ws, bias, os, count, kh1 - kh0, inC, xRowStep, xColStep, pixelStep, low, high);
        else if (s == 2) strip(5, 2, xs, ws, bias, os, count, kh1 - kh0, inC, xRowStep, xColStep, pixelStep, low, high);
        else strip(5, 0, xs, ws, bias, os, count, kh1 - kh0, inC, xRowStep, xColStep, pixelStep, low, high);
      }
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
