// TopK: the k largest elements of each row (the last axis), best first: larger values first, equal
// values by lower index (tfjs-backend-cpu's order; -0 and 0 are equal), NaN above +Infinity (cpu's
// comparator leaves NaN's place to its sort). A selection, not a sort: a heap of the k best so far,
// its root the worst of them, meets each element once, and whole vectors that cannot beat the root
// are skipped with one comparison; at the end the heap is sorted in place. The heap lives in the
// row's outputs, values and int32 indices.

/** Whether (va, ia) ranks after (vb, ib). */
// @ts-ignore: decorator
@inline
function after<T>(va: T, ia: i32, vb: T, ib: i32): bool {
  if (isFloat<T>()) {
    const na = isNaN(va), nb = isNaN(vb);
    if (na || nb) return na && nb ? ia > ib : nb;
  }
  return va != vb ? va < vb : ia > ib;
}

/** Restores the heap (root: the element ranked last) below slot `i`, over `size` slots. */
// @ts-ignore: decorator
@inline
function siftDown<T>(values: usize, indices: usize, i: i32, size: i32): void {
  const bytes = sizeof<T>();
  const v = load<T>(values + <usize>i * bytes);
  const ix = load<i32>(indices + (<usize>i << 2));
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    let cv = load<T>(values + <usize>child * bytes);
    let ci = load<i32>(indices + (<usize>child << 2));
    if (child + 1 < size) {
      const rv = load<T>(values + <usize>(child + 1) * bytes);
      const ri = load<i32>(indices + (<usize>(child + 1) << 2));
      if (after<T>(rv, ri, cv, ci)) {
        child++;
        cv = rv;
        ci = ri;
      }
    }
    if (!after<T>(cv, ci, v, ix)) break;
    store<T>(values + <usize>i * bytes, cv);
    store<i32>(indices + (<usize>i << 2), ci);
    i = child;
  }
  store<T>(values + <usize>i * bytes, v);
  store<i32>(indices + (<usize>i << 2), ix);
}

/** Offers element j of the row to the full heap: it replaces the root if it ranks before it. */
// @ts-ignore: decorator
@inline
function offer<T>(row: usize, values: usize, indices: usize, k: i32, j: i32): void {
  const v = load<T>(row + <usize>j * sizeof<T>());
  // j is past every index in the heap: it wins a tie with none of them.
  if (!after<T>(load<T>(values), load<i32>(indices), v, j)) return;
  store<T>(values, v);
  store<i32>(indices, j);
  siftDown<T>(values, indices, 0, k);
}

// @ts-ignore: decorator
@inline
function topKRows<T>(x: usize, outValues: usize, outIndices: usize, n: i32, k: i32, begin: i32, end: i32): void {
  const bytes = sizeof<T>();
  for (let r = begin; r < end; r++) {
    const row = x + <usize>r * n * bytes;
    const values = outValues + <usize>r * k * bytes, indices = outIndices + (<usize>(r * k) << 2);
    // The first k elements, made a heap.
    for (let j = 0; j < k; j++) {
      store<T>(values + <usize>j * bytes, load<T>(row + <usize>j * bytes));
      store<i32>(indices + (<usize>j << 2), j);
    }
    for (let i = k / 2 - 1; i >= 0; i--) siftDown<T>(values, indices, i, k);
    let j = k;
    if (k > 0) {
      // Four at a time: a vector none of whose lanes exceeds the root (or is NaN) changes nothing.
      for (; j + 4 <= n; j += 4) {
        const v = v128.load(row + <usize>j * bytes);
        let beats: v128;
        if (isFloat<T>()) {
          beats = v128.or(f32x4.gt(v, f32x4.splat(<f32>load<T>(values))), f32x4.ne(v, v));
        } else {
          beats = i32x4.gt_s(v, i32x4.splat(<i32>load<T>(values)));
        }
        if (!v128.any_true(beats)) continue;
        for (let l = 0; l < 4; l++) offer<T>(row, values, indices, k, j + l);
      }
      for (; j < n; j++) offer<T>(row, values, indices, k, j);
    }
    // Heap sort: the root (the last in rank) goes to the end, and so on.
    for (let size = k - 1; size > 0; size--) {
      const v = load<T>(values), ix = load<i32>(indices);
      store<T>(values, load<T>(values + <usize>size * bytes));
      store<i32>(indices, load<i32>(indices + (<usize>size << 2)));
      store<T>(values + <usize>size * bytes, v);
      store<i32>(indices + (<usize>size << 2), ix);
      siftDown<T>(values, indices, 0, size);
    }
  }
}

/** Rows [begin, end) of float32 `x` (n a row): their k best values and indices (k <= n). */
export function topKFloat32(x: usize, outValues: usize, outIndices: usize, n: i32, k: i32, begin: i32, end: i32): void {
  topKRows<f32>(x, outValues, outIndices, n, k, begin, end);
}

/** topKFloat32 for int32 `x`. */
export function topKInt32(x: usize, outValues: usize, outIndices: usize, n: i32, k: i32, begin: i32, end: i32): void {
  topKRows<i32>(x, outValues, outIndices, n, k, begin, end);
}
