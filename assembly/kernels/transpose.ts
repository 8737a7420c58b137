// Transpose of 1- or 4-byte elements. dims: i32[2 * rank] = output shape, then the input stride
// (in elements) that each output axis walks. The host merges axes that stay adjacent, so an
// unchanged innermost axis becomes one block copy per row.
import { copyBytes } from "./copy";

export function transpose(x: usize, out: usize, elementBytes: i32, rank: i32, dims: usize, begin: i32, end: i32): void {
  const inner = load<i32>(dims + (<usize>(rank - 1) << 2));
  const innerStride = load<i32>(dims + (<usize>(2 * rank - 1) << 2));
  const rowBytes = <usize>(inner * elementBytes);
  // Output rows [begin, end).
  let o = out + <usize>begin * rowBytes;
  for (let r = begin; r < end; r++) {
    let rest = r, src = 0;
    for (let d = rank - 2; d >= 0; d--) {
      const size = load<i32>(dims + (<usize>d << 2));
      src += (rest % size) * load<i32>(dims + (<usize>(rank + d) << 2));
      rest /= size;
    }
    if (innerStride == 1) {
      copyBytes(o, x + <usize>(src * elementBytes), rowBytes);
    } else if (elementBytes == 4) {
      const s = x + (<usize>src << 2);
      const step = <usize>innerStride << 2;
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        const p = s + <usize>i * step;
        let v = v128.load32_zero(p);
        v = v128.load32_lane(p + step, v, 1);
        v = v128.load32_lane(p + 2 * step, v, 2);
        v = v128.load32_lane(p + 3 * step, v, 3);
        v128.store(o + (<usize>i << 2), v);
      }
      for (; i < inner; i++) store<i32>(o + (<usize>i << 2), load<i32>(s + <usize>i * step));
    } else {
      for (let i = 0; i < inner; i++) store<u8>(o + <usize>i, load<u8>(x + <usize>(src + i * innerStride)));
    }
    o += rowBytes;
  }
}
