// BatchMatMul for float32: out[bi] = op(A[bi % batchA]) x op(B[bi % batchB]), op = optional transpose.
// B is read as rows of N contiguous values (transposed into a scratch panel first when transposeB),
// and each output row accumulates 16, then 4, then 1 columns in registers over K.

// @ts-ignore: decorator
@inline
function aAt(a: usize, m: i32, k: i32, rows: i32, depth: i32, transposeA: bool): usize {
  return a + (<usize>(transposeA ? k * rows + m : m * depth + k) << 2);
}

export function batchMatMul(
  a: usize, b: usize, out: usize, batch: i32, batchA: i32, batchB: i32,
  rows: i32, depth: i32, cols: i32, transposeA: bool, transposeB: bool,
): void {
  const panel = transposeB ? heap.alloc(<usize>(depth * cols) << 2) : 0;
  const rowBytes = <usize>cols << 2;
  for (let bi = 0; bi < batch; bi++) {
    const aBatch = a + (<usize>((bi % batchA) * rows * depth) << 2);
    let bBatch = b + (<usize>((bi % batchB) * depth * cols) << 2);
    if (transposeB) {
      // B is [cols, depth]: make it [depth, cols].
      for (let n = 0; n < cols; n++) {
        for (let k = 0; k < depth; k++) {
          store<f32>(panel + (<usize>(k * cols + n) << 2), load<f32>(bBatch + (<usize>(n * depth + k) << 2)));
        }
      }
      bBatch = panel;
    }
    const outBatch = out + (<usize>(bi * rows * cols) << 2);
    for (let m = 0; m < rows; m++) {
      const o = outBatch + <usize>m * rowBytes;
      let n = 0;
      for (; n + 16 <= cols; n += 16) {
        let acc0 = f32x4.splat(0), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        let bp = bBatch + (<usize>n << 2);
        for (let k = 0; k < depth; k++) {
          const av = v128.load32_splat(aAt(aBatch, m, k, rows, depth, transposeA));
          acc0 = f32x4.add(acc0, f32x4.mul(av, v128.load(bp)));
          acc1 = f32x4.add(acc1, f32x4.mul(av, v128.load(bp, 16)));
          acc2 = f32x4.add(acc2, f32x4.mul(av, v128.load(bp, 32)));
          acc3 = f32x4.add(acc3, f32x4.mul(av, v128.load(bp, 48)));
          bp += rowBytes;
        }
        const op = o + (<usize>n << 2);
        v128.store(op, acc0);
        v128.store(op, acc1, 16);
        v128.store(op, acc2, 32);
        v128.store(op, acc3, 48);
      }
      for (; n + 4 <= cols; n += 4) {
        let acc = f32x4.splat(0);
        let bp = bBatch + (<usize>n << 2);
        for (let k = 0; k < depth; k++) {
          acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(aAt(aBatch, m, k, rows, depth, transposeA)), v128.load(bp)));
          bp += rowBytes;
        }
        v128.store(o + (<usize>n << 2), acc);
      }
      for (; n < cols; n++) {
        let acc: f32 = 0;
        let bp = bBatch + (<usize>n << 2);
        for (let k = 0; k < depth; k++) {
          acc += load<f32>(aAt(aBatch, m, k, rows, depth, transposeA)) * load<f32>(bp);
          bp += rowBytes;
        }
        store<f32>(o + (<usize>n << 2), acc);
      }
    }
  }
  if (panel) heap.free(panel);
}
