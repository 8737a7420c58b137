// How far asc's Winograd convolution may round from the exact result, per output element: shared
// by the fuzzer (cases.mjs) and the unit tests (test/unit/winograd.test.mjs).
import {ASC_WINOGRAD} from './winograd_matrices.mjs';

// Winograd's rounding. Output y of tile (m x m outputs, input window of (m + 2)^2 pixels) is
// At [(G g Gt) . (Bt d B)] A: in absolute values at most kappa^2 * max|g| * max|d| per channel pair,
// kappa = max over outputs i of the sum over frequencies f of |At[i][f]| * (row f of |G| summed) *
// (row f of |Bt| summed), from asc's matrices (winograd_matrices.mjs): 24.9 for F(4,3) with points
// 0, ±√2, ±√½ and infinity, 8 for F(2,3). Each stage's roundings are relative to those
// magnitudes: inChannels terms of the products, and 16 for the input and output transforms (two
// passes of up to 3 operations each) and the filter's rounding.
const absSum = (row) => row.reduce((s, v) => s + Math.abs(v), 0);
const kappaOf = ({at, g, bt}) => Math.max(...at.map((row) => row.reduce((s, v, f) => s + Math.abs(v) * absSum(g[f]) * absSum(bt[f]), 0)));

/**
 * Per output element, how far the Winograd path may be from the exact result: 2^-23 * (inC + 16) *
 * kappa^2 * sum over input channels of max|filter taps to that output| * max|x in the tile's window|.
 * `x(b, y, xx, c)` and `w(kh, kw, ci, co)` read the (NHWC, HWIO) operands of the convolution the
 * kernel computes; `at(b, y, xx, o)` is the output element's index.
 */
export function winogradBound(algorithm, {batch, inH, inW, inC, outH, outW, outC, padTop, padLeft}, x, w, at) {
  const {m} = ASC_WINOGRAD[algorithm], side = m + 2, kappa2 = kappaOf(ASC_WINOGRAD[algorithm]) ** 2;
  const maxW = new Float64Array(inC * outC);
  for (let ci = 0; ci < inC; ci++) {
    for (let co = 0; co < outC; co++) {
      for (let k = 0; k < 9; k++) maxW[ci * outC + co] = Math.max(maxW[ci * outC + co], Math.abs(w(Math.floor(k / 3), k % 3, ci, co)));
    }
  }
  const bound = new Float64Array(batch * outH * outW * outC);
  const tilesH = Math.ceil(outH / m), tilesW = Math.ceil(outW / m);
  const maxD = new Float64Array(inC);
  for (let b = 0; b < batch; b++) {
    for (let ty = 0; ty < tilesH; ty++) {
      for (let tx = 0; tx < tilesW; tx++) {
        maxD.fill(0);
        for (let y = ty * m - padTop; y < ty * m - padTop + side; y++) {
          for (let xx = tx * m - padLeft; xx < tx * m - padLeft + side; xx++) {
            if (y < 0 || y >= inH || xx < 0 || xx >= inW) continue;
            for (let ci = 0; ci < inC; ci++) maxD[ci] = Math.max(maxD[ci], Math.abs(x(b, y, xx, ci)));
          }
        }
        for (let y = ty * m; y < Math.min(outH, ty * m + m); y++) {
          for (let xx = tx * m; xx < Math.min(outW, tx * m + m); xx++) {
            for (let co = 0; co < outC; co++) {
              let sum = 0;
              for (let ci = 0; ci < inC; ci++) sum += maxW[ci * outC + co] * maxD[ci];
              bound[at(b, y, xx, co)] = 2 ** -23 * (inC + 16) * kappa2 * sum;
            }
          }
        }
      }
    }
  }
  return bound;
}
