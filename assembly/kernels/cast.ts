// Cast between the wasm-resident dtypes (float32, int32, bool as u8). float32 -> int32 truncates
// (NaN -> 0); anything -> bool is `x != 0`.

// @ts-ignore: decorator
@inline
function convert<From, To>(x: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    const v = load<From>(x + (<usize>i << alignof<From>()));
    if (sizeof<To>() == 1) store<u8>(out + <usize>i, v != <From>0 ? 1 : 0);
    else store<To>(out + (<usize>i << alignof<To>()), <To>v);
  }
}

export function castFloat32ToInt32(x: usize, out: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const off = <usize>i << 2;
    v128.store(out + off, i32x4.trunc_sat_f32x4_s(v128.load(x + off)));
  }
  convert<f32, i32>(x + (<usize>i << 2), out + (<usize>i << 2), count - i);
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
