// The machine's SIMD peak as WebAssembly sees it, and its copy bandwidth: the yardsticks of the
// benchmark. Compiled by bench/peak.mjs, once as it is and once with relaxed_madd for mul+add.

/**
 * `iterations` rounds of acc = acc * m + c on 12 independent f32x4 accumulators: 96 flops a round.
 * m and c are arguments, not constants: Node 24's V8 rebuilds a v128 constant inside the loop at each
 * use, which made this loop run at a quarter of the machine's peak there.
 */
export function peakMulAdd(iterations: i32, mScalar: f32, cScalar: f32): f32 {
  const m = f32x4.splat(mScalar), c = f32x4.splat(cScalar);
  let a0 = f32x4.splat(1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
  let a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
  for (let i = 0; i < iterations; i++) {
    a0 = f32x4.add(f32x4.mul(a0, m), c); a1 = f32x4.add(f32x4.mul(a1, m), c);
    a2 = f32x4.add(f32x4.mul(a2, m), c); a3 = f32x4.add(f32x4.mul(a3, m), c);
    a4 = f32x4.add(f32x4.mul(a4, m), c); a5 = f32x4.add(f32x4.mul(a5, m), c);
    a6 = f32x4.add(f32x4.mul(a6, m), c); a7 = f32x4.add(f32x4.mul(a7, m), c);
    a8 = f32x4.add(f32x4.mul(a8, m), c); a9 = f32x4.add(f32x4.mul(a9, m), c);
    a10 = f32x4.add(f32x4.mul(a10, m), c); a11 = f32x4.add(f32x4.mul(a11, m), c);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  const t = f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3);
}

/** Copies `bytes` from `src` to `dst`, `repeats` times (memory.copy: the engine's memmove). */
export function copy(dst: usize, src: usize, bytes: usize, repeats: i32): void {
  for (let i = 0; i < repeats; i++) memory.copy(dst, src, bytes);
}
