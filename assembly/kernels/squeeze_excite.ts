// A squeeze-excite block in one call: each image's channels averaged over its pixels, two 1x1
// convolutions on that vector (FC1 with its activation, FC2 with its gate activation, both on packed
// weights), then every pixel's channels scaled by the gate. The same kernels and order as the ops it
// replaces (Mean over H,W, two FusedConv2D on one pixel, Multiply), so the results are the same bit
// for bit; a mobile net's blocks are small, and the ops' calls cost more than their arithmetic.
import { gemv } from "./igemm";
import { reduceSum } from "./reduce";

/**
 * x: [batch, pixels, channels] float32; out the same shape. packed1: FC1 packed for `squeezed`
 * outputs of `channels` inputs (igemmPack's layout, its bias inside), packed2 FC2 the other way.
 * scratch: channels + squeezed + channels floats. `gateFirst`: the Multiply's first operand was the
 * gate (the product's operand order, which decides a NaN's payload on x86).
 */
export function squeezeExcite(x: usize, out: usize, batch: i32, pixels: i32, channels: i32, squeezed: i32,
  packed1: usize, activation1: i32, alpha1: f32, packed2: usize, activation2: i32, alpha2: f32, gateFirst: bool,
  scratch: usize): void {
  const pooled = scratch, hidden = pooled + (<usize>channels << 2), gate = hidden + (<usize>squeezed << 2);
  const imageBytes = <usize>pixels * <usize>channels << 2;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * imageBytes, scaled = out + <usize>b * imageBytes;
    reduceSum(image, pooled, 1, pixels, channels, <f64>max(pixels, 1));
    gemv(pooled, packed1, hidden, squeezed, channels, activation1, alpha1, 0, (squeezed + 7) / 8);
    gemv(hidden, packed2, gate, channels, squeezed, activation2, alpha2, 0, (channels + 7) / 8);
    // One loop per operand order, each with the order folded in.
    if (gateFirst) scale(image, gate, scaled, pixels, channels, true);
    else scale(image, gate, scaled, pixels, channels, false);
  }
}

/** out[p, c] = x[p, c] * gate[c] (gate * x when `gateFirst`), for `pixels` rows of `channels`. */
// @ts-ignore: decorator
@inline
function scale(x: usize, gate: usize, out: usize, pixels: i32, channels: i32, gateFirst: bool): void {
  const rowBytes = <usize>channels << 2;
  for (let p = 0; p < pixels; p++) {
    const row = x + <usize>p * rowBytes, dst = out + <usize>p * rowBytes;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const off = <usize>c << 2;
      const v = v128.load(row + off), g = v128.load(gate + off);
      v128.store(dst + off, gateFirst ? f32x4.mul(g, v) : f32x4.mul(v, g));
    }
    for (; c < channels; c++) {
      const off = <usize>c << 2;
      const v = load<f32>(row + off), g = load<f32>(gate + off);
      store<f32>(dst + off, gateFirst ? g * v : v * g);
    }
  }
}
