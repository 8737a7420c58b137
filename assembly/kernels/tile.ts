// Tile of a rank-4 array of any element size. dims: i32[8] = the source shape, then the repeats.
// Each output row (the innermost axis) is the matching source row repeated reps[3] times; a call
// writes output rows [begin, end).
import { copyBytes } from "./copy";

export function tile4(src: usize, dst: usize, elementBytes: i32, dims: usize, begin: i32, end: i32): void {
  const s0 = load<i32>(dims), s1 = load<i32>(dims, 4), s2 = load<i32>(dims, 8), s3 = load<i32>(dims, 12);
  const r1 = load<i32>(dims, 20), r2 = load<i32>(dims, 24), r3 = load<i32>(dims, 28);
  const runBytes = <usize>s3 * <usize>elementBytes;
  const n1 = s1 * r1, n2 = s2 * r2;
  for (let r = begin; r < end; r++) {
    const o2 = r % n2, rest = r / n2;
    const o1 = rest % n1, o0 = rest / n1;
    const from = src + ((<usize>(o0 % s0) * <usize>s1 + <usize>(o1 % s1)) * <usize>s2 + <usize>(o2 % s2)) * runBytes;
    let to = dst + <usize>r * runBytes * <usize>r3;
    for (let k = 0; k < r3; k++, to += runBytes) copyBytes(to, from, runBytes);
  }
}
