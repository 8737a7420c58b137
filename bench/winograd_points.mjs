// The error of Winograd F(4,3) (and F(2,3)) for a choice of interpolation points, in float32 as asc
// computes it: the transforms built from the points (test/fuzz/winograd_matrices.mjs: Cook-Toom;
// asc's own for the sets it uses), then 2-D tiles of random data through them with every operation
// rounded to float32 (the filter transform in float64, rounded once, as assembly/kernels/winograd.ts
// does), against float64.
// Prints max |y - exact| / max |exact| and the RMS relative error per point set (asc's are marked).
// Usage: node bench/winograd_points.mjs [--channels C] [--tiles T]
import {caseRandom} from '../test/fuzz/draw.mjs';
import {ASC_WINOGRAD, winogradMatrices} from '../test/fuzz/winograd_matrices.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const CHANNELS = arg('--channels', 256);
const TILES = arg('--tiles', 400);
const R = 3;

const f32 = Math.fround;
/** M x (rows of `t` applied on both sides) of a k x k block, each product-sum rounded to float32 step by step. */
function sandwich32(t, x) {
  const rows = t.length, k = t[0].length;
  const half = Array.from({length: rows}, (_, i) => Array.from({length: k}, (_, c) => {
    let s = 0;
    for (let j = 0; j < k; j++) if (t[i][j] !== 0) s = f32(s + f32(f32(t[i][j]) * x[j][c]));
    return s;
  }));
  return Array.from({length: rows}, (_, i) => Array.from({length: rows}, (_, c) => {
    let s = 0;
    for (let j = 0; j < k; j++) if (t[c][j] !== 0) s = f32(s + f32(f32(t[c][j]) * half[i][j]));
    return s;
  }));
}

/** One output tile over CHANNELS input channels: Winograd in float32 and the exact correlation. */
function tileError({at, g, bt, m, n}, random) {
  const exact = Array.from({length: m}, () => new Float64Array(m));
  const acc = Array.from({length: n}, () => new Float64Array(n)); // the GEMM's sums, float32 below
  for (let c = 0; c < CHANNELS; c++) {
    const d = Array.from({length: n}, () => Array.from({length: n}, () => f32(random() * 2 - 1)));
    const w = Array.from({length: R}, () => Array.from({length: R}, () => f32(random() * 2 - 1)));
    for (let y = 0; y < m; y++) {
      for (let x = 0; x < m; x++) {
        for (let kh = 0; kh < R; kh++) for (let kw = 0; kw < R; kw++) exact[y][x] += d[y + kh][x + kw] * w[kh][kw];
      }
    }
    const v = sandwich32(bt, d);
    // U = G w Gt in float64, rounded once.
    const gw = g.map((row) => Array.from({length: R}, (_, kw) => row.reduce((s, gk, kh) => s + gk * w[kh][kw], 0)));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const u = f32(g[j].reduce((s, gk, kw) => s + gk * gw[i][kw], 0));
        acc[i][j] = f32(acc[i][j] + f32(u * v[i][j]));
      }
    }
  }
  const y = sandwich32(at, acc);
  let err = 0, max = 0, sq = 0, norm = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      err = Math.max(err, Math.abs(y[i][j] - exact[i][j]));
      max = Math.max(max, Math.abs(exact[i][j]));
      sq += (y[i][j] - exact[i][j]) ** 2;
      norm += exact[i][j] ** 2;
    }
  }
  return {err, max, sq, norm};
}

const SETS = [
  ['F(4,3)', winogradMatrices([0, 1, -1, 2, -2], 4), '0, ±1, ±2, ∞ (Lavin)'],
  ['F(4,3)', winogradMatrices([0, 1, -1, 0.5, -0.5], 4), '0, ±1, ±½, ∞'],
  ['F(4,3)', winogradMatrices([0, 1, -1, 0.5, -2], 4), '0, ±1, ½, -2, ∞'],
  ['F(4,3)', ASC_WINOGRAD['F(4,3)'], '0, ±√2, ±√½, ∞ (asc)'],
  ['F(4,3)', winogradMatrices([0, 1, -1, 3, -3], 4), '0, ±1, ±3, ∞'],
  ['F(2,3)', ASC_WINOGRAD['F(2,3)'], '0, ±1, ∞ (asc)'],
];
console.log(`${TILES} output tiles of random data in [-1, 1), ${CHANNELS} input channels; float32 against float64`);
for (const [label, t, description] of SETS) {
  const random = caseRandom('winograd points');
  let err = 0, max = 0, sq = 0, norm = 0;
  for (let k = 0; k < TILES; k++) {
    const r = tileError(t, random);
    err = Math.max(err, r.err);
    max = Math.max(max, r.max);
    sq += r.sq;
    norm += r.norm;
  }
  console.log(`${label} points ${description.padEnd(22)} max error / max |y| ${(err / max).toExponential(2)}, ` +
      `RMS relative ${Math.sqrt(sq / norm).toExponential(2)}`);
}
