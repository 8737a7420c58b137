// Patches of a convolution's input as rows of a matrix: row m (an output pixel) holds its taps'
// channels one after another, zeros where a tap falls in padding. For inputs with few channels
// (an RGB image's first layer) the GEMM then runs one long k loop per row instead of a 3-long one
// per tap. NHWC; a call writes rows [begin, end) of batch * outH * outW.
import { copyBytes } from "./copy";

export function im2col(x: usize, dst: usize, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32, padTop: i32, padLeft: i32,
  begin: i32, end: i32): void {
  const pixelBytes = <usize>inC << 2;
  const tapRowBytes = <usize>filterW * pixelBytes;
  // The first row's pixel, then stepped along: no division per row.
  let ow = begin % outW, oh = (begin / outW) % outH, b = begin / (outW * outH);
  let o = dst + <usize>begin * <usize>filterH * tapRowBytes;
  for (let m = begin; m < end; m++) {
    const iw0 = ow * strideW - padLeft;
    // A filter row's taps are one run of the input row when they all lie inside it, undilated.
    const wholeRow = dilationW == 1 && iw0 >= 0 && iw0 + filterW <= inW;
    const image = x + <usize>(b * inH) * <usize>inW * pixelBytes;
    let ih = oh * strideH - padTop;
    for (let kh = 0; kh < filterH; kh++) {
      if (<u32>ih >= <u32>inH) {
        memory.fill(o, 0, tapRowBytes);
      } else if (wholeRow) {
        copyBytes(o, image + <usize>(ih * inW + iw0) * pixelBytes, tapRowBytes);
      } else {
        for (let kw = 0; kw < filterW; kw++) {
          const iw = iw0 + kw * dilationW;
          const p = o + <usize>kw * pixelBytes;
          if (<u32>iw < <u32>inW) copyBytes(p, image + <usize>(ih * inW + iw) * pixelBytes, pixelBytes);
          else memory.fill(p, 0, pixelBytes);
        }
      }
      o += tapRowBytes;
      ih += dilationH;
    }
    if (++ow == outW) {
      ow = 0;
      if (++oh == outH) {
        oh = 0;
        b++;
      }
    }
  }
}
