// Cast between the wasm-resident dtypes (float32, int32, bool as u8). float32 -> int32 is
// JavaScript's ToInt32, as tfjs-backend-cpu's Int32Array stores it; anything -> bool is `x != 0`.

// @ts-ignore: decorator
@inline
function convert<From, To>(x: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const v = load<From>(x + (<usize>i << alignof<From>()));
    if (sizeof<To>() == 1) store<u8>(out + <usize>i, v != <From>0 ? 1 : 0);
    else store<To>(out + (<usize>i << alignof<To>()), <To>v);
  }
}

/** Truncates, then wraps modulo 2^32 (JavaScript's ToInt32); NaN and infinities give 0. */
// @ts-ignore: decorator
@inline
function toInt32(v: f32): i32 {
  if (Mathf.abs(v) < 2147483648) return <i32>v; // false for NaN
  if (!isFinite(v)) return 0;
  const t = <f64>v; // an integer: every float32 this large is one
  return <i32><i64>(t - 4294967296.0 * Math.floor(t / 4294967296.0));
}

export function castFloat32ToInt32(x: usize, out: usize, count: i32): void {
  const limit = f32x4.splat(2147483648);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const off = <usize>i << 2;
    const v = v128.load(x + off);
    if (v128.any_true(f32x4.ge(f32x4.abs(v), limit))) {
      for (let lane: usize = 0; lane < 16; lane += 4) store<i32>(out + off + lane, toInt32(load<f32>(x + off + lane)));
    } else {
      v128.store(out + off, i32x4.trunc_sat_f32x4_s(v));
    }
  }
  for (; i < count; i++) store<i32>(out + (<usize>i << 2), toInt32(load<f32>(x + (<usize>i << 2))));
}

export function castInt32ToFloat32(x: usize, out: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, f32x4.convert_i32x4_s(v128.load(x + off)));
  }
  convert<i32, f32>(x + (<usize>i << 2), out + (<usize>i << 2), count - i);
}

export function castBoolToFloat32(x: usize, out: usize, count: i32): void { convert<u8, f32>(x, out, count); }
export function castBoolToInt32(x: usize, out: usize, count: i32): void { convert<u8, i32>(x, out, count); }
export function castFloat32ToBool(x: usize, out: usize, count: i32): void { convert<f32, u8>(x, out, count); }
export function castInt32ToBool(x: usize, out: usize, count: i32): void { convert<i32, u8>(x, out, count); }
