// Select (tf.where): out[i] = condition[i] ? t[i] : e[i] for a bool condition (bytes) and 4-byte
// values of one shape. A call computes elements [begin, end).

export function select(condition: usize, t: usize, e: usize, out: usize, begin: i32, end: i32): void {
  let i = begin;
  for (; i + 4 <= end; i += 4) {
    const off = <usize>i << 2;
    // Four condition bytes widened to four lanes, all ones where the byte is not 0.
    const c = v128.load32_zero(condition + <usize>i);
    const mask = v128.not(i32x4.eq(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(c)), i32x4.splat(0)));
    v128.store(out + off, v128.bitselect(v128.load(t + off), v128.load(e + off), mask));
  }
  for (; i < end; i++) {
    const off = <usize>i << 2;
    store<u32>(out + off, load<u8>(condition + <usize>i) ? load<u32>(t + off) : load<u32>(e + off));
  }
}
