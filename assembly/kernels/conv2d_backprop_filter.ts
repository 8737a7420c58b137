// Conv2DBackpropFilter (the gradient of Conv2D with respect to its filter).
// x [b, inH, inW, inC], dy [b, outH, outW, outC] -> dw [kh, kw, inC, outC],
// accumulated as rank-1 updates vectorized over the output channels.
import { madd } from "./madd";
export function conv2dBackpropFilter(
  x: usize, dy: usize, dw: usize,
  batch: i32, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32, outC: i32,
  filterW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32,
  padTop: i32, padLeft: i32, begin: i32, end: i32,
): void {
  // Rows [begin, end) of dw, a row being (kh, kw, ci): its outC values. Each pass covers part of
  // one tap; the sum over pixels keeps its order whoever computes the row.
  const rowBytes = <usize>outC << 2;
  memory.fill(dw + <usize>begin * rowBytes, 0, <usize>(end - begin) * rowBytes);
  for (let first = begin; first < end;) {
    const tapIndex = first / inC, ci0 = first % inC;
    const ci1 = min(inC, ci0 + end - first);
    first += ci1 - ci0;
    const kh = tapIndex / filterW, kw = tapIndex % filterW;
    const tap = dw + ((<usize>((kh * filterW + kw) * inC) * outC) << 2);
    for (let b = 0; b < batch; b++) {
      for (let oh = 0; oh < outH; oh++) {
        const ih = oh * strideH - padTop + kh * dilationH;
        if (<u32>ih >= <u32>inH) continue;
        for (let ow = 0; ow < outW; ow++) {
          const iw = ow * strideW - padLeft + kw * dilationW;
          if (<u32>iw >= <u32>inW) continue;
          const xp = x + ((<usize>((b * inH + ih) * inW + iw) * inC) << 2);
          const dyp = dy + ((<usize>((b * outH + oh) * outW + ow) * outC) << 2);
          let wp = tap + <usize>ci0 * rowBytes;
          for (let ci = ci0; ci < ci1; ci++) {
            const xs = load<f32>(xp + (<usize>ci << 2));
            const xv = f32x4.splat(xs);
            let co = 0;
            for (; co + 4 <= outC; co += 4) {
              const off = <usize>co << 2;
              v128.store(wp + off, madd(xv, v128.load(dyp + off), v128.load(wp + off)));
            }
            for (; co < outC; co++) {
              const off = <usize>co << 2;
              store<f32>(wp + off, load<f32>(wp + off) + xs * load<f32>(dyp + off));
            }
            wp += rowBytes;
          }
        }
      }
    }
  }
}
