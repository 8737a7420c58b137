// A convolution with one output channel (a segmentation head's last 3x3 conv): per output pixel a
// dot product of its in-bounds taps with the filter, four input channels at a time. A GEMM would
// fill 8 output columns to use one. NHWC input [b, h, w, C], filter [kh, kw, C, 1]; output rows
// [begin, end) of batch * outH; `bias` (one float) may be 0.
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
    for (let ow = 0; ow < outW; ow++) {
      const iw0 = ow * strideW - padLeft;
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
      const sum = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) +
          f32x4.extract_lane(acc, 3)) + tail + biasValue;
      store<f32>(o + (<usize>ow << 2), f32x4.extract_lane(clampV(f32x4.splat(sum), low, high), 0));
    }
    if (!isClampActivation(activation)) applyActivation(o, o, activation, alpha, 0, outW);
  }
}
