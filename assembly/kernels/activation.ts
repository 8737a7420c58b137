// Fused activations shared by the convolution, matmul and element-wise kernels.
// The codes are exported from the module, so the host reads them instead of repeating them.

export const ACTIVATION_LINEAR: i32 = 0;
export const ACTIVATION_RELU: i32 = 1;
export const ACTIVATION_RELU6: i32 = 2;
export const ACTIVATION_LEAKYRELU: i32 = 3;
export const ACTIVATION_SIGMOID: i32 = 4;
export const ACTIVATION_ELU: i32 = 5;

/** Applies the activations that are one or two SIMD instructions; sigmoid and elu go through `activateScalar`. */
// @ts-ignore: decorator
@inline
export function activateV(v: v128, activation: i32, alpha: v128): v128 {
  // pmax(v, 0) is `v < 0 ? 0 : v`: NaN passes through, as Math.max(0, NaN) does on tfjs-backend-cpu.
  if (activation == ACTIVATION_RELU) return f32x4.pmax(v, f32x4.splat(0));
  if (activation == ACTIVATION_RELU6) return f32x4.pmin(f32x4.pmax(v, f32x4.splat(0)), f32x4.splat(6));
  if (activation == ACTIVATION_LEAKYRELU) {
    return v128.bitselect(v, f32x4.mul(v, alpha), f32x4.ge(v, f32x4.splat(0)));
  }
  return v;
}

/** True when `activateV` handles the activation (so the kernel can fuse it into its store). */
// @ts-ignore: decorator
@inline
export function isVectorActivation(activation: i32): bool {
  return activation <= ACTIVATION_LEAKYRELU;
}

export function activateScalar(x: f32, activation: i32, alpha: f32): f32 {
  switch (activation) {
    case ACTIVATION_RELU: return x < 0 ? 0 : x;  // NaN stays NaN
    case ACTIVATION_RELU6: return x < 0 ? 0 : (x > 6 ? 6 : x);
    case ACTIVATION_LEAKYRELU: return x < 0 ? x * alpha : x;
    case ACTIVATION_SIGMOID: return <f32>(1.0 / (1.0 + Math.exp(-<f64>x)));
    case ACTIVATION_ELU: return x >= 0 ? x : <f32>(Math.exp(<f64>x) - 1.0);
    default: return x;
  }
}

/** `dst[i] = activation(src[i])` for float32 elements [begin, end); `dst` may equal `src`. */
export function applyActivation(src: usize, dst: usize, activation: i32, alpha: f32, begin: i32, end: i32): void {
  if (activation == ACTIVATION_LINEAR) {
    if (src != dst) memory.copy(dst + (<usize>begin << 2), src + (<usize>begin << 2), <usize>(end - begin) << 2);
    return;
  }
  const count = end;
  let i = begin;
  if (isVectorActivation(activation)) {
    const alphaV = f32x4.splat(alpha);
    for (; i + 4 <= count; i += 4) {
      const off = <usize>i << 2;
      v128.store(dst + off, activateV(v128.load(src + off), activation, alphaV));
    }
  }
  for (; i < count; i++) {
    const off = <usize>i << 2;
    store<f32>(dst + off, activateScalar(load<f32>(src + off), activation, alpha));
  }
}
