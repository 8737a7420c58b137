// DepthwiseConv2dNative: NHWC input [b, h, w, C], filter [kh, kw, C, M], output channel c*M + q.
// Channel multiplier 1 vectorizes over channels; larger multipliers vectorize over q.
import { madd } from "./madd";
export function depthwiseConv2dNative(
  x: usize, filter: usize, out: usize,
  batch: i32, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32, multiplier: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32,
  padTop: i32, padLeft: i32, begin: i32, end: i32,
): void {
  const outC = inC * multiplier;
  const outRowBytes = <usize>outC << 2;
  // Output rows [begin, end) of batch * outH.
  for (let row = begin; row < end; row++) {
    const b = row / outH, oh = row % outH;
    {
      const ih0 = oh * strideH - padTop;
      for (let ow = 0; ow < outW; ow++) {
        const iw0 = ow * strideW - padLeft;
        const o = out + ((<usize>((b * outH + oh) * outW + ow) * outC) << 2);
        memory.fill(o, 0, outRowBytes);
        for (let kh = 0; kh < filterH; kh++) {
          const ih = ih0 + kh * dilationH;
          if (<u32>ih >= <u32>inH) continue;
          for (let kw = 0; kw < filterW; kw++) {
            const iw = iw0 + kw * dilationW;
            if (<u32>iw >= <u32>inW) continue;
            const xp = x + ((<usize>((b * inH + ih) * inW + iw) * inC) << 2);
            const wp = filter + ((<usize>((kh * filterW + kw) * outC)) << 2);
            if (multiplier == 1) {
              let c = 0;
              for (; c + 4 <= inC; c += 4) {
                const off = <usize>c << 2;
                v128.store(o + off, madd(v128.load(xp + off), v128.load(wp + off), v128.load(o + off)));
              }
              for (; c < inC; c++) {
                const off = <usize>c << 2;
                store<f32>(o + off, load<f32>(o + off) + load<f32>(xp + off) * load<f32>(wp + off));
              }
            } else {
              for (let c = 0; c < inC; c++) {
                const xs = load<f32>(xp + (<usize>c << 2));
                const xv = f32x4.splat(xs);
                const base = <usize>(c * multiplier) << 2;
                let q = 0;
                for (; q + 4 <= multiplier; q += 4) {
                  const off = base + (<usize>q << 2);
                  v128.store(o + off, madd(xv, v128.load(wp + off), v128.load(o + off)));
                }
                for (; q < multiplier; q++) {
                  const off = base + (<usize>q << 2);
                  store<f32>(o + off, load<f32>(o + off) + xs * load<f32>(wp + off));
                }
              }
            }
          }
        }
      }
    }
  }
}
