// The error of Winograd F(4,3) (and F(2,3)) for a choice of interpolation points, in float32 as asc
// computes it: the transforms built from the points (Cook-Toom: At from powers of the points, G
// from the Lagrange denominators, Bt solved so that At[(G g) . (Bt d)] is the correlation exactly),
// then 2-D tiles of random data through them with every operation rounded to float32 (the filter
// transform in float64, rounded once, as assembly/kernels/winograd.ts does), against float64.
// Prints max |y - exact| / max |exact| and the RMS relative error per point set (asc's are marked).
// Usage: node bench/winograd_points.mjs [--channels C] [--tiles T]
import {caseRandom} from '../test/fuzz/draw.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
const CHANNELS = arg('--channels', 256);
const TILES = arg('--tiles', 400);
const R = 3;

/** At (m x n), G (n x r), Bt (n x n) for finite points `points` (n - 1 of them) and infinity. */
function transforms(points, m) {
  const n = m + R - 1;
  const at = Array.from({length: m}, (_, i) => [...points.map((p) => p ** i), i === m - 1 ? 1 : 0]);
  const g = points.map((p, j) => {
    const f = points.reduce((prod, q, l) => (l === j ? prod : prod * (p - q)), 1);
    return Array.from({length: R}, (_, k) => p ** k / f);
  });
  g.push(Array.from({length: R}, (_, k) => (k === R - 1 ? 1 : 0)));
  // Bt from sum_j At[i][j] G[j][k] Bt[j][a] = [a == i + k]: m * n * r equations in n * n unknowns.
  const rows = [], rhs = [];
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < R; k++) {
      for (let a = 0; a < n; a++) {
        const row = new Float64Array(n * n);
        for (let j = 0; j < n; j++) row[j * n + a] = at[i][j] * g[j][k];
        rows.push(row);
        rhs.push(a === i + k ? 1 : 0);
      }
    }
  }
  const solution = leastSquares(rows, rhs, n * n);
  const bt = Array.from({length: n}, (_, j) => Array.from(solution.slice(j * n, j * n + n)));
  return {at, g, bt, n};
}

/** The least-squares solution of rows x = rhs (normal equations, Gauss-Jordan with pivoting). */
function leastSquares(rows, rhs, size) {
  const a = Array.from({length: size}, () => new Float64Array(size + 1));
  rows.forEach((row, e) => {
    for (let p = 0; p < size; p++) {
      if (row[p] === 0) continue;
      for (let q = 0; q < size; q++) a[p][q] += row[p] * row[q];
      a[p][size] += row[p] * rhs[e];
    }
  });
  for (let c = 0; c < size; c++) {
    let pivot = c;
    for (let r = c + 1; r < size; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    for (let r = 0; r < size; r++) {
      if (r === c || a[r][c] === 0) continue;
      const f = a[r][c] / a[c][c];
      for (let q = c; q <= size; q++) a[r][q] -= f * a[c][q];
    }
  }
  return a.map((row, c) => row[size] / row[c]);
}

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
function tileError({at, g, bt, n}, m, random) {
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
  ['F(4,3)', 4, [0, 1, -1, 2, -2], '0, ±1, ±2, ∞ (Lavin)'],
  ['F(4,3)', 4, [0, 1, -1, 0.5, -0.5], '0, ±1, ±½, ∞'],
  ['F(4,3)', 4, [0, 1, -1, 0.5, -2], '0, ±1, ½, -2, ∞'],
  ['F(4,3)', 4, [0, Math.SQRT2, -Math.SQRT2, Math.SQRT1_2, -Math.SQRT1_2], '0, ±√2, ±√½, ∞ (asc)'],
  ['F(4,3)', 4, [0, 1, -1, 3, -3], '0, ±1, ±3, ∞'],
  ['F(2,3)', 2, [0, 1, -1], '0, ±1, ∞ (asc)'],
];
console.log(`${TILES} output tiles of random data in [-1, 1), ${CHANNELS} input channels; float32 against float64`);
for (const [label, m, points, description] of SETS) {
  const t = transforms(points, m);
  const random = caseRandom('winograd points');
  let err = 0, max = 0, sq = 0, norm = 0;
  for (let k = 0; k < TILES; k++) {
    const r = tileError(t, m, random);
    err = Math.max(err, r.err);
    max = Math.max(max, r.max);
    sq += r.sq;
    norm += r.norm;
  }
  console.log(`${label} points ${description.padEnd(22)} max error / max |y| ${(err / max).toExponential(2)}, ` +
      `RMS relative ${Math.sqrt(sq / norm).toExponential(2)}`);
}
