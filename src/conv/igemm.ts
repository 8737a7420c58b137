// Running the indirect GEMM (assembly/kernels/igemm.ts): one product with its indirection tables in
// a scratch block, split across threads by row tiles or column blocks; and its one-row form.
import type {AscBackend} from '../backend.js';
import {igemmRows, igemmTile, settleIgemmTile} from './gemm_tiles.js';

/**
 * Runs igemm on `m` rows: `fillTables(a, c, zero, rowsPerTile)` writes the A and C tables in tiles
 * of `rowsPerTile` rows (the zero block holds kc zeros for padded taps), then the product with
 * `packed` is computed in place.
 */
export function runIgemm(
    backend: AscBackend, m: number, n: number, taps: number, kc: number, packed: number, activation: number,
    alpha: number, fillTables: (a: number, c: number, zero: number, rowsPerTile: number) => void): void {
  if (m === 0 || n === 0) return;
  settleIgemmTile(backend, m * n * Math.max(taps, 1) * kc);
  const mr = igemmRows(backend);
  const rows = Math.ceil(m / mr) * mr;
  const aBytes = rows * Math.max(taps, 1) * 4;
  const cBytes = rows * 4;
  const zeroBytes = Math.max(kc, 1) * 4;
  backend.withScratch(aBytes + cBytes + zeroBytes, (scratch) => {
    const a = scratch;
    const c = a + aBytes;
    const zero = c + cBytes;
    backend.zero(zero, zeroBytes);
    fillTables(a, c, zero, mr);
    // Threads share the row tiles, or the column blocks when there are too few row tiles to go round
    // evenly. Rows even where B is the larger operand: threads writing the two halves of every row of C
    // contend for the lines where the halves meet (14x14x48->288 on two threads: 141 µs a call by
    // columns, 102 by rows, one thread 164; Node 24, Zen 5).
    const rowTiles = rows / mr, columnBlocks = Math.ceil(n / 8);
    const byColumns = columnBlocks >= 2 * backend.threads && rowTiles < 4 * backend.threads;
    const units = byColumns ? columnBlocks : rowTiles;
    const unitWork = (byColumns ? m * 8 : mr * n) * Math.max(taps, 1) * kc;
    backend.parallel('igemm', [m, n, taps, kc, a, packed, c, activation, alpha, igemmTile(backend), Number(byColumns)],
        units, unitWork);
  });
}

/**
 * One row of A (at `a`, kc floats) times packed B (taps = 1) into `c`: igemm's product for m = 1
 * (a dense layer on one sample, a squeeze-excite 1x1 conv), without the tile's idle rows.
 */
export function runGemv(backend: AscBackend, a: number, packed: number, c: number, n: number, kc: number,
    activation: number, alpha: number): void {
  if (n === 0) return;
  // Threads share the column blocks, four at a time (the kernel's step).
  backend.parallel('gemv', [a, packed, c, n, kc, activation, alpha], Math.ceil(n / 8), 8 * kc, 4);
}
