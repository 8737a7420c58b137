// ArgMax and ArgMin along one axis of x seen as [outer, n, inner]: the index of the first element
// that no later one beats strictly, starting from the axis's first element, as tfjs-backend-cpu
// scans (so a NaN is never chosen unless it comes first, and -0 and 0 tie). Along the last axis
// (inner = 1) a long row is scanned four lanes at a time, each lane keeping its own first best, and
// the lanes are merged by value, then by lower index; short rows go four at once, one a lane; with
// inner > 1, four inner positions go at once.

/** Whether `a` beats `b` (strictly): greater for ArgMax, less for ArgMin. */
// @ts-ignore: decorator
@inline
function beats<T>(isMax: bool, a: T, b: T): bool {
  return isMax ? a > b : a < b;
}

// @ts-ignore: decorator
@inline
function beatsV<T>(isMax: bool, a: v128, b: v128): v128 {
  if (isFloat<T>()) return isMax ? f32x4.gt(a, b) : f32x4.lt(a, b);
  return isMax ? i32x4.gt_s(a, b) : i32x4.lt_s(a, b);
}

/** Lanes where (v, i) ranks before (w, k): it beats w, or equals it at a lower index. */
// @ts-ignore: decorator
@inline
function ranksFirstV<T>(isMax: bool, v: v128, i: v128, w: v128, k: v128): v128 {
  const equal = isFloat<T>() ? f32x4.eq(v, w) : i32x4.eq(v, w);
  return v128.or(beatsV<T>(isMax, v, w), v128.and(equal, i32x4.lt_s(i, k)));
}

/** The winner's index in one row of n contiguous elements. */
// @ts-ignore: decorator
@inline
function rowIndex<T>(isMax: bool, row: usize, n: i32): i32 {
  const bytes = sizeof<T>();
  let best = load<T>(row);
  let bestIndex = 0;
  let j = 0;
  if (n >= 8) {
    // Every lane starts from element 0, so a NaN first is never beaten, as in the scan.
    let bestV = isFloat<T>() ? f32x4.splat(<f32>best) : i32x4.splat(<i32>best);
    let indexV = i32x4.splat(0);
    let lanes = i32x4(0, 1, 2, 3);
    for (; j + 4 <= n; j += 4) {
      const v = v128.load(row + <usize>j * bytes);
      const m = beatsV<T>(isMax, v, bestV);
      bestV = v128.bitselect(v, bestV, m);
      indexV = v128.bitselect(lanes, indexV, m);
      lanes = i32x4.add(lanes, i32x4.splat(4));
    }
    // The lanes by value, then by lower index (lane l holds indices l, l + 4, ...): the halves,
    // then the pairs, each lane taking its partner where the partner ranks first. Every lane started
    // from element 0, so the winner among them is the row's so far.
    let otherV = i32x4.shuffle(bestV, bestV, 2, 3, 0, 1), otherI = i32x4.shuffle(indexV, indexV, 2, 3, 0, 1);
    let m = ranksFirstV<T>(isMax, otherV, otherI, bestV, indexV);
    bestV = v128.bitselect(otherV, bestV, m);
    indexV = v128.bitselect(otherI, indexV, m);
    otherV = i32x4.shuffle(bestV, bestV, 1, 0, 3, 2);
    otherI = i32x4.shuffle(indexV, indexV, 1, 0, 3, 2);
    m = ranksFirstV<T>(isMax, otherV, otherI, bestV, indexV);
    bestV = v128.bitselect(otherV, bestV, m);
    indexV = v128.bitselect(otherI, indexV, m);
    best = isFloat<T>() ? <T>f32x4.extract_lane(bestV, 0) : <T>i32x4.extract_lane(bestV, 0);
    bestIndex = i32x4.extract_lane(indexV, 0);
  }
  // Without branches: which element wins is data, not a pattern a predictor learns.
  for (; j < n; j++) {
    const v = load<T>(row + <usize>j * bytes);
    const take = beats<T>(isMax, v, best);
    best = select<T>(v, best, take);
    bestIndex = select<i32>(j, bestIndex, take);
  }
  return bestIndex;
}

/**
 * Four rows of n contiguous elements at once, one a lane, each the scan itself: for short rows
 * (a segmentation head's classes), where merging a row's lanes would cost more than its scan.
 */
// @ts-ignore: decorator
@inline
function fourRowsIndex<T>(isMax: bool, row: usize, n: i32, dst: usize): void {
  const rowBytes = <usize>n * sizeof<T>();
  let p = row;
  let bestV = v128.load32_lane(p + 3 * rowBytes, v128.load32_lane(p + 2 * rowBytes,
      v128.load32_lane(p + rowBytes, v128.load32_splat(p), 1), 2), 3);
  let indexV = i32x4.splat(0);
  for (let j = 1; j < n; j++) {
    p += sizeof<T>();
    const v = v128.load32_lane(p + 3 * rowBytes, v128.load32_lane(p + 2 * rowBytes,
        v128.load32_lane(p + rowBytes, v128.load32_splat(p), 1), 2), 3);
    const m = beatsV<T>(isMax, v, bestV);
    bestV = v128.bitselect(v, bestV, m);
    indexV = v128.bitselect(i32x4.splat(j), indexV, m);
  }
  v128.store(dst, indexV);
}

/** Rows shorter than this go four at a time (fourRowsIndex). */
const SHORT_ROW = 64;

// @ts-ignore: decorator
@inline
function argExtreme<T>(isMax: bool, x: usize, out: usize, n: i32, inner: i32, begin: i32, end: i32): void {
  const bytes = sizeof<T>();
  const stride = <usize>inner * bytes;
  let o = begin;
  if (inner == 1 && n < SHORT_ROW) {
    for (; o + 4 <= end; o += 4) fourRowsIndex<T>(isMax, x + <usize>o * n * bytes, n, out + (<usize>o << 2));
  }
  for (; o < end; o++) {
    const base = x + <usize>o * n * stride;
    const dst = out + (<usize>(o * inner) << 2);
    if (inner == 1) {
      store<i32>(dst, rowIndex<T>(isMax, base, n));
      continue;
    }
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      let p = base + <usize>i * bytes;
      let bestV = v128.load(p);
      let indexV = i32x4.splat(0);
      for (let j = 1; j < n; j++) {
        p += stride;
        const v = v128.load(p);
        const m = beatsV<T>(isMax, v, bestV);
        bestV = v128.bitselect(v, bestV, m);
        indexV = v128.bitselect(i32x4.splat(j), indexV, m);
      }
      v128.store(dst + (<usize>i << 2), indexV);
    }
    for (; i < inner; i++) {
      let p = base + <usize>i * bytes;
      let best = load<T>(p);
      let bestIndex = 0;
      for (let j = 1; j < n; j++) {
        p += stride;
        const v = load<T>(p);
        if (beats<T>(isMax, v, best)) {
          best = v;
          bestIndex = j;
        }
      }
      store<i32>(dst + (<usize>i << 2), bestIndex);
    }
  }
}

/** ArgMax of float32 x as [outer, n, inner] (n >= 1) into int32 out [outer, inner], outer rows [begin, end). */
export function argMaxFloat32(x: usize, out: usize, n: i32, inner: i32, begin: i32, end: i32): void {
  argExtreme<f32>(true, x, out, n, inner, begin, end);
}

/** argMaxFloat32 for int32 x. */
export function argMaxInt32(x: usize, out: usize, n: i32, inner: i32, begin: i32, end: i32): void {
  argExtreme<i32>(true, x, out, n, inner, begin, end);
}

/** ArgMin: argMaxFloat32 with less for greater. */
export function argMinFloat32(x: usize, out: usize, n: i32, inner: i32, begin: i32, end: i32): void {
  argExtreme<f32>(false, x, out, n, inner, begin, end);
}

/** argMinFloat32 for int32 x. */
export function argMinInt32(x: usize, out: usize, n: i32, inner: i32, begin: i32, end: i32): void {
  argExtreme<i32>(false, x, out, n, inner, begin, end);
}
