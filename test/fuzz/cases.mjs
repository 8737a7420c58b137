// What the fuzzer draws for each kernel asc runs in WebAssembly: a random valid configuration
// (shapes with 0 and 1 sizes, channels not a multiple of 4, strides, dilations, pads, data formats,
// activations, resize modes, dtypes) and how far asc may differ from tfjs-backend-cpu.
//
// `tolerance` says how the allowed difference of each output element is derived:
//   exact:  none (copies, max, compares, integer math);
//   abs:    the cpu kernel rerun on |inputs| (inputs named in `negate` on -|input|, in `keep` as they
//           are, in `boundDrop` left out; attrs replaced by `boundAttrs`) gives sum |terms| per output; both backends' rounding errors are within
//           u * terms * that (u = 2^-24, `terms` = the reduction length), so they differ by at most
//           2^-23 * terms * bound, times `scale` (the activation's slope);
//   ref:    a few correctly rounded operations: 2^-23 * terms * |reference|;
//   maxabs: interpolation (lerp forms differ): 2^-23 * terms * max |input|.
// `paths` (convolutions) lists the other algorithms asc may take for the case (its ASC_WINOGRAD
// setting) with what each adds to the tolerance (`bound`, per output element, scaled like `abs`);
// the fuzzer runs the default path and each of those.
// `ulps` adds 2^-23 * ulps * max(|reference|, floor) for exp-based functions: asc's polynomials are
// within 2 ulps of the correctly rounded value (measured over 2^20 inputs), cpu's Math within 1
// after its float64 is rounded to float32. The floor is the smallest normal float for the functions
// asc computes to a relative accuracy everywhere (subnormal results included), 1 for those that
// tfjs-backend-cpu itself computes with cancellation near 0 (elu, selu: Math.exp(x) - 1; erf: 1 - ...).
import * as tf from '@tensorflow/tfjs-core';
import {axesOf, chance, dim, input, int, permutation, pick, shapeOf, valuesOf} from './draw.mjs';
import {winogradBound} from './winograd_bound.mjs';

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'leakyrelu', 'prelu', 'sigmoid', 'elu'];

/** An activation, its attrs and inputs, and what it does to the tolerance. */
function activationOf(r, channelsShape, specials) {
  const activation = pick(r, ACTIVATIONS);
  const attrs = {activation};
  const inputs = [];
  let scale = 1;
  if (activation === 'leakyrelu') {
    attrs.leakyreluAlpha = pick(r, [0.2, 0.01, 1.5, -0.5, r()]);
    scale = Math.max(1, Math.abs(attrs.leakyreluAlpha));
  }
  if (activation === 'prelu') {
    const weights = input(r, 'preluActivationWeights', pick(r, [channelsShape, channelsShape, [1], []]), 'float32',
        {specials, magnitude: 2});
    inputs.push(weights);
    scale = Math.max(1, ...Array.from(weights.values, Math.abs).filter(Number.isFinite));
  }
  const ulps = activation === 'sigmoid' || activation === 'elu' ? 8 : 0;
  return {attrs, inputs, scale, ulps, floor: 1};
}

/**
 * Adds a fused kernel's epilogue to a drawn case: a bias (80% of cases, of one of `biasShapes`) and
 * an activation. The bound reruns the linear part; the bias adds one rounding.
 */
function fuseEpilogue(r, {inputs, attrs, tolerance}, channels, biasShapes, specials) {
  if (chance(r, 0.8)) inputs.push(input(r, 'bias', pick(r, biasShapes), 'float32', {specials}));
  const act = activationOf(r, [channels], specials);
  Object.assign(attrs, act.attrs);
  inputs.push(...act.inputs);
  Object.assign(tolerance, {terms: tolerance.terms + 1, scale: act.scale, ulps: act.ulps, floor: act.floor,
    boundAttrs: {activation: 'linear'}, boundDrop: ['preluActivationWeights']});
}

/** Geometry of a 2-D convolution (or pool) that tfjs accepts, with its Conv2DInfo. */
function convGeometry(r, {depthwise = false, nchw = true, dilations = true, pools = false, winograd = false} = {}) {
  for (;;) {
    const dataFormat = nchw && chance(r, 0.25) ? 'NCHW' : 'NHWC';
    const batch = dim(r, 3);
    const inH = dim(r, winograd ? 14 : 12, {zero: false});
    const inW = dim(r, winograd ? 14 : 12, {zero: false});
    // The shapes asc's Winograd path takes (3x3, stride 1, no dilation, 8 channels or more).
    const inC = winograd ? int(r, 8, 40) : pools ? dim(r, 12) : dim(r, 20);
    const fh = winograd ? 3 : int(r, 1, Math.min(5, inH + 2));
    const fw = winograd ? 3 : int(r, 1, Math.min(5, inW + 2));
    const strides = winograd ? [1, 1] : [pick(r, [1, 1, 1, 2, 3]), pick(r, [1, 1, 1, 2, 3])];
    const dil = !winograd && dilations && strides[0] === 1 && strides[1] === 1 && chance(r, 0.3) ?
      [pick(r, [1, 2, 3]), pick(r, [1, 2, 3])] : [1, 1];
    let pad = pick(r, ['same', 'valid', 'explicit', 'number']);
    let dimRoundingMode;
    if (pad === 'explicit') {
      const hw = [[int(r, 0, 2), int(r, 0, 2)], [int(r, 0, 2), int(r, 0, 2)]];
      pad = dataFormat === 'NHWC' ? [[0, 0], ...hw, [0, 0]] : [[0, 0], [0, 0], ...hw];
      if (pools) pad = 'same';
    } else if (pad === 'number') {
      pad = int(r, 0, 2);
      dimRoundingMode = pick(r, ['floor', 'round', 'ceil']);
    }
    const channelMultiplier = depthwise ? pick(r, [1, 1, 2, 3]) : 0;
    const outC = depthwise ? inC * channelMultiplier : pools ? inC : winograd ? int(r, 8, 40) : dim(r, 20);
    const xShape = dataFormat === 'NHWC' ? [batch, inH, inW, inC] : [batch, inC, inH, inW];
    const filterShape = depthwise ? [fh, fw, inC, channelMultiplier] : [fh, fw, inC, outC];
    let info;
    try {
      info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, dil, pad, dimRoundingMode, depthwise,
          tf.backend_util.convertConv2DDataFormat(dataFormat));
    } catch {
      continue;
    }
    if (!(info.outHeight >= 1 && info.outWidth >= 1)) continue;
    const outShape = dataFormat === 'NHWC' ? [batch, info.outHeight, info.outWidth, outC] :
      [batch, outC, info.outHeight, info.outWidth];
    return {dataFormat, xShape, filterShape, outShape, strides, dilations: dil, pad, dimRoundingMode, info};
  }
}

/** Reads element (b, y, x, c) of a 4-D input in `dataFormat` ('NHWC' or 'NCHW'). */
function reader({values, shape}, dataFormat) {
  const [, d1, d2, d3] = shape;
  return dataFormat === 'NHWC' ? (b, y, x, c) => values[((b * d1 + y) * d2 + x) * d3 + c] :
    (b, y, x, c) => values[((b * d1 + c) * d2 + y) * d3 + x];
}

/** The index of output element (b, y, x, c) of shape [batch, h, w, c] (NHWC) or [batch, c, h, w] (NCHW). */
const indexer = (dataFormat, h, w, c) => (dataFormat === 'NHWC' ? (b, y, x, o) => ((b * h + y) * w + x) * c + o :
  (b, y, x, o) => ((b * c + o) * h + y) * w + x);

/** The Winograd algorithms a drawn case may take: each path's name and its extra tolerance, or none. */
function convWinogradPaths(r, g, x, filter, {transposed = false} = {}) {
  const {info, dataFormat} = g;
  const [fh, fw, filterIn, filterOut] = filter.shape;
  const stride1 = info.strideHeight === 1 && info.strideWidth === 1;
  if (fh !== 3 || fw !== 3 || !stride1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) return [];
  if (Math.min(filterIn, filterOut) < 8) return [];
  const algorithm = pick(r, ['F(2,3)', 'F(4,3)']);
  const f = reader(filter, 'NHWC');
  // Conv2DBackpropInput is the convolution of dy with the filter flipped, its channels swapped, and
  // pads 2 - pad (dy read only over the geometry's output size).
  const shape = transposed ?
    {batch: info.batchSize, inH: info.outHeight, inW: info.outWidth, inC: filterOut, outH: info.inHeight,
      outW: info.inWidth, outC: filterIn, padTop: 2 - info.padInfo.top, padLeft: 2 - info.padInfo.left} :
    {batch: info.batchSize, inH: info.inHeight, inW: info.inWidth, inC: filterIn, outH: info.outHeight,
      outW: info.outWidth, outC: filterOut, padTop: info.padInfo.top, padLeft: info.padInfo.left};
  const w = transposed ? (kh, kw, a, b) => f(2 - kh, 2 - kw, b, a) : f;
  const bound = winogradBound(algorithm, shape, reader(x, dataFormat), w,
      indexer(dataFormat, shape.outH, shape.outW, shape.outC));
  return [{algorithm, bound}];
}

/** Geometry of a 2-D pool (NHWC, no dilation). */
function poolGeometry(r, {rounding = true} = {}) {
  for (;;) {
    const xShape = [dim(r, 3), dim(r, 12, {zero: false}), dim(r, 12, {zero: false}), dim(r, 12)];
    const filterSize = [int(r, 1, Math.min(4, xShape[1] + 1)), int(r, 1, Math.min(4, xShape[2] + 1))];
    const strides = [int(r, 1, 3), int(r, 1, 3)];
    let pad = pick(r, ['same', 'valid', 'number']);
    let dimRoundingMode;
    if (pad === 'number') {
      pad = int(r, 0, Math.min(filterSize[0], filterSize[1]) - 1);
      if (rounding) dimRoundingMode = pick(r, ['floor', 'round', 'ceil']);
    }
    let info;
    try {
      info = tf.backend_util.computePool2DInfo(xShape, filterSize, strides, 1, pad, dimRoundingMode);
    } catch {
      continue;
    }
    if (!(info.outHeight >= 1 && info.outWidth >= 1)) continue;
    const outShape = [xShape[0], info.outHeight, info.outWidth, xShape[3]];
    // The most windows an input pixel lies in: the terms of a pooling gradient.
    const overlap = Math.ceil(filterSize[0] / strides[0]) * Math.ceil(filterSize[1] / strides[1]);
    return {xShape, outShape, filterSize, strides, pad, dimRoundingMode, overlap};
  }
}

/** Shapes a and b that broadcast to a shape of up to 5 axes. */
function broadcastShapes(r) {
  if (chance(r, 0.15)) {
    // A per-channel operand over whole vectors of channels (the kernels' unrolled row loop).
    const channels = pick(r, [4, 16, 32, 48, 64]);
    const full = [int(r, 1, 2), int(r, 1, 5), int(r, 1, 5), channels];
    const row = pick(r, [[channels], [1, 1, channels], [1, 1, 1, channels]]);
    return chance(r, 0.5) ? [full, row] : [row, full];
  }
  const out = shapeOf(r, int(r, 0, 5), 7);
  const operand = () => {
    const shape = out.slice(int(r, 0, out.length)).map((d) => (chance(r, 0.3) ? 1 : d));
    return shape;
  };
  return [operand(), operand()];
}

/**
 * tfjs-backend-cpu's matmul broadcasts batch dimensions only one way (batch index % batch size):
 * the reference tiles a and b to the full batch shape first.
 */
async function broadcastMatMul(run, kernel, [a, b, ...rest], attrs) {
  const batch = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const full = async (t) => {
    const shape = [...new Array(batch.length + 2 - t.shape.length).fill(1), ...t.shape];
    const reps = shape.map((d, i) => (i < batch.length && d === 1 ? batch[i] : 1));
    const [out] = await run('Tile', [{...t, name: 'x', shape}], {reps});
    return {...t, shape: out.shape, values: out.values};
  };
  return run(kernel, [await full(a), await full(b), ...rest], attrs);
}

/**
 * tfjs-backend-cpu's ResizeBilinearGrad ignores halfPixelCenters (and labels its output
 * [batch, width, height, depth]): the reference is the adjoint of its forward ResizeBilinear,
 * dx = J^T dy, with J^T's rows the forward resize of each unit image.
 */
async function resizeBilinearAdjoint(run, [images, dy], {alignCorners, halfPixelCenters}) {
  const [batch, inH, inW, depth] = images.shape;
  const [, outH, outW] = dy.shape;
  const pixels = inH * inW;
  const units = new Float32Array(pixels * pixels);
  for (let p = 0; p < pixels; p++) units[p * pixels + p] = 1;
  const [jt] = await run('ResizeBilinear', [{name: 'images', shape: [pixels, inH, inW, 1], dtype: 'float32', values: units}],
      {size: [outH, outW], alignCorners, halfPixelCenters});
  const [dx] = await run('BatchMatMul', [
    {name: 'a', shape: [1, pixels, outH * outW], dtype: 'float32', values: jt.values},
    {name: 'b', shape: [batch, outH * outW, depth], dtype: 'float32', values: dy.values},
  ], {transposeA: false, transposeB: false});
  return [{shape: [batch, inH, inW, depth], dtype: 'float32', values: dx.values}];
}

/**
 * tfjs-backend-cpu's StridedSlice indexes its strided path by the output shape with shrunk axes
 * already dropped (wrong elements, or a throw, when a shrink meets a stride other than 1): the
 * reference keeps those axes (each one element, [begin, begin + 1)) and drops them after.
 */
async function stridedSliceWithoutShrink(run, [x], attrs) {
  const [out] = await run('StridedSlice', [x], {...attrs, shrinkAxisMask: 0});
  const {finalShape} = tf.slice_util.sliceInfo(x.shape, attrs.begin, attrs.end, attrs.strides, attrs.beginMask,
      attrs.endMask, attrs.ellipsisMask, attrs.newAxisMask, attrs.shrinkAxisMask);
  return [{...out, shape: finalShape}];
}

/** A unary kernel; `values` are input()'s options (magnitude, positive). */
const unary = (kernel, dtypes, tolerance, attrs = () => ({}), values = {}) => ({
  kernel,
  draw(r, {specials}) {
    const dtype = pick(r, dtypes);
    return {inputs: [input(r, 'x', shapeOf(r, int(r, 0, 5), 7), dtype, {specials, ...values})], attrs: attrs(r), tolerance};
  },
});

const binary = (kernel, dtypes, tolerance) => ({
  kernel,
  draw(r, {specials}) {
    const dtype = pick(r, dtypes);
    const [aShape, bShape] = broadcastShapes(r);
    return {inputs: [input(r, 'a', aShape, dtype, {specials}), input(r, 'b', bShape, dtype, {specials})], attrs: {}, tolerance};
  },
});

const EXACT = {bound: 'exact'};
const ONE_ROUNDING = {bound: 'ref', terms: 1};
const MIN_NORMAL = 2 ** -126;
const POLYNOMIAL = {bound: 'ref', terms: 0, ulps: 4, floor: MIN_NORMAL};
const POLYNOMIAL_NEAR_ZERO_CANCELS = {bound: 'ref', terms: 0, ulps: 8, floor: 1};

export const KERNELS = [
  unary('Abs', ['float32', 'float32', 'int32'], EXACT),
  unary('Neg', ['float32', 'float32', 'int32'], EXACT),
  unary('Relu', ['float32', 'float32', 'int32'], EXACT),
  unary('Relu6', ['float32', 'float32', 'int32'], EXACT),
  unary('Sqrt', ['float32'], ONE_ROUNDING),
  unary('Square', ['float32'], ONE_ROUNDING),
  unary('Step', ['float32'], EXACT, (r) => ({alpha: pick(r, [0, 0, 0.5, -1, r()])})),
  unary('Exp', ['float32'], POLYNOMIAL),
  unary('Log', ['float32'], POLYNOMIAL, () => ({}), {positive: true}),
  unary('Sigmoid', ['float32'], POLYNOMIAL),
  unary('Tanh', ['float32'], POLYNOMIAL),
  unary('Softplus', ['float32'], POLYNOMIAL),
  unary('Elu', ['float32'], POLYNOMIAL_NEAR_ZERO_CANCELS),
  unary('Selu', ['float32'], POLYNOMIAL_NEAR_ZERO_CANCELS),
  unary('Erf', ['float32'], POLYNOMIAL_NEAR_ZERO_CANCELS),
  unary('Rsqrt', ['float32'], {bound: 'ref', terms: 2}, () => ({}), {positive: true}),
  unary('Reciprocal', ['float32'], {bound: 'ref', terms: 1}),
  // cpu multiplies by alpha in float64: alpha's own rounding to float32 is one more.
  unary('LeakyRelu', ['float32'], {bound: 'ref', terms: 2}, (r) => ({alpha: pick(r, [0.2, 0.01, 1.5, -0.5, r()])})),
  unary('ClipByValue', ['float32'], EXACT, (r) => {
    const [a, b] = [pick(r, [0, -1, -6, r()]), pick(r, [6, 1, 0, r() * 10])];
    return {clipValueMin: Math.min(a, b), clipValueMax: Math.max(a, b)};
  }),
  {
    kernel: 'Cast',
    draw(r, {specials}) {
      const from = pick(r, ['float32', 'int32', 'bool']);
      const dtype = pick(r, ['float32', 'int32', 'bool'].filter((d) => d !== from));
      const x = input(r, 'x', shapeOf(r, int(r, 0, 4), 7), from, {specials});
      if (from === 'float32' && chance(r, 0.3)) x.values = x.values.map((v) => v * 1e9 * r()); // past int32's range
      return {inputs: [x], attrs: {dtype}, tolerance: EXACT};
    },
  },
  binary('Add', ['float32', 'float32', 'int32'], {bound: 'abs', terms: 1}),
  binary('Sub', ['float32', 'float32', 'int32'], {bound: 'abs', terms: 1, negate: ['b']}),
  binary('Multiply', ['float32', 'float32', 'int32'], ONE_ROUNDING),
  binary('RealDiv', ['float32'], ONE_ROUNDING),
  binary('Minimum', ['float32', 'float32', 'int32'], EXACT),
  binary('Maximum', ['float32', 'float32', 'int32'], EXACT),
  // (a - b) rounded, then squared and rounded: 3 units of relative error; cpu rounds once.
  binary('SquaredDifference', ['float32'], {bound: 'ref', terms: 2}),
  {
    kernel: 'AddN',
    list: true,
    draw(r, {specials}) {
      const shape = shapeOf(r, int(r, 0, 4), 7);
      const dtype = pick(r, ['float32', 'float32', 'int32']);
      // Summed in the same order with float32 additions on both.
      return {inputs: Array.from({length: int(r, 1, 6)}, (_, i) => input(r, String(i), shape, dtype, {specials})),
        attrs: {}, tolerance: EXACT};
    },
  },
  {
    kernel: 'Prelu',
    draw(r, {specials}) {
      const shape = chance(r, 0.2) ? [int(r, 1, 2), int(r, 1, 5), int(r, 1, 5), pick(r, [16, 32, 48])] : shapeOf(r, int(r, 1, 4), 7);
      const x = input(r, 'x', shape, 'float32', {specials});
      const channels = x.shape[x.shape.length - 1];
      const alphaShape = pick(r, [[channels], [channels], [1], [], x.shape.map((d) => (chance(r, 0.5) ? 1 : d))]);
      return {inputs: [x, input(r, 'alpha', alphaShape, 'float32', {specials})], attrs: {}, tolerance: ONE_ROUNDING};
    },
  },
  {
    kernel: 'Concat',
    list: true,
    draw(r, {specials}) {
      const rank = int(r, 1, 5);
      const shape = shapeOf(r, rank, 6);
      const axis = int(r, -rank, rank - 1);
      const dtype = pick(r, ['float32', 'float32', 'int32', 'bool']);
      const inputs = Array.from({length: int(r, 1, 6)}, (_, i) => {
        const s = shape.slice();
        s[(axis + rank) % rank] = dim(r, 5);
        return input(r, String(i), s, dtype, {specials});
      });
      return {inputs, attrs: {axis}, tolerance: EXACT};
    },
  },
  {
    kernel: 'Slice',
    draw(r, {specials}) {
      const x = input(r, 'x', shapeOf(r, int(r, 1, 5), 8), pick(r, ['float32', 'int32', 'bool']), {specials});
      const begin = x.shape.map((d) => int(r, 0, d));
      const size = x.shape.map((d, i) => (chance(r, 0.15) ? -1 : int(r, 0, d - begin[i])));
      return {inputs: [x], attrs: {begin, size}, tolerance: EXACT};
    },
  },
  {
    kernel: 'StridedSlice',
    draw(r, {specials}) {
      const x = input(r, 'x', shapeOf(r, int(r, 1, 4), 7), pick(r, ['float32', 'int32', 'bool']), {specials});
      const [begin, end, strides] = [[], [], []];
      let [beginMask, endMask, newAxisMask, shrinkAxisMask] = [0, 0, 0, 0];
      // One spec entry per axis of x (some specs shorter: the rest taken whole), new axes between.
      const entries = int(r, 1, x.shape.length);
      for (let axis = 0, k = 0; axis < entries; k++) {
        if (chance(r, 0.15)) {
          newAxisMask |= 1 << k;
          begin.push(0), end.push(0), strides.push(1);
          continue;
        }
        const d = x.shape[axis++];
        if (d > 0 && chance(r, 0.15)) {
          shrinkAxisMask |= 1 << k;
          // [at, at + 1), at times as negative indices (also a valid range without the shrink: the reference's).
          const at = int(r, 0, d - 1);
          const negative = chance(r, 0.4);
          begin.push(negative ? at - d : at), end.push(negative && at + 1 < d ? at + 1 - d : at + 1), strides.push(1);
          continue;
        }
        // A range in the stride's direction (tfjs-backend-cpu throws on a reversed one when all strides
        // are 1), written with negative indices at times and past the ends (clamped).
        const stride = pick(r, [1, 1, 1, 2, 3, -1, -2]);
        let [from, to] = [int(r, 0, d), int(r, 0, d)].sort((p, q) => p - q);
        if (stride < 0) [from, to] = [to - 1, from - 1];
        const write = (i) => (i >= 0 && i < d && chance(r, 0.3) ? i - d : i === d && chance(r, 0.3) ? d + 2 : i);
        strides.push(stride);
        begin.push(write(from)), end.push(stride < 0 && to === -1 ? -d - 1 : write(to));
        if (chance(r, 0.25)) beginMask |= 1 << k;
        if (chance(r, 0.25)) endMask |= 1 << k;
      }
      return {inputs: [x], attrs: {begin, end, strides, beginMask, endMask, ellipsisMask: 0, newAxisMask, shrinkAxisMask},
        tolerance: EXACT};
    },
    reference: stridedSliceWithoutShrink,
  },
  {
    kernel: 'Reshape',
    draw(r, {specials}) {
      const x = input(r, 'x', shapeOf(r, int(r, 0, 4), 6), pick(r, ['float32', 'int32', 'bool']), {specials});
      const size = x.values.length;
      // A shape of the same size: its factors in another grouping, one of them maybe -1.
      const shape = [];
      let left = size;
      while (left > 1 && shape.length < 3) {
        const f = [2, 3, 5, 7].find((p) => left % p === 0 && chance(r, 0.7)) ?? left;
        shape.push(f);
        left /= f;
      }
      if (left !== 1 || size === 0) shape.push(size === 0 ? 0 : left);
      if (size > 0 && chance(r, 0.3)) shape[int(r, 0, shape.length - 1)] = -1;
      return {inputs: [x], attrs: {shape: chance(r, 0.2) ? [...shape, 1] : shape}, tolerance: EXACT};
    },
  },
  {
    kernel: 'SplitV',
    draw(r, {specials}) {
      const x = input(r, 'x', shapeOf(r, int(r, 1, 4), 8), pick(r, ['float32', 'int32']), {specials});
      const axis = int(r, 0, x.shape.length - 1);
      const parts = [];
      let left = x.shape[axis];
      while (left > 0 && parts.length < 4) {
        const take = int(r, 0, left);
        parts.push(take);
        left -= take;
      }
      parts.push(left);
      // -1 (the rest) anywhere but first: tfjs's prepareSplitSize miscounts a leading -1.
      if (parts.length > 1 && chance(r, 0.3)) parts[int(r, 1, parts.length - 1)] = -1;
      return {inputs: [x], attrs: {numOrSizeSplits: parts, axis: chance(r, 0.5) ? axis : axis - x.shape.length},
        tolerance: EXACT};
    },
  },
  {
    kernel: 'Tile',
    draw(r, {specials}) {
      const x = input(r, 'x', shapeOf(r, int(r, 1, 5), 5), pick(r, ['float32', 'int32', 'bool']), {specials});
      return {inputs: [x], attrs: {reps: x.shape.map(() => pick(r, [1, 1, 2, 3, 0]))}, tolerance: EXACT};
    },
  },
  {
    kernel: 'Transpose',
    draw(r, {specials}) {
      const x = input(r, 'x', shapeOf(r, int(r, 0, 6), 5), pick(r, ['float32', 'int32', 'bool']), {specials});
      return {inputs: [x], attrs: {perm: permutation(r, x.shape.length)}, tolerance: EXACT};
    },
  },
  {
    kernel: 'PadV2',
    draw(r, {specials}) {
      const x = input(r, 'x', shapeOf(r, int(r, 1, 5), 6), pick(r, ['float32', 'int32', 'bool']), {specials});
      const paddings = x.shape.map(() => [int(r, 0, 3), int(r, 0, 3)]);
      const constantValue = x.dtype === 'bool' ? int(r, 0, 1) : x.dtype === 'int32' ? int(r, -5, 5) : pick(r, [0, 1.5, -2.25]);
      return {inputs: [x], attrs: {paddings, constantValue}, tolerance: EXACT};
    },
  },
  ...['Sum', 'Mean'].map((kernel) => ({
    kernel,
    draw(r, {specials}) {
      const dtype = kernel === 'Sum' ? pick(r, ['float32', 'float32', 'int32']) : 'float32';
      const x = input(r, 'x', shapeOf(r, int(r, 0, 5), 9), dtype, {specials});
      const rank = x.shape.length;
      const axes = axesOf(r, rank, int(r, 0, rank));
      const axis = chance(r, 0.2) ? null : chance(r, 0.5) && axes.length === 1 ? axes[0] - (chance(r, 0.5) ? rank : 0) : axes;
      const reduced = axis == null ? x.shape : [axis].flat().map((a) => x.shape[(a + rank) % rank]);
      const terms = reduced.reduce((a, b) => a * b, 1) + (kernel === 'Mean' ? 1 : 0);
      return {inputs: [x], attrs: {axis, keepDims: chance(r, 0.3)}, tolerance: {bound: 'abs', terms}};
    },
  })),
  ...['Max', 'Min'].map((kernel) => ({
    kernel,
    draw(r, {specials}) {
      const x = input(r, 'x', shapeOf(r, int(r, 1, 5), 9), pick(r, ['float32', 'float32', 'int32']), {specials});
      const rank = x.shape.length;
      const axes = axesOf(r, rank, int(r, 1, rank));
      const which = chance(r, 0.3) && axes.length === 1 ? axes[0] - rank : axes;
      // Max names its axes reductionIndices, Min axis.
      return {inputs: [x], attrs: {[kernel === 'Max' ? 'reductionIndices' : 'axis']: which, keepDims: chance(r, 0.3)},
        tolerance: EXACT};
    },
  })),
  {
    kernel: 'Softmax',
    draw(r, {specials}) {
      const logits = input(r, 'logits', shapeOf(r, int(r, 1, 4), 12), 'float32', {specials});
      // exp within 2 ulps, a float64 sum rounded once, a division: 4 ulps of the reference.
      return {inputs: [logits], attrs: {dim: pick(r, [-1, logits.shape.length - 1])},
        tolerance: {bound: 'ref', terms: 2, ulps: 4, floor: MIN_NORMAL}};
    },
  },
  {
    kernel: 'MirrorPad',
    draw(r, {specials}) {
      const x = input(r, 'x', shapeOf(r, int(r, 1, 4), 6).map((d) => Math.max(d, 1)), pick(r, ['float32', 'int32', 'bool']),
        {specials});
      const mode = pick(r, ['reflect', 'symmetric']);
      // Reflect pads at most size - 1 on a side, symmetric at most size.
      const paddings = x.shape.map((d) => [int(r, 0, mode === 'reflect' ? d - 1 : d), int(r, 0, mode === 'reflect' ? d - 1 : d)]);
      return {inputs: [x], attrs: {paddings, mode}, tolerance: EXACT};
    },
  },
  ...['ZerosLike', 'OnesLike'].map((kernel) => ({
    kernel,
    draw(r, {specials}) {
      const x = input(r, 'x', shapeOf(r, int(r, 0, 4), 6), pick(r, ['float32', 'int32', 'bool']), {specials});
      return {inputs: [x], attrs: {}, tolerance: EXACT};
    },
  })),
  {
    kernel: 'Fill',
    draw(r) {
      // No dtype: cpu infers float32 from a number.
      const dtype = pick(r, ['float32', 'int32', 'bool', undefined]);
      const value = dtype === 'bool' ? int(r, 0, 1) : dtype === 'int32' ? int(r, -5, 5) : pick(r, [0, 1.5, -2.25, NaN, Infinity, -0]);
      return {inputs: [], attrs: {shape: shapeOf(r, int(r, 0, 4), 6), value, dtype}, tolerance: EXACT};
    },
  },
  ...['ArgMax', 'ArgMin'].map((kernel) => ({
    kernel,
    draw(r, {specials}) {
      const x = input(r, 'x', shapeOf(r, int(r, 1, 4), 9), pick(r, ['float32', 'float32', 'int32']), {specials});
      // Ties half the time (cpu keeps the first): values from a few integers.
      if (chance(r, 0.5)) x.values = x.values.map((v) => (Number.isFinite(v) && v !== 0 ? int(r, -2, 2) : v));
      // Rows long enough for the kernel's vector paths now and then.
      if (chance(r, 0.2)) {
        x.shape = [int(r, 1, 5), int(r, 8, 80)];
        x.values = valuesOf(r, x.shape[0] * x.shape[1], x.dtype, {specials});
      }
      const rank = x.shape.length;
      return {inputs: [x], attrs: {axis: int(r, 0, rank - 1) - (chance(r, 0.3) ? rank : 0)}, tolerance: EXACT};
    },
  })),
  {
    kernel: 'TopK',
    // asc gives the sorted order for sorted: false too; cpu's is its partition's.
    reference: (runCpu, inputs, attrs) => runCpu('TopK', inputs, {...attrs, sorted: true}),
    draw(r) {
      const dtype = pick(r, ['float32', 'float32', 'int32']);
      const shape = chance(r, 0.2) ? [int(r, 1, 3), int(r, 100, 3000)] : shapeOf(r, int(r, 1, 3), 12);
      const x = input(r, 'x', shape, dtype);
      // Ties (cpu puts the lower index first) and -0 (equal to 0). No infinities or NaN: cpu's
      // comparator is a difference, NaN for two equal infinities, which also misleads its selection
      // when an infinity is the pivot (test/unit/top_k.test.mjs checks them against hand-made answers).
      if (chance(r, 0.5)) x.values = x.values.map(() => int(r, -3, 3));
      const n = shape[shape.length - 1];
      if (dtype === 'float32' && chance(r, 0.3)) x.values = x.values.map((v) => (r() < 0.1 ? -0 : v));
      const k = Math.min(n, pick(r, [0, 1, n, int(r, 0, n), int(r, 0, 8)]));
      return {inputs: [x], attrs: {k, sorted: chance(r, 0.8)}, tolerance: EXACT};
    },
  },
  {
    kernel: 'GatherV2',
    draw(r, {specials}) {
      const x = input(r, 'x', shapeOf(r, int(r, 1, 4), 6), pick(r, ['float32', 'int32', 'bool']), {specials});
      const rank = x.shape.length;
      const axis = int(r, 0, rank - 1);
      // tfjs-backend-cpu divides by the batch size: batch dims of size 0 make it fail.
      const batchDims = x.shape.slice(0, Math.min(axis, 2)).includes(0) ? 0 : int(r, 0, Math.min(axis, 2));
      // Indices share x's batch dims; an empty axis can only be gathered from by no index at all.
      const free = x.shape[axis] === 0 ? [0] : shapeOf(r, int(r, 0, 2), 5);
      const shape = [...x.shape.slice(0, batchDims), ...free];
      const count = shape.reduce((a, b) => a * b, 1);
      const indices = {name: 'indices', shape, dtype: 'int32',
        values: Int32Array.from({length: count}, () => int(r, 0, x.shape[axis] - 1))};
      return {inputs: [x, indices], attrs: {axis: chance(r, 0.3) ? axis - rank : axis, batchDims}, tolerance: EXACT};
    },
  },
  {
    kernel: 'SpaceToBatchND',
    draw(r, {specials}) {
      const blockShape = Array.from({length: int(r, 1, 2)}, () => int(r, 1, 3));
      // Each padded spatial size a multiple of its block.
      const spatial = blockShape.map(() => dim(r, 7));
      const paddings = blockShape.map((b, i) => {
        const before = int(r, 0, 2);
        const after = (b - (spatial[i] + before) % b) % b + b * int(r, 0, 1);
        return [before, after];
      });
      const shape = [dim(r, 3), ...spatial, ...shapeOf(r, int(r, 0, 1), 5)];
      const x = input(r, 'x', shape, pick(r, ['float32', 'int32', 'bool']), {specials});
      return {inputs: [x], attrs: {blockShape, paddings}, tolerance: EXACT};
    },
  },
  {
    kernel: 'BatchToSpaceND',
    draw(r, {specials}) {
      const blockShape = Array.from({length: int(r, 1, 2)}, () => int(r, 1, 3));
      const spatial = blockShape.map(() => dim(r, 5));
      // Crops take at most the whole of each upsampled axis.
      const crops = blockShape.map((b, i) => {
        const before = int(r, 0, Math.min(2, b * spatial[i]));
        return [before, int(r, 0, Math.min(2, b * spatial[i] - before))];
      });
      const batch = dim(r, 3) * blockShape.reduce((a, b) => a * b, 1);
      const shape = [batch, ...spatial, ...shapeOf(r, int(r, 0, 1), 5)];
      const x = input(r, 'x', shape, pick(r, ['float32', 'int32', 'bool']), {specials});
      return {inputs: [x], attrs: {blockShape, crops}, tolerance: EXACT};
    },
  },
  {
    kernel: 'DepthToSpace',
    draw(r, {specials}) {
      const blockSize = int(r, 2, 3);
      const shape = [dim(r, 3), dim(r, 6), dim(r, 6), dim(r, 4) * blockSize * blockSize];
      const x = input(r, 'x', shape, pick(r, ['float32', 'int32']), {specials});
      return {inputs: [x], attrs: {blockSize, dataFormat: 'NHWC'}, tolerance: EXACT};
    },
  },
  ...['Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual'].map((kernel) => ({
    kernel,
    draw(r, {specials}) {
      const dtype = pick(r, ['float32', 'float32', 'int32']);
      const [aShape, bShape] = broadcastShapes(r);
      const a = input(r, 'a', aShape, dtype, {specials});
      // Equal values now and then (small integers meet often; floats only if copied).
      const b = input(r, 'b', bShape, dtype, {specials});
      if (dtype === 'float32' && chance(r, 0.5)) b.values = b.values.map((v, i) => (chance(r, 0.3) && a.values.length ? a.values[i % a.values.length] : v));
      return {inputs: [a, b], attrs: {}, tolerance: EXACT};
    },
  })),
  {
    kernel: 'Select',
    draw(r, {specials}) {
      const shape = shapeOf(r, int(r, 0, 4), 7);
      const dtype = pick(r, ['float32', 'int32']);
      return {inputs: [input(r, 'condition', shape, 'bool'), input(r, 't', shape, dtype, {specials}),
        input(r, 'e', shape, dtype, {specials})], attrs: {}, tolerance: EXACT};
    },
  },
  {
    kernel: 'Pack',
    list: true,
    draw(r, {specials}) {
      const shape = shapeOf(r, int(r, 0, 3), 6);
      const dtype = pick(r, ['float32', 'int32', 'bool']);
      const inputs = Array.from({length: int(r, 1, 5)}, (_, i) => input(r, String(i), shape, dtype, {specials}));
      return {inputs, attrs: {axis: int(r, -(shape.length + 1), shape.length)}, tolerance: EXACT};
    },
  },
  {
    kernel: 'Unpack',
    draw(r, {specials}) {
      const value = input(r, 'value', shapeOf(r, int(r, 1, 4), 5), pick(r, ['float32', 'int32', 'bool']), {specials});
      return {inputs: [value], attrs: {axis: int(r, 0, value.shape.length - 1)}, tolerance: EXACT};
    },
  },
  ...['BatchMatMul', '_FusedMatMul'].map((kernel) => ({
    kernel,
    draw(r, {specials}) {
      const batchRank = int(r, 0, 2);
      const batch = shapeOf(r, batchRank, 3);
      const [m, k, n] = [dim(r, 20), dim(r, 40), dim(r, 20)];
      const [transposeA, transposeB] = [chance(r, 0.3), chance(r, 0.3)];
      const broadcast = (s) => s.map((d) => (chance(r, 0.25) ? 1 : d));
      const a = input(r, 'a', [...broadcast(batch), ...(transposeA ? [k, m] : [m, k])], 'float32', {specials});
      const b = input(r, 'b', [...broadcast(batch).slice(int(r, 0, batchRank)), ...(transposeB ? [n, k] : [k, n])], 'float32', {specials});
      const attrs = {transposeA, transposeB};
      const tolerance = {bound: 'abs', terms: k};
      const inputs = [a, b];
      if (kernel === '_FusedMatMul') fuseEpilogue(r, {inputs, attrs, tolerance}, n, [[n], [n], [1], [], [m, n]], specials);
      return {inputs, attrs, tolerance};
    },
    reference: (run, inputs, attrs) => broadcastMatMul(run, kernel, inputs, attrs),
  })),
  ...['Conv2D', 'FusedConv2D'].map((kernel) => ({
    kernel,
    draw(r, {specials}) {
      const g = convGeometry(r, {winograd: chance(r, 0.4)});
      const inputs = [input(r, 'x', g.xShape, 'float32', {specials}), input(r, 'filter', g.filterShape, 'float32', {specials})];
      const attrs = {strides: g.strides, pad: g.pad, dataFormat: g.dataFormat, dilations: g.dilations, dimRoundingMode: g.dimRoundingMode};
      const terms = g.filterShape[0] * g.filterShape[1] * g.filterShape[2];
      const tolerance = {bound: 'abs', terms};
      if (kernel === 'FusedConv2D') {
        const outC = g.filterShape[3];
        fuseEpilogue(r, {inputs, attrs, tolerance}, outC, [[outC], [outC], [outC], [1], []], specials);
      }
      return {inputs, attrs, tolerance, paths: convWinogradPaths(r, g, inputs[0], inputs[1])};
    },
  })),
  ...['DepthwiseConv2dNative', 'FusedDepthwiseConv2D'].map((kernel) => ({
    kernel,
    draw(r, {specials}) {
      // tfjs-backend-cpu reads NHWC only.
      const g = convGeometry(r, {depthwise: true, nchw: false});
      const inputs = [input(r, 'x', g.xShape, 'float32', {specials}), input(r, 'filter', g.filterShape, 'float32', {specials})];
      const attrs = {strides: g.strides, pad: g.pad, dataFormat: 'NHWC', dilations: g.dilations, dimRoundingMode: g.dimRoundingMode};
      const tolerance = {bound: 'abs', terms: g.filterShape[0] * g.filterShape[1]};
      if (kernel === 'FusedDepthwiseConv2D') {
        const outC = g.filterShape[2] * g.filterShape[3];
        fuseEpilogue(r, {inputs, attrs, tolerance}, outC, [[outC], [outC], [outC], [1], []], specials);
      }
      return {inputs, attrs, tolerance};
    },
  })),
  {
    kernel: 'Conv2DBackpropInput',
    draw(r, {specials}) {
      const g = convGeometry(r, {dilations: false, winograd: chance(r, 0.4)});
      const [fh, fw, , outC] = g.filterShape;
      const inputs = [input(r, 'dy', g.outShape, 'float32', {specials}), input(r, 'filter', g.filterShape, 'float32', {specials})];
      // Input rows each stride skips get no terms; the others up to fh*fw*outC.
      return {
        inputs,
        attrs: {inputShape: g.xShape, strides: g.strides, pad: g.pad, dataFormat: g.dataFormat, dimRoundingMode: g.dimRoundingMode},
        tolerance: {bound: 'abs', terms: fh * fw * outC},
        paths: convWinogradPaths(r, g, inputs[0], inputs[1], {transposed: true}),
      };
    },
  },
  {
    kernel: 'Conv2DBackpropFilter',
    draw(r, {specials}) {
      const g = convGeometry(r, {dilations: false});
      const {batchSize, outHeight, outWidth} = g.info;
      return {
        inputs: [input(r, 'x', g.xShape, 'float32', {specials}), input(r, 'dy', g.outShape, 'float32', {specials})],
        attrs: {filterShape: g.filterShape, strides: g.strides, pad: g.pad, dataFormat: g.dataFormat, dimRoundingMode: g.dimRoundingMode},
        tolerance: {bound: 'abs', terms: batchSize * outHeight * outWidth},
      };
    },
  },
  ...['MaxPool', 'AvgPool'].map((kernel) => ({
    kernel,
    draw(r, {specials}) {
      const g = poolGeometry(r);
      return {
        inputs: [input(r, 'x', g.xShape, 'float32', {specials})],
        attrs: {filterSize: g.filterSize, strides: g.strides, pad: g.pad, dimRoundingMode: g.dimRoundingMode},
        tolerance: kernel === 'MaxPool' ? EXACT : {bound: 'abs', terms: g.filterSize[0] * g.filterSize[1] + 1},
      };
    },
  })),
  {
    kernel: 'MaxPoolGrad',
    // The reference's output input: tfjs-backend-cpu's MaxPool of x (neither backend reads it).
    output: {name: 'output', kernel: 'MaxPool', from: ['input']},
    draw(r, {specials}) {
      const g = poolGeometry(r);
      return {
        inputs: [input(r, 'dy', g.outShape, 'float32', {specials}), input(r, 'input', g.xShape, 'float32', {specials})],
        attrs: {filterSize: g.filterSize, strides: g.strides, pad: g.pad, dimRoundingMode: g.dimRoundingMode},
        // |input| would move the maxima: the bound keeps input as it is.
        tolerance: {bound: 'abs', terms: g.overlap, keep: ['input']},
      };
    },
  },
  {
    kernel: 'AvgPoolGrad',
    draw(r, {specials}) {
      const g = poolGeometry(r, {rounding: false}); // AvgPoolGrad has no dimRoundingMode
      return {
        inputs: [input(r, 'dy', g.outShape, 'float32', {specials}), input(r, 'input', g.xShape, 'float32', {specials})],
        attrs: {filterSize: g.filterSize, strides: g.strides, pad: g.pad},
        tolerance: {bound: 'abs', terms: 2 * g.overlap},
      };
    },
  },
  {
    kernel: 'FusedBatchNorm',
    draw(r, {specials}) {
      const xShape = shapeOf(r, 4, 9);
      const c = xShape[3];
      // tfjs-backend-cpu wants mean, variance, offset and scale of one rank.
      const rank4 = chance(r, 0.2);
      const paramShape = () => {
        const channels = chance(r, 0.8) ? c : 1;
        return rank4 ? [1, 1, 1, channels] : [channels];
      };
      const meanShape = paramShape();
      const inputs = [
        input(r, 'x', xShape, 'float32', {specials}),
        input(r, 'mean', meanShape, 'float32', {specials}),
        input(r, 'variance', meanShape, 'float32', {specials, positive: true}),
      ];
      if (chance(r, 0.8)) inputs.push(input(r, 'offset', paramShape(), 'float32', {specials}));
      if (chance(r, 0.8)) inputs.push(input(r, 'scale', paramShape(), 'float32', {specials}));
      // x - mean, times scale, over sqrt(variance + epsilon), plus offset: a few roundings each side.
      return {inputs, attrs: {varianceEpsilon: pick(r, [1e-3, 1e-5, 0.1])},
        tolerance: {bound: 'abs', terms: 8, negate: ['mean']}};
    },
  },
  ...['ResizeBilinear', 'ResizeNearestNeighbor'].map((kernel) => ({
    kernel,
    draw(r, {specials}) {
      const dtype = kernel === 'ResizeBilinear' ? 'float32' : pick(r, ['float32', 'int32']);
      const images = input(r, 'images', [dim(r, 3), dim(r, 10, {zero: false}), dim(r, 10, {zero: false}), dim(r, 9)], dtype, {specials});
      const alignCorners = chance(r, 0.5);
      const halfPixelCenters = !alignCorners && chance(r, 0.5);
      const size = [dim(r, 20, {zero: false}), dim(r, 20, {zero: false})];
      return {inputs: [images], attrs: {size, alignCorners, halfPixelCenters},
        tolerance: kernel === 'ResizeBilinear' ? {bound: 'maxabs', terms: 8} : EXACT};
    },
  })),
  {
    kernel: 'ResizeBilinearGrad',
    reference: resizeBilinearAdjoint,
    draw(r) {
      const images = input(r, 'images', [dim(r, 3), dim(r, 10, {zero: false}), dim(r, 10, {zero: false}), dim(r, 9)], 'float32');
      const [, inH, inW, c] = images.shape;
      const [outH, outW] = [dim(r, 20, {zero: false}), dim(r, 20, {zero: false})];
      const alignCorners = chance(r, 0.5);
      const halfPixelCenters = !alignCorners && chance(r, 0.5);
      // Each image pixel gathers about (outH / inH + 1) * (outW / inW + 1) weighted terms of dy,
      // each weight itself rounded.
      const terms = 4 * (Math.ceil(outH / inH) + 1) * (Math.ceil(outW / inW) + 1) + 1;
      // No NaN or infinity in dy: J^T's zeros would turn them into NaN in the reference.
      return {inputs: [images, input(r, 'dy', [images.shape[0], outH, outW, c], 'float32')],
        attrs: {alignCorners, halfPixelCenters}, tolerance: {bound: 'abs', terms}};
    },
  },
];
