// PyTorch weight layouts <-> tfjs filter layouts. One permutation serves both convolutions: Conv2d
// OIHW -> HWIO, and ConvTranspose2d [in, out, kh, kw] -> conv2dTranspose's [kh, kw, out, in].

/** A tensor's values with its shape. */
export interface Shaped {
  shape: number[];
  data: Float32Array;
}

/** Axis i of the result is axis perm[i] of `t` (rank 4). */
function permute4({shape, data}: Shaped, perm: number[]): Shaped {
  const outShape = perm.map((p) => shape[p]);
  const strides = [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
  const [s0, s1, s2, s3] = perm.map((p) => strides[p]);
  const out = new Float32Array(data.length);
  let i = 0;
  for (let a = 0; a < outShape[0]; a++) {
    for (let b = 0; b < outShape[1]; b++) {
      for (let c = 0; c < outShape[2]; c++) {
        for (let d = 0; d < outShape[3]; d++) out[i++] = data[a * s0 + b * s1 + c * s2 + d * s3];
      }
    }
  }
  return {shape: outShape, data: out};
}

/**
 * A PyTorch conv or transposed-conv weight in tfjs's layout, the last axis (a conv's output channel)
 * scaled by scale[] when given (a folded BatchNorm).
 */
export function torchToTfjs(weight: Shaped, scale?: Float64Array): Shaped {
  const out = permute4(weight, [2, 3, 1, 0]);
  if (scale != null) {
    const last = out.shape[3];
    for (let i = 0; i < out.data.length; i++) out.data[i] *= scale[i % last];
  }
  return out;
}

/** The inverse of torchToTfjs (without scale). */
export function tfjsToTorch(filter: Shaped): Shaped {
  return permute4(filter, [3, 2, 0, 1]);
}
