// Element-wise binary ops with numpy broadcasting, for float32 and int32.
// The host collapses the shapes so the innermost dimension is a row where each operand either
// advances (step 1) or repeats one value (step 0); rows are SIMD, the outer dimensions an index walk.
// A call computes output elements [begin, end).

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

/** One element, through the vector code (so min/max treat NaN and -0 as the SIMD lanes do). */
// @ts-ignore: decorator
@inline
function applyS<T>(op: i32, a: T, b: T): T {
  if (isFloat<T>()) return <T>f32x4.extract_lane(applyV<T>(op, f32x4.splat(<f32>a), f32x4.splat(<f32>b)), 0);
  return <T>i32x4.extract_lane(applyV<T>(op, i32x4.splat(<i32>a), i32x4.splat(<i32>b)), 0);
}

// @ts-ignore: decorator
@inline
function row<T>(op: i32, a: usize, b: usize, o: usize, n: i32, aStep: i32, bStep: i32): void {
  let i = 0;
  if (aStep && bStep) {
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(o + off, applyV<T>(op, v128.load(a + off), v128.load(b + off)));
    }
  } else if (aStep) {
    const bv = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(o + off, applyV<T>(op, v128.load(a + off), bv));
    }
  } else if (bStep) {
    const av = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const off = <usize>i << 2;
      v128.store(o + off, applyV<T>(op, av, v128.load(b + off)));
    }
  }
  for (; i < n; i++) {
    store<T>(o + (<usize>i << 2), applyS<T>(op, load<T>(a + (<usize>(i * aStep) << 2)), load<T>(b + (<usize>(i * bStep) << 2))));
  }
}

/**
 * Where output element e (at column j of its row) reads a and b, in elements, as the high and low
 * halves. dims: i32[3 * rank] = output shape, then a's and b's strides in elements (0 where
 * broadcast). Shared with compare.ts.
 */
// @ts-ignore: decorator
@inline
export function operandOffsets(dims: usize, rank: i32, e: i32, inner: i32, aStep: i32, bStep: i32): u64 {
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

// @ts-ignore: decorator
@inline
function broadcast<T>(op: i32, a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  const inner = load<i32>(dims + (<usize>(rank - 1) << 2));
  const aStep = load<i32>(dims + (<usize>(2 * rank - 1) << 2));
  const bStep = load<i32>(dims + (<usize>(3 * rank - 1) << 2));
  for (let e = begin; e < end;) {
    const n = min(inner - e % inner, end - e);
    const offsets = operandOffsets(dims, rank, e, inner, aStep, bStep);
    row<T>(op, a + (<usize>(offsets >> 32) << 2), b + (<usize><u32>offsets << 2), out + (<usize>e << 2), n, aStep, bStep);
    e += n;
  }
}

// One function per op and type, each with its own loops, called once per kernel: behind the
// dispatch alone, Binaryen folded the inlined copies into one loop that tests the op at every vector.
function addF32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<f32>(BINARY_ADD, a, b, out, rank, dims, begin, end);
}
function subF32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<f32>(BINARY_SUB, a, b, out, rank, dims, begin, end);
}
function mulF32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<f32>(BINARY_MUL, a, b, out, rank, dims, begin, end);
}
function divF32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<f32>(BINARY_DIV, a, b, out, rank, dims, begin, end);
}
function minF32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<f32>(BINARY_MIN, a, b, out, rank, dims, begin, end);
}
function maxF32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<f32>(BINARY_MAX, a, b, out, rank, dims, begin, end);
}
function sqdiffF32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<f32>(BINARY_SQDIFF, a, b, out, rank, dims, begin, end);
}
function preluF32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<f32>(BINARY_PRELU, a, b, out, rank, dims, begin, end);
}
function addI32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<i32>(BINARY_ADD, a, b, out, rank, dims, begin, end);
}
function subI32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<i32>(BINARY_SUB, a, b, out, rank, dims, begin, end);
}
function mulI32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<i32>(BINARY_MUL, a, b, out, rank, dims, begin, end);
}
function minI32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<i32>(BINARY_MIN, a, b, out, rank, dims, begin, end);
}
function maxI32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<i32>(BINARY_MAX, a, b, out, rank, dims, begin, end);
}
function preluI32(a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  broadcast<i32>(BINARY_PRELU, a, b, out, rank, dims, begin, end);
}

export function binaryFloat32(
    op: i32, a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  if (op == BINARY_ADD) addF32(a, b, out, rank, dims, begin, end);
  else if (op == BINARY_SUB) subF32(a, b, out, rank, dims, begin, end);
  else if (op == BINARY_MUL) mulF32(a, b, out, rank, dims, begin, end);
  else if (op == BINARY_DIV) divF32(a, b, out, rank, dims, begin, end);
  else if (op == BINARY_MIN) minF32(a, b, out, rank, dims, begin, end);
  else if (op == BINARY_MAX) maxF32(a, b, out, rank, dims, begin, end);
  else if (op == BINARY_SQDIFF) sqdiffF32(a, b, out, rank, dims, begin, end);
  else preluF32(a, b, out, rank, dims, begin, end);
}

export function binaryInt32(
    op: i32, a: usize, b: usize, out: usize, rank: i32, dims: usize, begin: i32, end: i32): void {
  if (op == BINARY_ADD) addI32(a, b, out, rank, dims, begin, end);
  else if (op == BINARY_SUB) subI32(a, b, out, rank, dims, begin, end);
  else if (op == BINARY_MUL) mulI32(a, b, out, rank, dims, begin, end);
  else if (op == BINARY_MIN) minI32(a, b, out, rank, dims, begin, end);
  else if (op == BINARY_MAX) maxI32(a, b, out, rank, dims, begin, end);
  else preluI32(a, b, out, rank, dims, begin, end);
}
