// PyTorch weight layouts <-> tfjs filter layouts, for the U-Net's convolutions.

/** A tensor's values with its shape. */
export interface Shaped {
  shape: number[];
  data: Float32Array;
}

/** Conv2d OIHW -> tfjs HWIO, scaling output channel o by scale[o] (a folded BatchNorm). */
export function oihwToHwio({shape, data}: Shaped, scale?: Float64Array): Shaped {
  const [o, i, h, k] = shape;
  const out = new Float32Array(data.length);
  for (let oc = 0; oc < o; oc++) {
    const s = scale ? scale[oc] : 1;
    for (let ic = 0; ic < i; ic++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < k; x++) out[((y * k + x) * i + ic) * o + oc] = data[((oc * i + ic) * h + y) * k + x] * s;
      }
    }
  }
  return {shape: [h, k, i, o], data: out};
}

/** tfjs HWIO -> Conv2d OIHW. */
export function hwioToOihw({shape, data}: Shaped): Shaped {
  const [h, k, i, o] = shape;
  const out = new Float32Array(data.length);
  for (let oc = 0; oc < o; oc++) {
    for (let ic = 0; ic < i; ic++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < k; x++) out[((oc * i + ic) * h + y) * k + x] = data[((y * k + x) * i + ic) * o + oc];
      }
    }
  }
  return {shape: [o, i, h, k], data: out};
}

/** ConvTranspose2d [in, out, kh, kw] -> tfjs conv2dTranspose filter [kh, kw, out, in]. */
export function transposeToTfjs({shape, data}: Shaped): Shaped {
  const [ci, co, h, k] = shape;
  const out = new Float32Array(data.length);
  for (let c = 0; c < ci; c++) {
    for (let o = 0; o < co; o++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < k; x++) out[((y * k + x) * co + o) * ci + c] = data[((c * co + o) * h + y) * k + x];
      }
    }
  }
  return {shape: [h, k, co, ci], data: out};
}

/** tfjs conv2dTranspose filter [kh, kw, out, in] -> ConvTranspose2d [in, out, kh, kw]. */
export function transposeToTorch({shape, data}: Shaped): Shaped {
  const [h, k, co, ci] = shape;
  const out = new Float32Array(data.length);
  for (let c = 0; c < ci; c++) {
    for (let o = 0; o < co; o++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < k; x++) out[((c * co + o) * h + y) * k + x] = data[((y * k + x) * co + o) * ci + c];
      }
    }
  }
  return {shape: [ci, co, h, k], data: out};
}
