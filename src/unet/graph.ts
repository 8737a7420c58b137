// The U-Net as a graph of layers, each able to compute any rectangle of its output (in the whole
// image's coordinates) from the rectangles of its inputs that the rectangle depends on. Whole-image
// inference and tiled inference run the same ops per output pixel, so their results are equal bit
// for bit: a convolution's padding is given explicitly (zeros only at the image's own edges), and
// the align-corners resize of odd sizes takes its source rows and weights from the whole image's
// sizes, whatever part of it is computed.
import * as tf from '@tensorflow/tfjs-core';
import {WINOGRAD_ALIGN, WinogradSetting} from '../conv/geometry.js';

/** A half-open range [lo, hi) of rows or columns. */
export type Range = [number, number];

export interface Conv {
  filter: tf.Tensor4D; // HWIO
  bias: tf.Tensor1D;
}

export interface BatchNorm {
  scale: tf.Tensor1D;
  offset: tf.Tensor1D;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

export const BN_EPSILON = 1e-5; // nn.BatchNorm2d's default

/** Zero rows/columns a 3x3 convolution adds on each side: [top, bottom, left, right]. */
export type Pads = [number, number, number, number];

/**
 * conv 3x3 (stride 1) -> bias -> BatchNorm -> ReLU, or with the BatchNorm folded into the conv
 * (`bn` absent) one fused op.
 */
export function convBnRelu(x: tf.Tensor4D, {filter, bias}: Conv, bn: BatchNorm|undefined, [t, b, l, r]: Pads): tf.Tensor4D {
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [t, b], [l, r], [0, 0]];
  if (bn == null) return tf.fused.conv2d({x, filter, bias, strides: 1, pad, activation: 'relu'});
  return tf.relu(tf.batchNorm(tf.add(tf.conv2d(x, filter, 1, pad), bias), bn.mean, bn.variance, bn.offset, bn.scale, BN_EPSILON));
}

/** ConvTranspose2d(kernel 2, stride 2) and its bias: output pixel (y, x) is input pixel (y/2, x/2) times a tap. */
export function upsample(x: tf.Tensor4D, {filter, bias}: Conv): tf.Tensor4D {
  const [n, h, w] = x.shape;
  return tf.add(tf.conv2dTranspose(x, filter, [n, 2 * h, 2 * w, filter.shape[2]], 2, 'valid'), bias);
}

/** Where output i of an align-corners resize from `inSize` to `outSize` samples: tfjs's rule, in f64. */
function alignCornersSource(i: number, inSize: number, outSize: number): {lo: number, hi: number, frac: number} {
  const src = outSize > 1 ? i * ((inSize - 1) / (outSize - 1)) : i * (inSize / outSize);
  const lo = Math.max(0, Math.floor(src));
  return {lo, hi: Math.min(inSize - 1, Math.ceil(src)), frac: Math.fround(src - lo)};
}

/**
 * Outputs [lo, hi) along `axis` (1 rows, 2 columns) of an align-corners bilinear resize of an axis of
 * `inSize` to `outSize`, from `x` holding that axis' inputs from `inLo` on: a + (b - a) * t per axis,
 * columns first, as tfjs-backend-cpu does. The same size is left alone.
 */
function resizeAxis(x: tf.Tensor4D, axis: 1|2, inSize: number, outSize: number, inLo: number, [lo, hi]: Range): tf.Tensor4D {
  if (inSize === outSize) return tf.slice(x, axis === 1 ? [0, lo - inLo, 0, 0] : [0, 0, lo - inLo, 0],
      axis === 1 ? [-1, hi - lo, -1, -1] : [-1, -1, hi - lo, -1]);
  const count = hi - lo;
  const los = new Int32Array(count), his = new Int32Array(count), fracs = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const s = alignCornersSource(lo + i, inSize, outSize);
    los[i] = s.lo - inLo;
    his[i] = s.hi - inLo;
    fracs[i] = s.frac;
  }
  return tf.tidy(() => {
    const a = tf.gather(x, tf.tensor1d(los, 'int32'), axis);
    const b = tf.gather(x, tf.tensor1d(his, 'int32'), axis);
    const t = tf.tensor4d(fracs, axis === 1 ? [1, count, 1, 1] : [1, 1, count, 1]);
    return tf.add(a, tf.mul(tf.sub(b, a), t));
  });
}

/**
 * Rows `rows` and columns `cols` of the align-corners resize of a whole map of size `inSize` to
 * `outSize`, from `x` holding that map's rows and columns from `inOrigin` on.
 */
export function resizeRegion(x: tf.Tensor4D, inSize: [number, number], outSize: [number, number],
    inOrigin: [number, number], rows: Range, cols: Range): tf.Tensor4D {
  return tf.tidy(() => {
    const horizontal = resizeAxis(x, 2, inSize[1], outSize[1], inOrigin[1], cols);
    return resizeAxis(horizontal, 1, inSize[0], outSize[0], inOrigin[0], rows);
  });
}

/** What a layer computes. */
export type LayerKind = 'input'|'conv3'|'conv1'|'pool'|'up'|'resize'|'concat';

export interface Layer {
  name: string;
  kind: LayerKind;
  /** Indices of the input layers (earlier in the list). */
  inputs: number[];
  channels: number;
  /** The whole output's [height, width] (per image). */
  size: [number, number];
  /** conv3 / conv1 / up: the weights (conv3 with bn when BatchNorm is not folded). */
  conv?: Conv;
  bn?: BatchNorm;
}

/** asc's flag ASC_WINOGRAD (true: its cost model's choice; false also where asc is not loaded). */
export function winogradSetting(): WinogradSetting {
  try {
    return tf.env().get('ASC_WINOGRAD') as WinogradSetting;
  } catch {
    return false;
  }
}

/**
 * A 3x3 convolution's outputs are computed in runs that start on multiples of this in its domain
 * (and end on one, or at the domain's end): with Winograd, asc's tile alignment (its tiles then
 * cover the same pixels in a band or strip as in the whole image, so tiled inference rounds alike),
 * else 1.
 */
export function conv3Align(): number {
  return winogradSetting() !== false ? WINOGRAD_ALIGN : 1;
}

/** `range` widened to start and end on multiples of `align` from `domain`'s start, within `domain`. */
export function alignRange([lo, hi]: Range, [d0, d1]: Range, align: number): Range {
  if (hi <= lo) return [lo, hi];
  return [d0 + Math.floor((lo - d0) / align) * align, Math.min(d1, d0 + Math.ceil((hi - d0) / align) * align)];
}

/** The first row/column of input `input` that outputs from `lo` on (along `axis`: 0 rows, 1 columns) read. */
export function needLo(layers: Layer[], layer: Layer, input: number, axis: 0|1, lo: number, domainLo: number): number {
  switch (layer.kind) {
    case 'conv3': return Math.max(domainLo, lo - 1);
    case 'pool': return 2 * lo;
    case 'up': return Math.floor(lo / 2);
    case 'resize': {
      const inSize = layers[layer.inputs[input]].size[axis], outSize = layer.size[axis];
      return inSize === outSize ? lo : alignCornersSource(lo, inSize, outSize).lo;
    }
    default: return lo;
  }
}

/** One past the last row/column of input `input` that outputs before `hi` read. */
export function needHi(layers: Layer[], layer: Layer, input: number, axis: 0|1, hi: number, domainHi: number): number {
  switch (layer.kind) {
    case 'conv3': return Math.min(domainHi, hi + 1);
    case 'pool': return 2 * hi;
    case 'up': return Math.ceil(hi / 2);
    case 'resize': {
      const inSize = layers[layer.inputs[input]].size[axis], outSize = layer.size[axis];
      return inSize === outSize ? hi : alignCornersSource(hi - 1, inSize, outSize).hi + 1;
    }
    default: return hi;
  }
}

/** The input range of `input` that outputs [lo, hi) of `layer` along `axis` depend on, in `domain`. */
export function need(layers: Layer[], layer: Layer, input: number, axis: 0|1, [lo, hi]: Range, domain: Range): Range {
  if (hi <= lo) return [lo, lo];
  return [needLo(layers, layer, input, axis, lo, domain[0]), needHi(layers, layer, input, axis, hi, domain[1])];
}

/**
 * The largest part of `layer`'s output whose inputs lie inside the inputs' domains (a 3x3 conv keeps
 * its input's domain: it pads zeros at its edges). Whole images have whole domains; a strip with a
 * halo narrower than the receptive field is computed as an image of its own.
 */
export function domainOf(layers: Layer[], layer: Layer, axis: 0|1, inputDomains: Range[]): Range {
  if (layer.kind === 'conv3' || layer.kind === 'conv1') return inputDomains[0];
  let lo = layer.size[axis], hi = 0;
  for (let o = 0; o < layer.size[axis]; o++) {
    const inside = layer.inputs.every((_, i) => {
      const [a, b] = need(layers, layer, i, axis, [o, o + 1], inputDomains[i]);
      return a >= inputDomains[i][0] && b <= inputDomains[i][1];
    });
    if (inside) {
      lo = Math.min(lo, o);
      hi = o + 1;
    }
  }
  return hi > lo ? [lo, hi] : [0, 0];
}

/**
 * Rows `rows` x columns `cols` of `layer`'s output from its inputs' slices (`inputs[i]` holds input i's
 * rows and columns from `origins[i]` on, exactly what `need` asked for), in domains `domains`.
 */
export function runLayer(layers: Layer[], layer: Layer, inputs: tf.Tensor4D[], origins: Array<[number, number]>,
    rows: Range, cols: Range, domain: [Range, Range]): tf.Tensor4D {
  switch (layer.kind) {
    case 'conv3': {
      const pads: Pads = [rows[0] === domain[0][0] ? 1 : 0, rows[1] === domain[0][1] ? 1 : 0,
        cols[0] === domain[1][0] ? 1 : 0, cols[1] === domain[1][1] ? 1 : 0];
      return convBnRelu(inputs[0], layer.conv, layer.bn, pads);
    }
    case 'conv1':
      return tf.tidy(() => tf.add(tf.conv2d(inputs[0], layer.conv.filter, 1, 'valid'), layer.conv.bias));
    case 'pool':
      return tf.maxPool(inputs[0], 2, 2, 'valid');
    case 'up': {
      const [y, x] = origins[0];
      return tf.tidy(() => {
        const up = upsample(inputs[0], layer.conv);
        const [top, left, height, width] = [rows[0] - 2 * y, cols[0] - 2 * x, rows[1] - rows[0], cols[1] - cols[0]];
        // Whole-image inference takes all of it: no copy.
        if (top === 0 && left === 0 && height === up.shape[1] && width === up.shape[2]) return up;
        return tf.slice(up, [0, top, left, 0], [-1, height, width, -1]);
      });
    }
    case 'resize': {
      const input = layers[layer.inputs[0]];
      return resizeRegion(inputs[0], input.size, layer.size, origins[0], rows, cols);
    }
    case 'concat':
      return tf.concat(inputs, 3);
    default:
      throw new Error(`runLayer: layer '${layer.name}' (${layer.kind}) has no op`);
  }
}
