// Relu: max(x, 0) element-wise; NaN stays NaN as on tfjs-backend-cpu.
import { ACTIVATION_RELU, applyActivation } from "./activation";

/** Elements [begin, end). */
export function relu(x: usize, out: usize, begin: i32, end: i32): void {
  applyActivation(x, out, ACTIVATION_RELU, 0, begin, end);
}

export function reluInt32(x: usize, out: usize, begin: i32, end: i32): void {
  const zero = i32x4.splat(0);
  let i = begin;
  for (; i + 4 <= end; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, i32x4.max_s(v128.load(x + off), zero));
  }
  for (; i < end; i++) {
    const off = <usize>i << 2;
    store<i32>(out + off, max(load<i32>(x + off), 0));
  }
}
