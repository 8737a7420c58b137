// GatherV2 on x seen as [batch, outer, dimSize, slice] elements: out[b, o, i, :] =
// x[b, o, indices[b, i], :], for `count` indices per batch. The host checks every index is in
// [0, dimSize). Copies output rows [begin, end) of batch * outer * count, a slice each.
import { copyBytes } from "./copy";

export function gather(x: usize, indices: usize, out: usize, elementBytes: i32, outer: i32, dimSize: i32, slice: i32,
  count: i32, begin: i32, end: i32): void {
  const sliceBytes = <usize>slice * <usize>elementBytes;
  for (let r = begin; r < end; r++) {
    const i = r % count, bo = r / count;
    const b = bo / outer;
    const index = load<i32>(indices + (<usize>(b * count + i) << 2));
    copyBytes(out + <usize>r * sliceBytes, x + (<usize>bo * <usize>dimSize + <usize>index) * sliceBytes, sliceBytes);
  }
}
