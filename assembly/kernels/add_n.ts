// AddN: the sum of `count` same-shaped tensors (their addresses in the i32 list `inputs`), added
// in order from 0 as tfjs-backend-cpu does (so -0 alone sums to +0). A call computes elements [begin, end).

// @ts-ignore: decorator
@inline
function sum<T>(inputs: usize, count: i32, out: usize, begin: i32, end: i32): void {
  let i = begin;
  for (; i + 4 <= end; i += 4) {
    const off = <usize>i << 2;
    let acc = isFloat<T>() ? f32x4.splat(0) : i32x4.splat(0);
    for (let k = 0; k < count; k++) {
      const v = v128.load(<usize>load<u32>(inputs + (<usize>k << 2)) + off);
      acc = isFloat<T>() ? f32x4.add(acc, v) : i32x4.add(acc, v);
    }
    v128.store(out + off, acc);
  }
  for (; i < end; i++) {
    const off = <usize>i << 2;
    let acc = <T>0;
    for (let k = 0; k < count; k++) acc += load<T>(<usize>load<u32>(inputs + (<usize>k << 2)) + off);
    store<T>(out + off, acc);
  }
}

export function addN(float: bool, inputs: usize, count: i32, out: usize, begin: i32, end: i32): void {
  if (float) sum<f32>(inputs, count, out, begin, end);
  else sum<i32>(inputs, count, out, begin, end);
}
