// Comparisons with numpy broadcasting of float32 or int32 operands into bool (one byte, 0 or 1),
// over the shapes binary_broadcast.ts walks: dims = the output shape, then a's and b's strides in
// elements (0 where broadcast). Greater and GreaterEqual are Less and LessEqual with the operands
// swapped by the host. A call computes output elements [begin, end).
import { broadcast } from "./binary_broadcast";

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

/** The comparisons' results for binary_broadcast.ts's loops: four bytes of 0 or 1 (bool). */
// @ts-ignore: decorator
@final class Comparison<T> {
  // @ts-ignore: decorator
  @inline apply(op: i32, a: v128, b: v128): v128 {
    return toBytes(compareV<T>(op, a, b));
  }
  // @ts-ignore: decorator
  @inline at(out: usize, e: i32): usize {
    return out + <usize>e;
  }
  // @ts-ignore: decorator
  @inline store(out: usize, i: i32, results: v128): void {
    v128.store32_lane(out + <usize>i, results, 0);
  }
  // @ts-ignore: decorator
  @inline storeFirst(out: usize, i: i32, results: v128): void {
    v128.store8_lane(out + <usize>i, results, 0);
  }
}

// One function per comparison and type, each with its own loops (see binary_broadcast.ts).
function equal<T>(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<Comparison<T>>(COMPARE_EQUAL, a, b, out, rank, dims, begin, end);
}
function notEqual<T>(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<Comparison<T>>(COMPARE_NOT_EQUAL, a, b, out, rank, dims, begin, end);
}
function less<T>(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<Comparison<T>>(COMPARE_LESS, a, b, out, rank, dims, begin, end);
}
function lessEqual<T>(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<Comparison<T>>(COMPARE_LESS_EQUAL, a, b, out, rank, dims, begin, end);
}

// @ts-ignore: decorator
@inline
function compareAs<T>(op: i32, a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  if (op == COMPARE_EQUAL) equal<T>(a, b, out, rank, dims, begin, end);
  else if (op == COMPARE_NOT_EQUAL) notEqual<T>(a, b, out, rank, dims, begin, end);
  else if (op == COMPARE_LESS) less<T>(a, b, out, rank, dims, begin, end);
  else lessEqual<T>(a, b, out, rank, dims, begin, end);
}

export function compare(
    op: i32, float: bool, a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  if (float) compareAs<f32>(op, a, b, out, rank, dims, begin, end);
  else compareAs<i32>(op, a, b, out, rank, dims, begin, end);
}
