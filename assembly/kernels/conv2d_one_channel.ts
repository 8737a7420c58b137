// A convolution with one output channel (a segmentation head's last 3x3 conv): per output pixel a
// dot product of its in-bounds taps with the filter, four input channels at a time. A GEMM would
// fill 8 output columns to use one. Four pixels of a row whose taps all lie inside go together:
// four independent chains of multiply-adds (one pixel's chain is latency-bound, 4 cycles a step),
// each summed in the one pixel's order, so the results are the same bit for bit.
// NHWC input [b, h, w, C], filter [kh, kw, C, 1]; output rows [begin, end) of batch * outH; `bias`
// (one float) may be 0.
import { applyActivation, clampHigh, clampLow, clampV, isClampActivation } from "./activation";
import { madd, maddScalar } from "./madd";
import { tapRange } from "./taps";

export function conv2dOneChannel(
  x: usize, filter: usize, bias: usize, out: usize, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32, padTop: i32, padLeft: i32,
  activation: i32, alpha: f32, begin: i32, end: i32,
): void {
  const low = clampLow(activation), high = clampHigh(activation);
  const pixelBytes = <usize>inC << 2;
  const biasValue: f32 = bias ? load<f32>(bias) : 0;
  for (let row = begin; row < end; row++) {
    const b = row / outH, oh = row % outH;
    const ih0 = oh * strideH - padTop;
    const rows = tapRange(ih0, dilationH, filterH, inH);
    const kh0 = <i32>(rows >> 32), kh1 = <i32>rows;
    const o = out + (<usize>(row * outW) << 2);
    const span = (filterW - 1) * dilationW;
    for (let ow = 0; ow < outW; ow++) {
      const iw0 = ow * strideW - padLeft;
      if (ow + 4 <= outW && iw0 >= 0 && iw0 + 3 * strideW + span < inW) {
        fourPixels(x + <usize>((b * inH) * inW + iw0) * pixelBytes, filter, o + (<usize>ow << 2), inW, inC, ih0, kh0, kh1,
          filterW, dilationH, dilationW, <usize>(strideW * inC) << 2, biasValue, low, high);
        ow += 3;
        continue;
      }
      const cols = tapRange(iw0, dilationW, filterW, inW);
      const kw0 = <i32>(cols >> 32), kw1 = <i32>cols;
      let acc = f32x4.splat(0);
      let tail: f32 = 0;
      for (let kh = kh0; kh < kh1; kh++) {
        const ih = ih0 + kh * dilationH;
        for (let kw = kw0; kw < kw1; kw++) {
          const xp = x + <usize>((b * inH + ih) * inW + iw0 + kw * dilationW) * pixelBytes;
          const wp = filter + <usize>(kh * filterW + kw) * pixelBytes;
          let c = 0;
          for (; c + 4 <= inC; c += 4) acc = madd(v128.load(xp + (<usize>c << 2)), v128.load(wp + (<usize>c << 2)), acc);
          for (; c < inC; c++) tail = maddScalar(load<f32>(xp + (<usize>c << 2)), load<f32>(wp + (<usize>c << 2)), tail);
        }
      }
      storePixel(o + (<usize>ow << 2), acc, tail, biasValue, low, high);
    }
    if (!isClampActivation(activation)) applyActivation(o, o, activation, alpha, 0, outW);
  }
}

/** Four pixels `pixelStep` bytes apart whose taps all lie in the row: `x` is the first one's column 0 of input row 0. */
// @ts-ignore: decorator
@inline
function fourPixels(x: usize, filter: usize, o: usize, inW: i32, inC: i32, ih0: i32, kh0: i32, kh1: i32, filterW: i32,
  dilationH: i32, dilationW: i32, pixelStep: usize, biasValue: f32, low: v128, high: v128): void {
  const pixelBytes = <usize>inC << 2;
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  let t0: f32 = 0, t1: f32 = 0, t2: f32 = 0, t3: f32 = 0;
  for (let kh = kh0; kh < kh1; kh++) {
    const ih = ih0 + kh * dilationH;
    for (let kw = 0; kw < filterW; kw++) {
      const xp = x + <usize>(ih * inW + kw * dilationW) * pixelBytes;
      const wp = filter + <usize>(kh * filterW + kw) * pixelBytes;
      let c = 0;
      for (; c + 4 <= inC; c += 4) {
        const off = <usize>c << 2;
        const w = v128.load(wp + off);
        a0 = madd(v128.load(xp + off), w, a0);
        a1 = madd(v128.load(xp + pixelStep + off), w, a1);
        a2 = madd(v128.load(xp + 2 * pixelStep + off), w, a2);
        a3 = madd(v128.load(xp + 3 * pixelStep + off), w, a3);
      }
      for (; c < inC; c++) {
        const off = <usize>c << 2;
        const w = load<f32>(wp + off);
        t0 = maddScalar(load<f32>(xp + off), w, t0);
        t1 = maddScalar(load<f32>(xp + pixelStep + off), w, t1);
        t2 = maddScalar(load<f32>(xp + 2 * pixelStep + off), w, t2);
        t3 = maddScalar(load<f32>(xp + 3 * pixelStep + off), w, t3);
      }
    }
  }
  storePixel(o, a0, t0, biasValue, low, high);
  storePixel(o + 4, a1, t1, biasValue, low, high);
  storePixel(o + 8, a2, t2, biasValue, low, high);
  storePixel(o + 12, a3, t3, biasValue, low, high);
}

/** One pixel's sum (its four lanes, its scalar tail, the bias, as the one-pixel path adds them), clamped. */
// @ts-ignore: decorator
@inline
function storePixel(o: usize, acc: v128, tail: f32, biasValue: f32, low: v128, high: v128): void {
  const sum = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) +
      f32x4.extract_lane(acc, 3)) + tail + biasValue;
  store<f32>(o, f32x4.extract_lane(clampV(f32x4.splat(sum), low, high), 0));
}
