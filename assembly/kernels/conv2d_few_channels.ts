// A convolution with few input channels (an RGB image's first layer), computed directly: per
// output pixel and block of 8 output channels, its in-bounds taps times the packed filter, four
// pixels at a time in the image's interior (each weight load serves four pixels). With one
// dilation along x a filter row's taps and channels are one run of the input row, one k loop of
// filterW * inC; padded taps are skipped, as tfjs-backend-cpu skips them.
// NHWC input [b, h, w, inC]; `packed` as igemmPack lays out the HWIO filter seen as a
// [filterH * filterW * inC, outC] matrix (per 8 columns: 8 bias values, then a row of 8 per k).
// Output rows [begin, end) of batch * outH.
import { applyActivation, clampHigh, clampLow, isClampActivation, isStoreActivation } from "./activation";
import { storeRow } from "./igemm_store";
import { madd } from "./madd";
import { tapRange } from "./taps";

export function conv2dFewChannels(
  x: usize, packed: usize, out: usize, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32, outC: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32, padTop: i32, padLeft: i32,
  activation: i32, alpha: f32, begin: i32, end: i32,
): void {
  // A copy whose store activates (hard-swish, leaky relu: storeRow), one that clamps.
  if (!isClampActivation(activation) && isStoreActivation(activation)) {
    rows(true, x, packed, out, inH, inW, inC, outH, outW, outC, filterH, filterW, strideH, strideW, dilationH, dilationW,
      padTop, padLeft, activation, alpha, begin, end);
  } else {
    rows(false, x, packed, out, inH, inW, inC, outH, outW, outC, filterH, filterW, strideH, strideW, dilationH, dilationW,
      padTop, padLeft, activation, alpha, begin, end);
  }
}

// @ts-ignore: decorator
@inline
function rows(act: bool,
  x: usize, packed: usize, out: usize, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32, outC: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32, padTop: i32, padLeft: i32,
  activation: i32, alpha: f32, begin: i32, end: i32,
): void {
  const low = clampLow(activation), high = clampHigh(activation);
  const alphaV = f32x4.splat(alpha);
  const depth = filterH * filterW * inC;
  const blockBytes = <usize>(8 + depth * 8) << 2;
  const rowTaps = filterW * inC;
  const pixelStep = <usize>(strideW * inC) << 2;
  // Output columns whose filter row lies wholly inside the input row (none when dilated: those go one by one).
  const interiorBegin = min(outW, (padLeft + strideW - 1) / strideW);
  const lastStart = inW - filterW + padLeft;
  const interiorEnd = dilationW != 1 || lastStart < 0 ? interiorBegin :
      max(interiorBegin, min(outW, lastStart / strideW + 1));
  const blocks = (outC + 7) / 8;
  for (let row = begin; row < end; row++) {
    const b = row / outH, oh = row % outH;
    const ih0 = oh * strideH - padTop;
    const rows = tapRange(ih0, dilationH, filterH, inH);
    const kh0 = <i32>(rows >> 32), kh1 = <i32>rows;
    const image = b * inH;
    const oRow = out + (<usize>(row * outW) * <usize>outC << 2);
    for (let nb = 0; nb < blocks; nb++) {
      const w = packed + <usize>nb * blockBytes;
      const valid = min(8, outC - nb * 8);
      const column = <usize>(nb * 8) << 2;
      const b0 = v128.load(w), b1 = v128.load(w, 16);
      let ow = 0;
      for (; ow < outW; ow++) {
        if (ow == interiorBegin) {
          // Four interior pixels at a time.
          for (; ow + 4 <= interiorEnd; ow += 4) {
            let c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
            for (let kh = kh0; kh < kh1; kh++) {
              const xp = x + (<usize>(((image + ih0 + kh * dilationH) * inW + ow * strideW - padLeft) * inC) << 2);
              let wp = w + 32 + (<usize>(kh * rowTaps) << 5);
              for (let j = 0; j < rowTaps; j++) {
                const w0 = v128.load(wp), w1 = v128.load(wp, 16);
                const off = <usize>j << 2;
                let xv = v128.load32_splat(xp + off);
                c00 = madd(xv, w0, c00); c01 = madd(xv, w1, c01);
                xv = v128.load32_splat(xp + pixelStep + off);
                c10 = madd(xv, w0, c10); c11 = madd(xv, w1, c11);
                xv = v128.load32_splat(xp + 2 * pixelStep + off);
                c20 = madd(xv, w0, c20); c21 = madd(xv, w1, c21);
                xv = v128.load32_splat(xp + 3 * pixelStep + off);
                c30 = madd(xv, w0, c30); c31 = madd(xv, w1, c31);
                wp += 32;
              }
            }
            const o = oRow + (<usize>(ow * outC) << 2) + column;
            const pixelBytes = <usize>outC << 2;
            storeRow(o, c00, c01, valid, low, high, act, activation, alphaV);
            storeRow(o + pixelBytes, c10, c11, valid, low, high, act, activation, alphaV);
            storeRow(o + 2 * pixelBytes, c20, c21, valid, low, high, act, activation, alphaV);
            storeRow(o + 3 * pixelBytes, c30, c31, valid, low, high, act, activation, alphaV);
          }
          if (ow >= outW) break;
        }
        // One pixel, its in-bounds taps.
        const iw0 = ow * strideW - padLeft;
        const cols = tapRange(iw0, dilationW, filterW, inW);
        const kw0 = <i32>(cols >> 32), kw1 = <i32>cols;
        let c0 = b0, c1 = b1;
        for (let kh = kh0; kh < kh1; kh++) {
          const ih = ih0 + kh * dilationH;
          for (let kw = kw0; kw < kw1; kw++) {
            const xp = x + (<usize>(((image + ih) * inW + iw0 + kw * dilationW) * inC) << 2);
            let wp = w + 32 + (<usize>((kh * filterW + kw) * inC) << 5);
            for (let c = 0; c < inC; c++) {
              const xv = v128.load32_splat(xp + (<usize>c << 2));
              c0 = madd(xv, v128.load(wp), c0);
              c1 = madd(xv, v128.load(wp, 16), c1);
              wp += 32;
            }
          }
        }
        storeRow(oRow + (<usize>(ow * outC) << 2) + column, c0, c1, valid, low, high, act, activation, alphaV);
      }
    }
    if (!isStoreActivation(activation)) applyActivation(oRow, oRow, activation, alpha, 0, outW * outC);
  }
}
