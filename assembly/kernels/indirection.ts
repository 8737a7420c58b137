// Indirection tables for igemm: for each tile of `mr` rows and each tap, the mr A row pointers (a zero
// block where the tap falls in padding or the row is past the end), and one C pointer per row.

// @ts-ignore: decorator
@inline
function aSlot(a: usize, m: i32, tap: i32, taps: i32, mr: i32): usize {
  return a + (<usize>(((m / mr) * taps + tap) * mr + m % mr) << 2);
}

/** Pads the last tile: rows past m read the zero block and write nowhere real. */
function padTail(a: usize, c: usize, m: i32, taps: i32, mr: i32, zero: usize): void {
  for (let r = m; r % mr != 0; r++) {
    for (let t = 0; t < taps; t++) store<u32>(aSlot(a, r, t, taps, mr), <u32>zero);
    store<u32>(c + (<usize>r << 2), <u32>zero);
  }
}

/** Conv2D, NHWC: row m is output pixel m; tap (kh, kw) reads input pixel (oh*sh - pad + kh*dh, ...). */
export function convIndirection(
  x: usize, zero: usize, a: usize, c: usize, out: usize,
  batch: i32, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32, outC: i32,
  filterH: i32, filterW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32,
  padTop: i32, padLeft: i32, mr: i32,
): void {
  const taps = filterH * filterW;
  if (taps == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0 && outH == inH && outW == inW) {
    // A 1x1 filter over every pixel: A is the input as a matrix, one pixel a row.
    matrixIndirection(x, inC << 2, out, outC << 2, batch * outH * outW, zero, a, c, mr);
    return;
  }
  let m = 0;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let kh = 0; kh < filterH; kh++) {
          const ih = oh * strideH - padTop + kh * dilationH;
          for (let kw = 0; kw < filterW; kw++) {
            const iw = ow * strideW - padLeft + kw * dilationW;
            const inside = <u32>ih < <u32>inH && <u32>iw < <u32>inW;
            const p = inside ? x + ((<usize>((b * inH + ih) * inW + iw) * inC) << 2) : zero;
            store<u32>(aSlot(a, m, kh * filterW + kw, taps, mr), <u32>p);
          }
        }
        store<u32>(c + (<usize>m << 2), <u32>(out + ((<usize>m * outC) << 2)));
        m++;
      }
    }
  }
  padTail(a, c, m, taps, mr, zero);
}

/**
 * One phase of a transposed convolution (Conv2DBackpropInput): the dx pixels (ih, iw) with
 * ih % strideH == phaseY and iw % strideW == phaseX. Each tap (kh, kw) of the phase reads the dy pixel
 * ((ih + padTop - kh) / strideH, (iw + padLeft - kw) / strideW), exact by the choice of taps.
 * tapList: i32 pairs (kh, kw). Returns the number of rows.
 */
export function deconvIndirection(
  dy: usize, zero: usize, a: usize, c: usize, dx: usize,
  batch: i32, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32, outC: i32, dyH: i32, dyW: i32,
  strideH: i32, strideW: i32, padTop: i32, padLeft: i32, phaseY: i32, phaseX: i32, tapList: usize, taps: i32,
  mr: i32,
): i32 {
  let m = 0;
  for (let b = 0; b < batch; b++) {
    for (let ih = phaseY; ih < inH; ih += strideH) {
      for (let iw = phaseX; iw < inW; iw += strideW) {
        for (let t = 0; t < taps; t++) {
          const th = ih + padTop - load<i32>(tapList + (<usize>(2 * t) << 2));
          const tw = iw + padLeft - load<i32>(tapList + (<usize>(2 * t + 1) << 2));
          const oh = th / strideH, ow = tw / strideW;
          const inside = th >= 0 && tw >= 0 && oh < outH && ow < outW;
          const p = inside ? dy + ((<usize>((b * dyH + oh) * dyW + ow) * outC) << 2) : zero;
          store<u32>(aSlot(a, m, t, taps, mr), <u32>p);
        }
        store<u32>(c + (<usize>m << 2), <u32>(dx + ((<usize>((b * inH + ih) * inW + iw) * inC) << 2)));
        m++;
      }
    }
  }
  padTail(a, c, m, taps, mr, zero);
  return m;
}

/** A plain matrix: row m of A at aBase + m * aRowBytes, row m of C at cBase + m * cRowBytes. */
export function matrixIndirection(aBase: usize, aRowBytes: i32, cBase: usize, cRowBytes: i32, rows: i32,
  zero: usize, a: usize, c: usize, mr: i32): void {
  // One tap: the slots run in row order.
  for (let m = 0; m < rows; m++) {
    store<u32>(a + (<usize>m << 2), <u32>(aBase + <usize>m * aRowBytes));
    store<u32>(c + (<usize>m << 2), <u32>(cBase + <usize>m * cRowBytes));
  }
  padTail(a, c, rows, 1, mr, zero);
}
