// Element-wise binary ops with numpy broadcasting, for float32 and int32.
// The host collapses the shapes so the innermost dimension is a row where each operand either
// advances (step 1) or repeats one value (step 0); rows are SIMD, the outer dimensions an index walk.
// A call computes output elements [begin, end). The broadcast loops (row, broadcast) serve
// compare.ts's comparisons too.

export const BINARY_ADD: i32 = 0;
export const BINARY_SUB: i32 = 1;
export const BINARY_MUL: i32 = 2;
export const BINARY_PRELU: i32 = 3; // a < 0 ? a * b : a
export const BINARY_DIV: i32 = 4; // float32 only (RealDiv)
export const BINARY_MIN: i32 = 5; // as Math.min: NaN wins, -0 < +0
export const BINARY_MAX: i32 = 6;
export const BINARY_SQDIFF: i32 = 7; // (a - b)^2, float32 only

// @ts-ignore: decorator
@inline
function applyV<T>(op: i32, a: v128, b: v128): v128 {
  if (isFloat<T>()) {
    if (op == BINARY_ADD) return f32x4.add(a, b);
    if (op == BINARY_SUB) return f32x4.sub(a, b);
    if (op == BINARY_MUL) return f32x4.mul(a, b);
    if (op == BINARY_DIV) return f32x4.div(a, b);
    if (op == BINARY_MIN) return f32x4.min(a, b);
    if (op == BINARY_MAX) return f32x4.max(a, b);
    if (op == BINARY_SQDIFF) {
      const d = f32x4.sub(a, b);
      return f32x4.mul(d, d);
    }
    return v128.bitselect(f32x4.mul(a, b), a, f32x4.lt(a, f32x4.splat(0)));
  } else {
    if (op == BINARY_ADD) return i32x4.add(a, b);
    if (op == BINARY_SUB) return i32x4.sub(a, b);
    if (op == BINARY_MUL) return i32x4.mul(a, b);
    if (op == BINARY_MIN) return i32x4.min_s(a, b);
    if (op == BINARY_MAX) return i32x4.max_s(a, b);
    return v128.bitselect(i32x4.mul(a, b), a, i32x4.lt_s(a, i32x4.splat(0)));
  }
}

/** The arithmetic ops' results for the broadcast loops below: four T lanes, stored as they are. */
// @ts-ignore: decorator
@final class Arithmetic<T> {
  // @ts-ignore: decorator
  @inline apply(op: i32, a: v128, b: v128): v128 {
    return applyV<T>(op, a, b);
  }
  // @ts-ignore: decorator
  @inline at(out: usize, e: i32): usize {
    return out + (<usize>e << 2);
  }
  // @ts-ignore: decorator
  @inline store(out: usize, i: i32, results: v128): void {
    v128.store(out + (<usize>i << 2), results);
  }
  // @ts-ignore: decorator
  @inline storeFirst(out: usize, i: i32, results: v128): void {
    v128.store32_lane(out + (<usize>i << 2), results, 0);
  }
}

/**
 * One row: n output elements from a and b, each advancing (step 1) or repeating one value (step
 * 0), four at a time where one of them advances. `Ops` (Arithmetic, or compare.ts's Comparison)
 * computes and stores the results: its methods are inlined with `op` a constant, so each op has
 * loops of its own with no test of the op inside. Only its type is used: its methods are called on
 * a null reference, which they never read.
 */
// @ts-ignore: decorator
@inline
function row<Ops>(op: i32, a: usize, b: usize, o: usize, n: i32, aStep: i32, bStep: i32): void {
  const ops = changetype<Ops>(0);
  let i = 0;
  if (aStep && bStep) {
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      ops.store(o, i, ops.apply(op, v128.load(a + off), v128.load(b + off)));
    }
  } else if (aStep) {
    const bv = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) ops.store(o, i, ops.apply(op, v128.load(a + (<usize>i << 2)), bv));
  } else if (bStep) {
    const av = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) ops.store(o, i, ops.apply(op, av, v128.load(b + (<usize>i << 2))));
  }
  // One element at a time through the vector code (so min/max treat NaN and -0 as the SIMD lanes do).
  for (; i < n; i++) {
    const av = v128.load32_splat(a + (<usize>(i * aStep) << 2)), bv = v128.load32_splat(b + (<usize>(i * bStep) << 2));
    ops.storeFirst(o, i, ops.apply(op, av, bv));
  }
}

/**
 * Where output element e (at column j of its row) reads a and b, in elements, as the high and low
 * halves. dims: i32[3 * rank] = output shape, then a's and b's strides in elements (0 where
 * broadcast).
 */
// @ts-ignore: decorator
@inline
function operandOffsets(dims: usize, rank: i32, e: i32, inner: i32, aStep: i32, bStep: i32): u64 {
  const j = e % inner;
  let rest = e / inner, aOff = j * aStep, bOff = j * bStep;
  for (let d = rank - 2; d >= 0; d--) {
    const size = load<i32>(dims + (<usize>d << 2));
    const idx = rest % size;
    rest /= size;
    aOff += idx * load<i32>(dims + (<usize>(rank + d) << 2));
    bOff += idx * load<i32>(dims + (<usize>(2 * rank + d) << 2));
  }
  return (<u64><u32>aOff << 32) | <u64><u32>bOff;
}

/**
 * Output elements [begin, end) (multiples of 4) of op(a, b) where one operand (`all`) has every
 * element and the other (`row`, `inner` elements, a multiple of 4) repeats; `rowFirst`: the
 * repeating operand is a.
 */
// @ts-ignore: decorator
@inline
function periodic<Ops>(op: i32, all: usize, row: usize, rowFirst: bool, out: usize, inner: i32, begin: i32, end: i32): void {
  const ops = changetype<Ops>(0);
  const o = ops.at(out, begin);
  let j = begin % inner;
  let e = begin;
  // Four vectors a step where the row wraps only between steps (threads split at multiples of 16):
  // the loop's bookkeeping, not the op, was what a vector cost.
  if (inner % 16 == 0 && (j & 15) == 0) {
    for (; e + 16 <= end; e += 16) {
      const x0 = v128.load(all + (<usize>e << 2)), r0 = v128.load(row + (<usize>j << 2));
      const x1 = v128.load(all + (<usize>e << 2), 16), r1 = v128.load(row + (<usize>j << 2), 16);
      const x2 = v128.load(all + (<usize>e << 2), 32), r2 = v128.load(row + (<usize>j << 2), 32);
      const x3 = v128.load(all + (<usize>e << 2), 48), r3 = v128.load(row + (<usize>j << 2), 48);
      ops.store(o, e - begin, rowFirst ? ops.apply(op, r0, x0) : ops.apply(op, x0, r0));
      ops.store(o, e - begin + 4, rowFirst ? ops.apply(op, r1, x1) : ops.apply(op, x1, r1));
      ops.store(o, e - begin + 8, rowFirst ? ops.apply(op, r2, x2) : ops.apply(op, x2, r2));
      ops.store(o, e - begin + 12, rowFirst ? ops.apply(op, r3, x3) : ops.apply(op, x3, r3));
      j += 16;
      if (j == inner) j = 0;
    }
  }
  for (; e < end; e += 4) {
    const x = v128.load(all + (<usize>e << 2)), r = v128.load(row + (<usize>j << 2));
    ops.store(o, e - begin, rowFirst ? ops.apply(op, r, x) : ops.apply(op, x, r));
    j += 4;
    if (j == inner) j = 0;
  }
}

/**
 * Output elements [begin, end) of `op` (a constant) on a and b broadcast over `dims`, row by row,
 * through `Ops` (see row).
 */
// @ts-ignore: decorator
@inline
export function broadcast<Ops>(op: i32, a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  const inner = load<i32>(dims + (<usize>(rank - 1) << 2));
  const aStep = load<i32>(dims + (<usize>(2 * rank - 1) << 2));
  const bStep = load<i32>(dims + (<usize>(3 * rank - 1) << 2));
  if (rank == 2) {
    // Rows of one outer axis (a per-channel operand, the commonest broadcast): the operands' rows
    // follow from the row index, with no division per row (rows may be a few elements long).
    const aOuter = load<i32>(dims + (<usize>2 << 2)), bOuter = load<i32>(dims + (<usize>4 << 2));
    if (inner % 4 == 0 && aStep == 1 && bStep == 1 && (aOuter == 0) != (bOuter == 0)) {
      // One operand walks every element, the other repeats a row of whole vectors (a bias, a
      // slope or a scale per channel): one loop over the elements, the row's offset wrapping.
      periodic<Ops>(op, aOuter == 0 ? b : a, aOuter == 0 ? a : b, aOuter == 0, out, inner, begin, end);
      return;
    }
    let r = begin / inner, j = begin % inner;
    for (let e = begin; e < end; r++, j = 0) {
      const n = min(inner - j, end - e);
      row<Ops>(op, a + (<usize>(r * aOuter + j * aStep) << 2), b + (<usize>(r * bOuter + j * bStep) << 2),
        changetype<Ops>(0).at(out, e), n, aStep, bStep);
      e += n;
    }
    return;
  }
  for (let e = begin; e < end;) {
    const n = min(inner - e % inner, end - e);
    const offsets = operandOffsets(dims, rank, e, inner, aStep, bStep);
    row<Ops>(op, a + (<usize>(offsets >> 32) << 2), b + (<usize><u32>offsets << 2), changetype<Ops>(0).at(out, e), n, aStep,
      bStep);
    e += n;
  }
}

// One function per op and type, each with its own loops, called once per kernel: behind the
// dispatch alone, Binaryen folded the inlined copies into one loop that tests the op at every vector.
function add<T>(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<Arithmetic<T>>(BINARY_ADD, a, b, out, rank, dims, begin, end);
}
function sub<T>(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<Arithmetic<T>>(BINARY_SUB, a, b, out, rank, dims, begin, end);
}
function mul<T>(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<Arithmetic<T>>(BINARY_MUL, a, b, out, rank, dims, begin, end);
}
function div<T>(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<Arithmetic<T>>(BINARY_DIV, a, b, out, rank, dims, begin, end);
}
function minimum<T>(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<Arithmetic<T>>(BINARY_MIN, a, b, out, rank, dims, begin, end);
}
function maximum<T>(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<Arithmetic<T>>(BINARY_MAX, a, b, out, rank, dims, begin, end);
}
function sqdiff<T>(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<Arithmetic<T>>(BINARY_SQDIFF, a, b, out, rank, dims, begin, end);
}
function prelu<T>(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<Arithmetic<T>>(BINARY_PRELU, a, b, out, rank, dims, begin, end);
}

/** The op's function for T (int32 has no DIV or SQDIFF: the host sends those to float32). */
// @ts-ignore: decorator
@inline
function binary<T>(op: i32, a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  if (op == BINARY_ADD) add<T>(a, b, out, rank, dims, begin, end);
  else if (op == BINARY_SUB) sub<T>(a, b, out, rank, dims, begin, end);
  else if (op == BINARY_MUL) mul<T>(a, b, out, rank, dims, begin, end);
  else if (isFloat<T>() && op == BINARY_DIV) div<T>(a, b, out, rank, dims, begin, end);
  else if (op == BINARY_MIN) minimum<T>(a, b, out, rank, dims, begin, end);
  else if (op == BINARY_MAX) maximum<T>(a, b, out, rank, dims, begin, end);
  else if (isFloat<T>() && op == BINARY_SQDIFF) sqdiff<T>(a, b, out, rank, dims, begin, end);
  else prelu<T>(a, b, out, rank, dims, begin, end);
}

export function binaryFloat32(
    op: i32, a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  binary<f32>(op, a, b, out, rank, dims, begin, end);
}

export function binaryInt32(
    op: i32, a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  binary<i32>(op, a, b, out, rank, dims, begin, end);
}
