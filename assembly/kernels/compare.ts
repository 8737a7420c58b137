// Comparisons with numpy broadcasting of float32 or int32 operands into bool (one byte, 0 or 1),
// over the shapes binary_broadcast.ts walks: dims = the output shape, then a's and b's strides in
// elements (0 where broadcast). Greater and GreaterEqual are Less and LessEqual with the operands
// swapped by the host. A call computes output elements [begin, end).
import { operandOffsets } from "./binary_broadcast";

export const COMPARE_EQUAL: i32 = 0;
export const COMPARE_NOT_EQUAL: i32 = 1;
export const COMPARE_LESS: i32 = 2;
export const COMPARE_LESS_EQUAL: i32 = 3;

// @ts-ignore: decorator
@inline
function compareV<T>(op: i32, a: v128, b: v128): v128 {
  if (isFloat<T>()) {
    if (op == COMPARE_EQUAL) return f32x4.eq(a, b);
    if (op == COMPARE_NOT_EQUAL) return f32x4.ne(a, b);
    if (op == COMPARE_LESS) return f32x4.lt(a, b);
    return f32x4.le(a, b);
  }
  if (op == COMPARE_EQUAL) return i32x4.eq(a, b);
  if (op == COMPARE_NOT_EQUAL) return i32x4.ne(a, b);
  if (op == COMPARE_LESS) return i32x4.lt_s(a, b);
  return i32x4.le_s(a, b);
}

/** Four comparison lanes (all ones or zeros) as four bytes of 0 or 1. */
// @ts-ignore: decorator
@inline
function toBytes(mask: v128): v128 {
  const ones = v128.and(mask, i32x4.splat(1));
  const halves = i16x8.narrow_i32x4_u(ones, ones);
  return i8x16.narrow_i16x8_u(halves, halves);
}

// @ts-ignore: decorator
@inline
function row<T>(op: i32, a: usize, b: usize, o: usize, n: i32, aStep: i32, bStep: i32): void {
  let i = 0;
  if (aStep && bStep) {
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store32_lane(o + <usize>i, toBytes(compareV<T>(op, v128.load(a + off), v128.load(b + off))), 0);
    }
  } else if (aStep) {
    const bv = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) v128.store32_lane(o + <usize>i, toBytes(compareV<T>(op, v128.load(a + (<usize>i << 2)), bv)), 0);
  } else if (bStep) {
    const av = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) v128.store32_lane(o + <usize>i, toBytes(compareV<T>(op, av, v128.load(b + (<usize>i << 2)))), 0);
  }
  for (; i < n; i++) {
    const av = v128.load32_splat(a + (<usize>(i * aStep) << 2)), bv = v128.load32_splat(b + (<usize>(i * bStep) << 2));
    store<u8>(o + <usize>i, i8x16.extract_lane_u(toBytes(compareV<T>(op, av, bv)), 0));
  }
}

// @ts-ignore: decorator
@inline
function broadcast<T>(op: i32, a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  const inner = load<i32>(dims + (<usize>(rank - 1) << 2));
  const aStep = load<i32>(dims + (<usize>(2 * rank - 1) << 2));
  const bStep = load<i32>(dims + (<usize>(3 * rank - 1) << 2));
  for (let e = begin; e < end;) {
    const n = min(inner - e % inner, end - e);
    const offsets = operandOffsets(dims, rank, e, inner, aStep, bStep);
    row<T>(op, a + (<usize>(offsets >> 32) << 2), b + (<usize><u32>offsets << 2), out + <usize>e, n, aStep, bStep);
    e += n;
  }
}

// One function per comparison and type, each with its own loops (see binary_broadcast.ts).
function eqF32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<f32>(COMPARE_EQUAL, a, b, out, rank, dims, begin, end);
}
function neF32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<f32>(COMPARE_NOT_EQUAL, a, b, out, rank, dims, begin, end);
}
function ltF32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<f32>(COMPARE_LESS, a, b, out, rank, dims, begin, end);
}
function leF32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<f32>(COMPARE_LESS_EQUAL, a, b, out, rank, dims, begin, end);
}
function eqI32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<i32>(COMPARE_EQUAL, a, b, out, rank, dims, begin, end);
}
function neI32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<i32>(COMPARE_NOT_EQUAL, a, b, out, rank, dims, begin, end);
}
function ltI32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<i32>(COMPARE_LESS, a, b, out, rank, dims, begin, end);
}
function leI32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<i32>(COMPARE_LESS_EQUAL, a, b, out, rank, dims, begin, end);
}

export function compare(
    op: i32, float: bool, a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  if (float) {
    if (op == COMPARE_EQUAL) eqF32(a, b, out, rank, dims, begin, end);
    else if (op == COMPARE_NOT_EQUAL) neF32(a, b, out, rank, dims, begin, end);
    else if (op == COMPARE_LESS) ltF32(a, b, out, rank, dims, begin, end);
    else leF32(a, b, out, rank, dims, begin, end);
  } else if (op == COMPARE_EQUAL) eqI32(a, b, out, rank, dims, begin, end);
  else if (op == COMPARE_NOT_EQUAL) neI32(a, b, out, rank, dims, begin, end);
  else if (op == COMPARE_LESS) ltI32(a, b, out, rank, dims, begin, end);
  else leI32(a, b, out, rank, dims, begin, end);
}
