// MirrorPad of a rank-4 array of 4- or 1-byte elements: each output coordinate before the input
// reflects to 2 * before - c - offset, each after it to 2 * (last) - c + offset (offset 0:
// 'reflect', which skips the edge; 1: 'symmetric', which repeats it), as tfjs-backend-cpu does.
// dims: i32[12] = the input shape, the output shape, the padding before each axis. A call
// computes output rows (the first three axes) [begin, end).

// @ts-ignore: decorator
@inline
function reflect(c: i32, before: i32, size: i32, offset: i32): i32 {
  if (c < before) return 2 * before - c - offset - before;
  if (c >= before + size) return 2 * (before + size - 1) - c + offset - before;
  return c - before;
}

export function mirrorPad4(src: usize, dst: usize, elementBytes: i32, offset: i32, dims: usize, begin: i32, end: i32): void {
  const s0 = load<i32>(dims), s1 = load<i32>(dims, 4), s2 = load<i32>(dims, 8), s3 = load<i32>(dims, 12);
  const o1 = load<i32>(dims, 20), o2 = load<i32>(dims, 24), o3 = load<i32>(dims, 28);
  const p0 = load<i32>(dims, 32), p1 = load<i32>(dims, 36), p2 = load<i32>(dims, 40), p3 = load<i32>(dims, 44);
  const eb = <usize>elementBytes;
  for (let r = begin; r < end; r++) {
    const c2 = r % o2, rest = r / o2;
    const c1 = rest % o1, c0 = rest / o1;
    const i0 = reflect(c0, p0, s0, offset), i1 = reflect(c1, p1, s1, offset), i2 = reflect(c2, p2, s2, offset);
    const from = src + (((<usize>i0 * <usize>s1 + <usize>i1) * <usize>s2 + <usize>i2) * <usize>s3) * eb;
    const to = dst + <usize>r * <usize>o3 * eb;
    // The row's middle is one copy; its mirrored ends go element by element.
    memory.copy(to + <usize>p3 * eb, from, <usize>s3 * eb);
    for (let c = 0; c < p3; c++) memory.copy(to + <usize>c * eb, from + <usize>reflect(c, p3, s3, offset) * eb, eb);
    for (let c = p3 + s3; c < o3; c++) memory.copy(to + <usize>c * eb, from + <usize>reflect(c, p3, s3, offset) * eb, eb);
  }
}
