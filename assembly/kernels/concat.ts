// Concat along an axis, any fixed-width dtype: for each of `outer` rows, each input contributes
// one contiguous block. parts: [pointer, blockBytes] pairs, one per input. Rows [begin, end).
import { copyBytes } from "./copy";

export function concat(out: usize, count: i32, parts: usize, begin: i32, end: i32): void {
  let outRowBytes: usize = 0;
  for (let i = 0; i < count; i++) outRowBytes += <usize>load<u32>(parts + (<usize>(2 * i + 1) << 2));
  let o = out + <usize>begin * outRowBytes;
  for (let r = begin; r < end; r++) {
    for (let i = 0; i < count; i++) {
      const src = <usize>load<u32>(parts + (<usize>(2 * i) << 2));
      const bytes = <usize>load<u32>(parts + (<usize>(2 * i + 1) << 2));
      copyBytes(o, src + <usize>r * bytes, bytes);
      o += bytes;
    }
  }
}
