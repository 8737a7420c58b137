// The Winograd transforms F(m, 3) from their interpolation points (Cook-Toom), and asc's two:
// F(4,3) on 0, ±√2, ±√½ and infinity, F(2,3) on 0, ±1 and infinity with Lavin & Gray's signs.
// The one source of the matrices: the fuzz bound (winograd_bound.mjs) takes kappa from them,
// bench/winograd_points.mjs measures point sets with them, and test/unit/winograd.test.mjs checks
// that assembly/kernels/winograd.ts (where they are written out as code) computes them.

/** Filter taps. */
const R = 3;

/**
 * At (m x n), G (n x 3), Bt (n x n), n = m + 2, for the finite points `points` (n - 1 of them) and
 * infinity: At from powers of the points, G from the Lagrange denominators, Bt solved so that
 * At [(G g) . (Bt d)] is the correlation of d with g exactly. A frequency's scale is free (its G row
 * times its At column times its Bt row is what counts): `negateG` and `negateAt` list frequencies
 * whose G row or At column is negated, Bt's row following.
 */
export function winogradMatrices(points, m, {negateG = [], negateAt = []} = {}) {
  const n = m + R - 1;
  if (points.length !== n - 1) throw new Error(`F(${m},3) takes ${n - 1} finite points, got ${points.length}`);
  const sign = (list, f) => (list.includes(f) ? -1 : 1);
  const at = Array.from({length: m}, (_, i) =>
    [...points.map((p) => p ** i), i === m - 1 ? 1 : 0].map((v, f) => v * sign(negateAt, f)));
  const g = points.map((p, j) => {
    const f = points.reduce((prod, q, l) => (l === j ? prod : prod * (p - q)), 1);
    return Array.from({length: R}, (_, k) => sign(negateG, j) * p ** k / f);
  });
  g.push(Array.from({length: R}, (_, k) => (k === R - 1 ? sign(negateG, n - 1) : 0)));
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
  return {points, at, g, bt, m, n};
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

/**
 * asc's matrices: F(4,3) on 0, ±√2, ±√½ and infinity; F(2,3) on 0, ±1 and infinity as Lavin & Gray
 * write it (frequency 0's G row and infinity's At column negated).
 */
export const ASC_WINOGRAD = {
  'F(4,3)': winogradMatrices([0, Math.SQRT2, -Math.SQRT2, Math.SQRT1_2, -Math.SQRT1_2], 4),
  'F(2,3)': winogradMatrices([0, 1, -1], 2, {negateG: [0], negateAt: [3]}),
};
