// Fused activations shared by the convolution, matmul and element-wise kernels.
// The codes are exported from the module, so the host reads them instead of repeating them.
import { expm1V, sigmoidV } from "./simd_math";

export const ACTIVATION_LINEAR: i32 = 0;
export const ACTIVATION_RELU: i32 = 1;
export const ACTIVATION_RELU6: i32 = 2;
export const ACTIVATION_LEAKYRELU: i32 = 3;
// Hard-swish as models spell it, x * (relu6(x + 3) * alpha) or x * (relu6(x + 3) / alpha): the
// same roundings as the element-wise ops it replaces (src/graph/fusion.ts folds them in).
export const ACTIVATION_HARDSWISH: i32 = 4;
export const ACTIVATION_HARDSWISH_DIV: i32 = 5;
export const ACTIVATION_SIGMOID: i32 = 6;
export const ACTIVATION_ELU: i32 = 7;
// x times tfjs-layers' hard sigmoid, x * clip(alpha * x + 0.5, 0, 1) (its MobileNetV3 hard-swish,
// alpha 0.2): the roundings of the element-wise ops it replaces.
export const ACTIVATION_X_HARD_SIGMOID: i32 = 8;

/** The activations of a few SIMD instructions (others pass `v` through). */
// @ts-ignore: decorator
@inline
export function activateV(v: v128, activation: i32, alpha: v128): v128 {
  // pmax(v, 0) is `v < 0 ? 0 : v`: NaN passes through, as Math.max(0, NaN) does on tfjs-backend-cpu.
  if (activation == ACTIVATION_RELU) return f32x4.pmax(v, f32x4.splat(0));
  if (activation == ACTIVATION_RELU6) return relu6V(v);
  if (activation == ACTIVATION_LEAKYRELU) {
    return v128.bitselect(v, f32x4.mul(v, alpha), f32x4.ge(v, f32x4.splat(0)));
  }
  if (activation == ACTIVATION_HARDSWISH) return f32x4.mul(v, f32x4.mul(relu6V(f32x4.add(v, f32x4.splat(3))), alpha));
  if (activation == ACTIVATION_HARDSWISH_DIV) return f32x4.mul(v, f32x4.div(relu6V(f32x4.add(v, f32x4.splat(3))), alpha));
  if (activation == ACTIVATION_X_HARD_SIGMOID) {
    const h = f32x4.add(f32x4.mul(v, alpha), f32x4.splat(0.5));
    return f32x4.mul(v, f32x4.pmin(f32x4.pmax(h, f32x4.splat(0)), f32x4.splat(1)));
  }
  return v;
}

// @ts-ignore: decorator
@inline
function relu6V(v: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, f32x4.splat(0)), f32x4.splat(6));
}

/** Whether activateV applies the activation (the others take a pass over what was stored). */
// @ts-ignore: decorator
@inline
export function isStoreActivation(activation: i32): bool {
  return activation != ACTIVATION_SIGMOID && activation != ACTIVATION_ELU;
}

/**
 * True when the activation is a clamp to [clampLow, clampHigh] (linear, relu, relu6): a store
 * applies it without branching.
 */
// @ts-ignore: decorator
@inline
export function isClampActivation(activation: i32): bool {
  return activation <= ACTIVATION_RELU6;
}

/** The clamp's lower bound: 0 for relu and relu6, else -Infinity (no bound). */
// @ts-ignore: decorator
@inline
export function clampLow(activation: i32): v128 {
  return f32x4.splat(activation == ACTIVATION_RELU || activation == ACTIVATION_RELU6 ? 0 : -Infinity);
}

/** The clamp's upper bound: 6 for relu6, else Infinity (no bound). */
// @ts-ignore: decorator
@inline
export function clampHigh(activation: i32): v128 {
  return f32x4.splat(activation == ACTIVATION_RELU6 ? 6 : Infinity);
}

/**
 * `v` clamped to [low, high], as relu's `v < 0 ? 0 : v` and relu6's min are: NaN passes through,
 * -0 stays -0.
 */
// @ts-ignore: decorator
@inline
export function clampV(v: v128, low: v128, high: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, low), high);
}

/** Every activation on four lanes; sigmoid and elu through simd_math's exp. */
// @ts-ignore: decorator
@inline
function activateAllV(v: v128, activation: i32, alpha: v128): v128 {
  if (activation == ACTIVATION_SIGMOID) return sigmoidV(v);
  if (activation == ACTIVATION_ELU) return v128.bitselect(v, expm1V(v), f32x4.ge(v, f32x4.splat(0)));
  return activateV(v, activation, alpha);
}

/** `dst[i] = activation(src[i])` for [begin, end), the tail through the vector code too. */
// @ts-ignore: decorator
@inline
function activateRange(activation: i32, src: usize, dst: usize, alpha: f32, begin: i32, end: i32): void {
  const alphaV = f32x4.splat(alpha);
  let i = begin;
  for (; i + 4 <= end; i += 4) {
    const off = <usize>i << 2;
    v128.store(dst + off, activateAllV(v128.load(src + off), activation, alphaV));
  }
  for (; i < end; i++) {
    const off = <usize>i << 2;
    store<f32>(dst + off, f32x4.extract_lane(activateAllV(f32x4.splat(load<f32>(src + off)), activation, alphaV), 0));
  }
}

// One function per activation, each with its own loop (see binary_broadcast.ts).
function reluRange(src: usize, dst: usize, alpha: f32, begin: i32, end: i32): void {
  activateRange(ACTIVATION_RELU, src, dst, alpha, begin, end);
}
function relu6Range(src: usize, dst: usize, alpha: f32, begin: i32, end: i32): void {
  activateRange(ACTIVATION_RELU6, src, dst, alpha, begin, end);
}
function leakyReluRange(src: usize, dst: usize, alpha: f32, begin: i32, end: i32): void {
  activateRange(ACTIVATION_LEAKYRELU, src, dst, alpha, begin, end);
}
function hardSwishRange(src: usize, dst: usize, alpha: f32, begin: i32, end: i32): void {
  activateRange(ACTIVATION_HARDSWISH, src, dst, alpha, begin, end);
}
function hardSwishDivRange(src: usize, dst: usize, alpha: f32, begin: i32, end: i32): void {
  activateRange(ACTIVATION_HARDSWISH_DIV, src, dst, alpha, begin, end);
}
function xHardSigmoidRange(src: usize, dst: usize, alpha: f32, begin: i32, end: i32): void {
  activateRange(ACTIVATION_X_HARD_SIGMOID, src, dst, alpha, begin, end);
}
function sigmoidRange(src: usize, dst: usize, alpha: f32, begin: i32, end: i32): void {
  activateRange(ACTIVATION_SIGMOID, src, dst, alpha, begin, end);
}
function eluRange(src: usize, dst: usize, alpha: f32, begin: i32, end: i32): void {
  activateRange(ACTIVATION_ELU, src, dst, alpha, begin, end);
}

/** `dst[i] = activation(src[i])` for float32 elements [begin, end); `dst` may equal `src`. */
export function applyActivation(src: usize, dst: usize, activation: i32, alpha: f32, begin: i32, end: i32): void {
  if (activation == ACTIVATION_RELU) reluRange(src, dst, alpha, begin, end);
  else if (activation == ACTIVATION_RELU6) relu6Range(src, dst, alpha, begin, end);
  else if (activation == ACTIVATION_LEAKYRELU) leakyReluRange(src, dst, alpha, begin, end);
  else if (activation == ACTIVATION_HARDSWISH) hardSwishRange(src, dst, alpha, begin, end);
  else if (activation == ACTIVATION_HARDSWISH_DIV) hardSwishDivRange(src, dst, alpha, begin, end);
  else if (activation == ACTIVATION_X_HARD_SIGMOID) xHardSigmoidRange(src, dst, alpha, begin, end);
  else if (activation == ACTIVATION_SIGMOID) sigmoidRange(src, dst, alpha, begin, end);
  else if (activation == ACTIVATION_ELU) eluRange(src, dst, alpha, begin, end);
  else if (src != dst) memory.copy(dst + (<usize>begin << 2), src + (<usize>begin << 2), <usize>(end - begin) << 2);
}
