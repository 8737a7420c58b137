// Copies a box out of a rank-4 array of any element size. dims: i32[12] = the source shape, the
// box's begin and its size, in elements. The output's first three axes are rows of
// size[3] elements, each one contiguous run of the source; a call copies rows [begin, end).
import { copyBytes } from "./copy";

export function slice4(src: usize, dst: usize, elementBytes: i32, dims: usize, begin: i32, end: i32): void {
  const s1 = load<i32>(dims, 4), s2 = load<i32>(dims, 8), s3 = load<i32>(dims, 12);
  const b0 = load<i32>(dims, 16), b1 = load<i32>(dims, 20), b2 = load<i32>(dims, 24), b3 = load<i32>(dims, 28);
  const n1 = load<i32>(dims, 36), n2 = load<i32>(dims, 40), n3 = load<i32>(dims, 44);
  const runBytes = <usize>n3 * <usize>elementBytes;
  for (let r = begin; r < end; r++) {
    const i2 = r % n2, rest = r / n2;
    const i1 = rest % n1, i0 = rest / n1;
    const from = ((<usize>(b0 + i0) * <usize>s1 + <usize>(b1 + i1)) * <usize>s2 + <usize>(b2 + i2)) * <usize>s3 + <usize>b3;
    copyBytes(dst + <usize>r * runBytes, src + from * <usize>elementBytes, runBytes);
  }
}

/**
 * StridedSlice's general case: out[i] = src[begin + i * stride] per axis (strides may be negative).
 * dims: i32[16] = the source shape, begin, the output's size and the strides. Copies output rows
 * [begin, end) of size[3] elements each.
 */
export function stridedSlice4(src: usize, dst: usize, elementBytes: i32, dims: usize, begin: i32, end: i32): void {
  const s1 = load<i32>(dims, 4), s2 = load<i32>(dims, 8), s3 = load<i32>(dims, 12);
  const b0 = load<i32>(dims, 16), b1 = load<i32>(dims, 20), b2 = load<i32>(dims, 24), b3 = load<i32>(dims, 28);
  const n1 = load<i32>(dims, 36), n2 = load<i32>(dims, 40), n3 = load<i32>(dims, 44);
  const t0 = load<i32>(dims, 48), t1 = load<i32>(dims, 52), t2 = load<i32>(dims, 56), t3 = load<i32>(dims, 60);
  for (let r = begin; r < end; r++) {
    const i2 = r % n2, rest = r / n2;
    const i1 = rest % n1, i0 = rest / n1;
    const rowStart = ((<isize>(b0 + i0 * t0) * s1 + (b1 + i1 * t1)) * s2 + (b2 + i2 * t2)) * s3 + b3;
    const o = dst + <usize>r * <usize>n3 * <usize>elementBytes;
    if (elementBytes == 4) {
      for (let j = 0; j < n3; j++) store<u32>(o + (<usize>j << 2), load<u32>(src + (<usize>(rowStart + j * t3) << 2)));
    } else {
      for (let j = 0; j < n3; j++) store<u8>(o + <usize>j, load<u8>(src + <usize>(rowStart + j * t3)));
    }
  }
}
