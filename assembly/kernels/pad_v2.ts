// PadV2 with a constant, for 1- or 4-byte elements. dims: i32[3 * rank] = input shape, output
// shape, padding before each axis. The output is filled with the constant, then every input row
// is block-copied to its place.
import { copyBytes } from "./copy";

export function padV2(x: usize, out: usize, elementBytes: i32, constantBits: i32, rank: i32, dims: usize): void {
  let outCount = 1, rows = 1;
  for (let d = 0; d < rank; d++) outCount *= load<i32>(dims + (<usize>(rank + d) << 2));
  for (let d = 0; d < rank - 1; d++) rows *= load<i32>(dims + (<usize>d << 2));
  const outBytes = <usize>(outCount * elementBytes);
  if (elementBytes == 1) {
    memory.fill(out, <u8>constantBits, outBytes);
  } else {
    const v = i32x4.splat(constantBits);
    let off: usize = 0;
    for (; off + 16 <= outBytes; off += 16) v128.store(out + off, v);
    for (; off < outBytes; off += 4) store<i32>(out + off, constantBits);
  }
  const inner = load<i32>(dims + (<usize>(rank - 1) << 2));
  if (inner == 0) return;
  const rowBytes = <usize>(inner * elementBytes);
  for (let r = 0; r < rows; r++) {
    // Output offset of input row r: walk the axes from innermost, with the output's strides.
    let rest = r;
    let dst = load<i32>(dims + (<usize>(3 * rank - 1) << 2));
    let stride = load<i32>(dims + (<usize>(2 * rank - 1) << 2));
    for (let d = rank - 2; d >= 0; d--) {
      const size = load<i32>(dims + (<usize>d << 2));
      dst += (rest % size + load<i32>(dims + (<usize>(2 * rank + d) << 2))) * stride;
      rest /= size;
      stride *= load<i32>(dims + (<usize>(rank + d) << 2));
    }
    copyBytes(out + <usize>(dst * elementBytes), x + <usize>r * rowBytes, rowBytes);
  }
}
