// Concat along an axis, any fixed-width dtype: for each of `outer` rows, each input contributes
// one contiguous block. parts: [pointer, blockBytes] pairs, one per input.
import { copyBytes } from "./copy";

export function concat(out: usize, outer: i32, count: i32, parts: usize): void {
  let o = out;
  for (let r = 0; r < outer; r++) {
    for (let i = 0; i < count; i++) {
      const src = <usize>load<u32>(parts + (<usize>(2 * i) << 2));
      const bytes = <usize>load<u32>(parts + (<usize>(2 * i + 1) << 2));
      copyBytes(o, src + <usize>r * bytes, bytes);
      o += bytes;
    }
  }
}
