// Conv2DBackpropInput (the gradient of Conv2D with respect to its input, = conv2dTranspose).
// dy [b, outH, outW, outC], filter [kh, kw, inC, outC] -> dx [b, inH, inW, inC].
// Each dx pixel gathers the dy pixels whose window covers it; each (tap, input channel) pair
// is a SIMD dot product over the output channels, which are contiguous in dy and in the filter.
// dy is addressed with its own size (dyH, dyW); outH and outW bound the windows (tfjs-backend-cpu
// accepts a dy larger than the geometry implies and ignores the excess).
import { dot } from "./dot";

export function conv2dBackpropInput(
  dy: usize, filter: usize, dx: usize,
  batch: i32, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32, outC: i32, dyH: i32, dyW: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32,
  padTop: i32, padLeft: i32,
): void {
  for (let b = 0; b < batch; b++) {
    for (let ih = 0; ih < inH; ih++) {
      for (let iw = 0; iw < inW; iw++) {
        const d = dx + ((<usize>((b * inH + ih) * inW + iw) * inC) << 2);
        memory.fill(d, 0, <usize>inC << 2);
        for (let kh = 0; kh < filterH; kh++) {
          const th = ih + padTop - kh * dilationH;
          if (th < 0 || th % strideH != 0) continue;
          const oh = th / strideH;
          if (oh >= outH) continue;
          for (let kw = 0; kw < filterW; kw++) {
            const tw = iw + padLeft - kw * dilationW;
            if (tw < 0 || tw % strideW != 0) continue;
            const ow = tw / strideW;
            if (ow >= outW) continue;
            const dyp = dy + ((<usize>((b * dyH + oh) * dyW + ow) * outC) << 2);
            let wp = filter + ((<usize>((kh * filterW + kw) * inC) * outC) << 2);
            for (let ci = 0; ci < inC; ci++) {
              const p = d + (<usize>ci << 2);
              store<f32>(p, load<f32>(p) + dot(dyp, wp, outC));
              wp += <usize>outC << 2;
            }
          }
        }
      }
    }
  }
}
