// Relu6: min(max(x, 0), 6) element-wise; NaN stays NaN as on tfjs-backend-cpu.
import { ACTIVATION_RELU6, applyActivation } from "./activation";

/** Elements [begin, end). */
export function relu6(x: usize, out: usize, begin: i32, end: i32): void {
  applyActivation(x, out, ACTIVATION_RELU6, 0, begin, end);
}

export function relu6Int32(x: usize, out: usize, begin: i32, end: i32): void {
  const zero = i32x4.splat(0), six = i32x4.splat(6);
  let i = begin;
  for (; i + 4 <= end; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, i32x4.min_s(i32x4.max_s(v128.load(x + off), zero), six));
  }
  for (; i < end; i++) {
    const off = <usize>i << 2;
    store<i32>(out + off, min(max(load<i32>(x + off), 0), 6));
  }
}
