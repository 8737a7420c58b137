// Winograd minimal filtering for 3x3 stride-1 convolutions (Lavin & Gray, 2015), NHWC:
// F(4,3) turns each 6x6 input tile d into 36 frequencies V = Bt d B, multiplies them channel-wise
// by the transformed filters U = G g Gt (36 GEMMs of tiles x inChannels by inChannels x outChannels,
// through igemm's microkernels), and brings 4x4 outputs back with Y = At M A: 36 multiply-adds per
// 16 outputs and input channel where the direct convolution needs 144 (F(2,3): 16 per 4, not 36).
// Interpolation points 0, ±√2, ±√½ and infinity for F(4,3): the most accurate of the sets
// bench/winograd_points.mjs measures (max error 2.2e-6 of max |y| over 256 channels, against 1.2e-5
// for Lavin's 0, ±1, ±2, infinity, with as many operations); 0, ±1 and infinity for F(2,3). The
// matrices written out as code below are built from those points in test/fuzz/winograd_matrices.mjs;
// test/unit/winograd.test.mjs checks that the transforms compute them.
// Layouts, per block of tiles: V and M hold tile after tile its `freqs` rows of cp (cm) floats, so a
// transform reads or writes one contiguous run per tile, and a GEMM row of frequency f is row f of
// its tile (igemm's row pointers make the stride free). The transforms' intermediate rows go through
// the tile's own rows of V or M (each thread owns its tiles), never through shared scratch.
import { ACTIVATION_LINEAR, applyActivation, clampHigh, clampLow, clampV, isClampActivation } from "./activation";
import { igemm, igemmPack, igemmPackedBytes } from "./igemm";
import { madd } from "./madd";

// Constants come from memory, not v128.const: V8 rematerializes vector constants inside loops.
// F(4,3)'s Bt rows: [1, 0, -5/2, 0, 1, 0], [0, -√½, -½, √2, 1, 0], [0, √½, -½, -√2, 1, 0],
// [0, -√2, -2, √½, 1, 0], [0, √2, -2, -√½, 1, 0], [0, 1, 0, -5/2, 0, 1]; At rows: [1, 1, 1, 1, 1, 0],
// [0, √2, -√2, √½, -√½, 0], [0, 2, 2, ½, ½, 0], [0, 2√2, -2√2, √⅛, -√⅛, 1].
const SQRT2: f32 = 1.4142135623730951, SQRT_HALF: f32 = 0.7071067811865476;
const K_ADDR = memory.data<f32>([-2.5, -0.5, -2, SQRT2, SQRT_HALF, -SQRT2, -SQRT_HALF, 2, 0.5, 2 * SQRT2, 0.3535533905932738]);
// G (6 x 3 for F(4,3), 4 x 3 for F(2,3)), in double precision: filters are transformed once per tensor.
const G4 = memory.data<f64>([
  1, 0, 0,
  1.0 / 6, 0.23570226039551584, 1.0 / 3,
  1.0 / 6, -0.23570226039551584, 1.0 / 3,
  -2.0 / 3, -0.4714045207910317, -1.0 / 3,
  -2.0 / 3, 0.4714045207910317, -1.0 / 3,
  0, 0, 1,
]);
const G2 = memory.data<f64>([
  1, 0, 0,
  0.5, 0.5, 0.5,
  0.5, -0.5, 0.5,
  0, 0, 1,
]);

/** Frequencies per tile: (m + 2)^2. */
// @ts-ignore: decorator
@inline
function freqsOf(m: i32): i32 {
  return (m + 2) * (m + 2);
}

/** Four floats at p, or the first `valid` of them and zeros. */
// @ts-ignore: decorator
@inline
function loadPart(p: usize, valid: i32): v128 {
  if (valid >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (valid > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (valid > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

// @ts-ignore: decorator
@inline
function storePart(p: usize, v: v128, valid: i32): void {
  if (valid >= 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (valid > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (valid > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** F(2,3)'s Bt applied to four values, stored `step` bytes apart from `o`. */
// @ts-ignore: decorator
@inline
function bt2(o: usize, step: usize, d0: v128, d1: v128, d2: v128, d3: v128): void {
  v128.store(o, f32x4.sub(d0, d2));
  v128.store(o + step, f32x4.add(d1, d2));
  v128.store(o + 2 * step, f32x4.sub(d2, d1));
  v128.store(o + 3 * step, f32x4.sub(d1, d3));
}

/** F(4,3)'s Bt applied to six values (a column or a row of a tile), stored `step` bytes apart from `o`. */
// @ts-ignore: decorator
@inline
function bt4(o: usize, step: usize, d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, km5h: v128, kmh: v128,
  km2: v128, kr2: v128, krh: v128, kmr2: v128, kmrh: v128): void {
  const t1 = madd(kmh, d2, d4), t2 = madd(kr2, d3, f32x4.mul(kmrh, d1));
  const t3 = madd(km2, d2, d4), t4 = madd(krh, d3, f32x4.mul(kmr2, d1));
  v128.store(o, madd(km5h, d2, f32x4.add(d0, d4)));
  v128.store(o + step, f32x4.add(t1, t2));
  v128.store(o + 2 * step, f32x4.sub(t1, t2));
  v128.store(o + 3 * step, f32x4.add(t3, t4));
  v128.store(o + 4 * step, f32x4.sub(t3, t4));
  v128.store(o + 5 * step, madd(km5h, d3, f32x4.add(d1, d5)));
}

/**
 * Bytes of transformed, packed filters: one igemm block (taps = 1, kc = inC) per frequency.
 */
export function winogradPackedBytes(m: i32, inC: i32, outC: i32): usize {
  return <usize>freqsOf(m) * igemmPackedBytes(outC, 1, inC);
}

/**
 * U = G g Gt for every (input, output) channel pair, in double precision, into `scratch`
 * (freqs x inC x outC floats and one i32), then packed per frequency for igemm. Filter element
 * (kh, kw, i, o) is read at filter + ((kh * 3 + kw) * tapStride + i * inStride + o * outStride) * 4,
 * or with `flip` at tap (2 - kh, 2 - kw) (the transposed convolution of Conv2DBackpropInput).
 */
export function winogradPackFilter(filter: usize, scratch: usize, packed: usize, m: i32, inC: i32, outC: i32,
  tapStride: i32, inStride: i32, outStride: i32, flip: bool): void {
  const alpha = m + 2;
  const g = m == 4 ? G4 : G2;
  const plane = <usize>inC * outC;
  for (let i = 0; i < inC; i++) {
    for (let o = 0; o < outC; o++) {
      const at = filter + (<usize>(i * inStride + o * outStride) << 2);
      for (let a = 0; a < alpha; a++) {
        // Row a of G g (over kw), then row a of (G g) Gt.
        const ga0 = load<f64>(g + (<usize>(a * 3) << 3));
        const ga1 = load<f64>(g + (<usize>(a * 3 + 1) << 3));
        const ga2 = load<f64>(g + (<usize>(a * 3 + 2) << 3));
        let t0: f64 = 0, t1: f64 = 0, t2: f64 = 0;
        for (let kw = 0; kw < 3; kw++) {
          let v: f64 = 0;
          for (let kh = 0; kh < 3; kh++) {
            const tap = flip ? (2 - kh) * 3 + 2 - kw : kh * 3 + kw;
            const gk = kh == 0 ? ga0 : kh == 1 ? ga1 : ga2;
            v += gk * <f64>load<f32>(at + (<usize>(tap * tapStride) << 2));
          }
          if (kw == 0) t0 = v;
          else if (kw == 1) t1 = v;
          else t2 = v;
        }
        for (let b = 0; b < alpha; b++) {
          const u = t0 * load<f64>(g + (<usize>(b * 3) << 3)) + t1 * load<f64>(g + (<usize>(b * 3 + 1) << 3)) +
            t2 * load<f64>(g + (<usize>(b * 3 + 2) << 3));
          store<f32>(scratch + ((<usize>(a * alpha + b) * plane + <usize>i * outC + o) << 2), <f32>u);
        }
      }
    }
  }
  const freqs = freqsOf(m);
  const block = igemmPackedBytes(outC, 1, inC);
  const tapOffsets = scratch + (<usize>freqs * plane << 2);
  store<i32>(tapOffsets, 0);
  for (let f = 0; f < freqs; f++) {
    igemmPack(scratch + (<usize>f * plane << 2), 0, packed + <usize>f * block, outC, 1, inC, tapOffsets, outC, 1);
  }
}

/**
 * The GEMM row tables of a block of `rows` tiles (a multiple of the tile's mr), [freqs][rows]
 * pointers: for frequency f, row r reads V row (r, f) and writes M row (r, f). A shorter last block
 * uses them too: igemm stores only its real rows.
 */
export function winogradTables(a: usize, c: usize, v: usize, mBuf: usize, rows: i32, m: i32, cp: i32, cm: i32): void {
  const freqs = freqsOf(m);
  for (let f = 0; f < freqs; f++) {
    for (let r = 0; r < rows; r++) {
      const slot = <usize>(f * rows + r) << 2;
      store<u32>(a + slot, <u32>(v + (<usize>(r * freqs + f) * cp << 2)));
      store<u32>(c + slot, <u32>(mBuf + (<usize>(r * freqs + f) * cm << 2)));
    }
  }
}

/**
 * The frequency products of a block of `count` tiles (tables of `rows` rows per frequency): units
 * [begin, end) of freqs x blocks of 8 output channels, a unit being every row of one frequency
 * times one block of its packed filters.
 */
export function winogradProducts(count: i32, rows: i32, outC: i32, inC: i32, a: usize, c: usize,
  packed: usize, tile: i32, begin: i32, end: i32): void {
  const columnBlocks = (outC + 7) / 8;
  const block = igemmPackedBytes(outC, 1, inC);
  let u = begin;
  while (u < end) {
    const f = u / columnBlocks;
    const nb1 = min(columnBlocks, end - f * columnBlocks);
    const table = <usize>(f * rows) << 2;
    igemm(count, outC, 1, inC, a + table, packed + <usize>f * block, c + table, ACTIVATION_LINEAR, 0, tile, true,
      u - f * columnBlocks, nb1);
    u = f * columnBlocks + nb1;
  }
}

/**
 * Input transform of tiles [first + begin, first + end) (numbered over batch x tilesH x tilesW) into
 * V (tile first + u at row u * freqs). Input pixel (b, y, x) is at x + ((b * batchPixels + y * rowPixels + x) * inC) * 4
 * for y < inH, x < inW; elsewhere zeros (the `zero` block, cp floats).
 */
export function winogradInput(x: usize, zero: usize, v: usize, m: i32, inH: i32, inW: i32, inC: i32, cp: i32,
  rowPixels: i32, batchPixels: i32, tilesH: i32, tilesW: i32, padTop: i32, padLeft: i32, first: i32,
  begin: i32, end: i32): void {
  const alpha = m + 2;
  const freqs = alpha * alpha;
  const km5h = v128.load32_splat(K_ADDR), kmh = v128.load32_splat(K_ADDR, 4), km2 = v128.load32_splat(K_ADDR, 8);
  const kr2 = v128.load32_splat(K_ADDR, 12), krh = v128.load32_splat(K_ADDR, 16);
  const kmr2 = v128.load32_splat(K_ADDR, 20), kmrh = v128.load32_splat(K_ADDR, 24);
  const rowBytes = <usize>cp << 2;
  const rowStep = <usize>rowPixels * inC << 2;
  for (let u = begin; u < end; u++) {
    const t = first + u;
    const b = t / (tilesH * tilesW), ty = t / tilesW % tilesH, tx = t % tilesW;
    const y0 = ty * m - padTop, x0 = tx * m - padLeft;
    const base = x + (<usize>(b * batchPixels) * inC << 2);
    const out = v + <usize>u * freqs * rowBytes;
    for (let c = 0; c < inC; c += 4) {
      const valid = min(4, inC - c);
      const zc = zero + (<usize>c << 2);
      // Columns: Bt d, one input column of alpha values at a time, into the tile's rows (i, j).
      for (let j = 0; j < alpha; j++) {
        const xj = x0 + j;
        const colOk = <u32>xj < <u32>inW;
        const col = base + (<usize>(xj * inC + c) << 2);
        const p0 = colOk && <u32>y0 < <u32>inH ? col + <usize>y0 * rowStep : zc;
        const p1 = colOk && <u32>(y0 + 1) < <u32>inH ? col + <usize>(y0 + 1) * rowStep : zc;
        const p2 = colOk && <u32>(y0 + 2) < <u32>inH ? col + <usize>(y0 + 2) * rowStep : zc;
        const p3 = colOk && <u32>(y0 + 3) < <u32>inH ? col + <usize>(y0 + 3) * rowStep : zc;
        const d0 = loadPart(p0, valid), d1 = loadPart(p1, valid), d2 = loadPart(p2, valid), d3 = loadPart(p3, valid);
        const o = out + (<usize>(c << 2)) + <usize>j * rowBytes;
        if (m == 4) {
          const p4 = colOk && <u32>(y0 + 4) < <u32>inH ? col + <usize>(y0 + 4) * rowStep : zc;
          const p5 = colOk && <u32>(y0 + 5) < <u32>inH ? col + <usize>(y0 + 5) * rowStep : zc;
          const d4 = loadPart(p4, valid), d5 = loadPart(p5, valid);
          bt4(o, rowBytes * 6, d0, d1, d2, d3, d4, d5, km5h, kmh, km2, kr2, krh, kmr2, kmrh);
        } else {
          bt2(o, rowBytes * 4, d0, d1, d2, d3);
        }
      }
      // Rows: (Bt d) B, each row of alpha values in place.
      for (let i = 0; i < alpha; i++) {
        const o = out + (<usize>(c << 2)) + <usize>(i * alpha) * rowBytes;
        const d0 = v128.load(o), d1 = v128.load(o + rowBytes), d2 = v128.load(o + 2 * rowBytes);
        const d3 = v128.load(o + 3 * rowBytes);
        if (m == 4) {
          const d4 = v128.load(o + 4 * rowBytes), d5 = v128.load(o + 5 * rowBytes);
          bt4(o, rowBytes, d0, d1, d2, d3, d4, d5, km5h, kmh, km2, kr2, krh, kmr2, kmrh);
        } else {
          bt2(o, rowBytes, d0, d1, d2, d3);
        }
      }
    }
  }
}

/**
 * Output transform of tiles [first + begin, first + end) from M (tile first + u at row u * freqs, cm
 * floats a row): Y = At M A, plus the bias (outC floats, or none when 0), then the activation, stored
 * to the NHWC output where inside outH x outW. The store clamps (linear, relu, relu6); other
 * activations take a pass over the tile's output rows.
 */
export function winogradOutput(mBuf: usize, bias: usize, out: usize, m: i32, outH: i32, outW: i32, outC: i32,
  cm: i32, tilesH: i32, tilesW: i32, activation: i32, alpha: f32, first: i32, begin: i32, end: i32): void {
  const side = m + 2;
  const freqs = side * side;
  const kr2 = v128.load32_splat(K_ADDR, 12), krh = v128.load32_splat(K_ADDR, 16), k2 = v128.load32_splat(K_ADDR, 28);
  const kh = v128.load32_splat(K_ADDR, 32), k2r2 = v128.load32_splat(K_ADDR, 36), kr8 = v128.load32_splat(K_ADDR, 40);
  const low = clampLow(activation), high = clampHigh(activation);
  const rowBytes = <usize>cm << 2;
  for (let u = begin; u < end; u++) {
    const t = first + u;
    const b = t / (tilesH * tilesW), ty = t / tilesW % tilesH, tx = t % tilesW;
    const y0 = ty * m, x0 = tx * m;
    const rowsOut = min(m, outH - y0), colsOut = min(m, outW - x0);
    const tileM = mBuf + <usize>u * freqs * rowBytes;
    for (let c = 0; c < outC; c += 4) {
      const valid = min(4, outC - c);
      const biasV = bias ? loadPart(bias + (<usize>c << 2), valid) : f32x4.splat(0);
      // Columns: At M over each column j of the side x side frequencies, into rows (i, j), i < m.
      for (let j = 0; j < side; j++) {
        const o = tileM + (<usize>(c << 2)) + <usize>j * rowBytes;
        const s = rowBytes * side;
        const m0 = v128.load(o), m1 = v128.load(o + s), m2 = v128.load(o + 2 * s), m3 = v128.load(o + 3 * s);
        if (m == 4) {
          const m4 = v128.load(o + 4 * s), m5 = v128.load(o + 5 * s);
          const a = f32x4.add(m1, m2), d = f32x4.sub(m1, m2), e = f32x4.add(m3, m4), h = f32x4.sub(m3, m4);
          v128.store(o, f32x4.add(f32x4.add(m0, a), e));
          v128.store(o + s, madd(kr2, d, f32x4.mul(krh, h)));
          v128.store(o + 2 * s, madd(k2, a, f32x4.mul(kh, e)));
          v128.store(o + 3 * s, madd(k2r2, d, madd(kr8, h, m5)));
        } else {
          v128.store(o, f32x4.add(f32x4.add(m0, m1), m2));
          v128.store(o + s, f32x4.sub(f32x4.sub(m1, m2), m3));
        }
      }
      // Rows: (At M) A for each output row i, then bias, activation and the store.
      for (let i = 0; i < rowsOut; i++) {
        const o = tileM + (<usize>(c << 2)) + <usize>(i * side) * rowBytes;
        const m0 = v128.load(o), m1 = v128.load(o + rowBytes), m2 = v128.load(o + 2 * rowBytes);
        const m3 = v128.load(o + 3 * rowBytes);
        const pixel = out + ((<usize>((b * outH + y0 + i) * outW + x0) * outC + c) << 2);
        const step = <usize>outC << 2;
        if (m == 4) {
          const m4 = v128.load(o + 4 * rowBytes), m5 = v128.load(o + 5 * rowBytes);
          const a = f32x4.add(m1, m2), d = f32x4.sub(m1, m2), e = f32x4.add(m3, m4), h = f32x4.sub(m3, m4);
          storePart(pixel, clampV(f32x4.add(f32x4.add(f32x4.add(m0, a), e), biasV), low, high), valid);
          if (colsOut > 1) {
            storePart(pixel + step, clampV(f32x4.add(madd(kr2, d, f32x4.mul(krh, h)), biasV), low, high), valid);
          }
          if (colsOut > 2) {
            storePart(pixel + 2 * step, clampV(f32x4.add(madd(k2, a, f32x4.mul(kh, e)), biasV), low, high), valid);
          }
          if (colsOut > 3) {
            storePart(pixel + 3 * step, clampV(f32x4.add(madd(k2r2, d, madd(kr8, h, m5)), biasV), low, high), valid);
          }
        } else {
          storePart(pixel, clampV(f32x4.add(f32x4.add(f32x4.add(m0, m1), m2), biasV), low, high), valid);
          if (colsOut > 1) {
            storePart(pixel + step, clampV(f32x4.add(f32x4.sub(f32x4.sub(m1, m2), m3), biasV), low, high), valid);
          }
        }
      }
    }
    if (!isClampActivation(activation)) {
      for (let i = 0; i < rowsOut; i++) {
        const row = out + ((<usize>((b * outH + y0 + i) * outW + x0) * outC) << 2);
        applyActivation(row, row, activation, alpha, 0, colsOut * outC);
      }
    }
  }
}
