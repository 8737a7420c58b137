// Architecture families of mobile models, each written once against a small builder interface
// and realized three times: as a tfjs-layers model (what tf.loadLayersModel gives: Conv2D, BatchNorm,
// ReLU layers, ...), as a "graph" of fused ops (what tfjs-converter emits for the same net:
// BatchNorm folded into the convolutions, tf.fused.conv2d / depthwiseConv2d / matMul with bias and
// activation), and as a .tflite of the same graph with the same weights (what TensorFlow's converter
// gives LiteRT.js: CONV_2D and DEPTHWISE_CONV_2D with their activation fused, HARD_SWISH, MEAN,
// FULLY_CONNECTED, ...). Weights are drawn from a seeded generator, so every backend runs the same numbers.
import * as tf from '@tensorflow/tfjs-core';
import {rng} from '../test/unit/rng.mjs';
import {ACT_NONE, ACT_RELU, ACT_RELU6, OP, OPTIONS, PADDING_SAME, TfliteGraph} from './tflite_writer.mjs';

/** Uniform values in [-bound, bound) plus `shift`. */
const uniform = (random, size, bound, shift = 0) => Float32Array.from({length: size}, () => (random() * 2 - 1) * bound + shift);

/** He-uniform bound for a fan-in: keeps activations near unit scale through deep stacks. */
const heBound = (fanIn) => Math.sqrt(6 / fanIn);

// ---- the layers realization ----

function layersBuilder(tfl) {
  const act = (x, kind) => {
    if (kind === 'linear') return x;
    if (kind === 'relu') return tfl.layers.reLU().apply(x);
    if (kind === 'relu6') return tfl.layers.reLU({maxValue: 6}).apply(x);
    if (kind === 'sigmoid' || kind === 'softmax') return tfl.layers.activation({activation: kind}).apply(x);
    // hard-swish: x * hard_sigmoid(x), as Keras' MobileNetV3 builds it from layers.
    return tfl.layers.multiply().apply([x, tfl.layers.activation({activation: 'hardSigmoid'}).apply(x)]);
  };
  const bn = (x) => tfl.layers.batchNormalization({epsilon: 1e-3}).apply(x);
  return {
    input: (shape) => tfl.input({shape}),
    channels: (x) => x.shape[x.shape.length - 1],
    conv: (x, {filters, kernel, stride = 1, dilation = 1, act: kind = 'linear', batchNorm = true}) => {
      const y = tfl.layers.conv2d({filters, kernelSize: kernel, strides: stride, dilationRate: dilation, padding: 'same',
        useBias: !batchNorm}).apply(x);
      return act(batchNorm ? bn(y) : y, kind);
    },
    dw: (x, {kernel, stride = 1, act: kind}) =>
      act(bn(tfl.layers.depthwiseConv2d({kernelSize: kernel, strides: stride, padding: 'same', useBias: false}).apply(x)), kind),
    act,
    add: (a, b) => tfl.layers.add().apply([a, b]),
    mul: (a, b) => tfl.layers.multiply().apply([a, b]),
    concat: (list) => tfl.layers.concatenate().apply(list),
    gap: (x, {keepDims = false} = {}) => {
      const pooled = tfl.layers.globalAveragePooling2d({}).apply(x);
      return keepDims ? tfl.layers.reshape({targetShape: [1, 1, pooled.shape[1]]}).apply(pooled) : pooled;
    },
    maxPool: (x, {size, stride}) => tfl.layers.maxPooling2d({poolSize: size, strides: stride, padding: 'same'}).apply(x),
    upsample: (x, {factor, bilinear}) =>
      tfl.layers.upSampling2d({size: [factor, factor], interpolation: bilinear ? 'bilinear' : 'nearest'}).apply(x),
    dense: (x, {units, act: kind}) => act(tfl.layers.dense({units}).apply(x), kind),
    // Layers have no channel padding: a 1x1 projection takes its place.
    padChannels: (x, channels) => tfl.layers.conv2d({filters: channels, kernelSize: 1, useBias: false}).apply(x),
  };
}

/** Sets every weight of a layers model from a seeded generator (BatchNorm statistics as after training). */
function seedLayersWeights(model, seed) {
  const random = rng(seed);
  const values = model.weights.map((w) => {
    const size = w.shape.reduce((a, b) => a * b, 1);
    const name = w.originalName ?? w.name;
    let data;
    if (/moving_variance/.test(name)) data = uniform(random, size, 0.5, 1);
    else if (/gamma/.test(name)) data = uniform(random, size, 0.1, 1);
    else if (/beta|moving_mean|bias/.test(name)) data = uniform(random, size, 0.1);
    else {
      // Kernels: [kh, kw, in, out] (a depthwise one [kh, kw, channels, 1]) or [in, out].
      const fanIn = /depthwise/.test(name) ? w.shape[0] * w.shape[1] : size / w.shape[w.shape.length - 1];
      data = uniform(random, size, heBound(fanIn));
    }
    return tf.tensor(data, w.shape);
  });
  model.setWeights(values);
  tf.dispose(values);
}

// ---- the fused-ops ("graph") realization ----

/**
 * The weights of the graph realizations, in the order their builders draw them (filter, then bias,
 * per op), so the fused ops and the .tflite hold the same numbers.
 */
function seededValues(seed) {
  const random = rng(seed);
  return (shape, bound, shift = 0) => uniform(random, shape.reduce((a, b) => a * b, 1), bound, shift);
}

/**
 * Nodes are functions of `run` (which evaluates a node once per inference); each op's weights are
 * made when the model is built, on the active backend.
 */
function graphBuilder(seed) {
  const values = seededValues(seed);
  const weights = [];
  const make = (shape, bound, shift = 0) => {
    const t = tf.tensor(values(shape, bound, shift), shape);
    weights.push(t);
    return t;
  };
  const node = (channels, f) => Object.assign(f, {channels});
  const fusedAct = (kind) => (kind === 'relu' || kind === 'relu6' || kind === 'sigmoid' ? kind : 'linear');
  // hard-swish as tfjs-converter leaves it: x * relu6(x + 3) / 6.
  const hardSwish = (y) => tf.mul(y, tf.div(tf.relu6(tf.add(y, 3)), 6));
  const finish = (y, kind) => (kind === 'hswish' ? hardSwish(y) : kind === 'softmax' ? tf.softmax(y) : y);
  const b = {
    input: (shape) => node(shape[shape.length - 1], () => b.inputTensor),
    channels: (x) => x.channels,
    conv: (x, {filters, kernel, stride = 1, dilation = 1, act = 'linear'}) => {
      const filter = make([kernel, kernel, x.channels, filters], heBound(kernel * kernel * x.channels));
      const bias = make([filters], 0.1);
      return node(filters, (run) => finish(tf.fused.conv2d({x: run(x), filter, strides: stride, pad: 'same', dilations: dilation,
        bias, activation: fusedAct(act)}), act));
    },
    dw: (x, {kernel, stride = 1, act}) => {
      const filter = make([kernel, kernel, x.channels, 1], heBound(kernel * kernel));
      const bias = make([x.channels], 0.1);
      return node(x.channels, (run) => finish(tf.fused.depthwiseConv2d({x: run(x), filter, strides: stride, pad: 'same', bias,
        activation: fusedAct(act)}), act));
    },
    act: (x, kind) => node(x.channels, (run) => {
      const y = run(x);
      return kind === 'relu' ? tf.relu(y) : kind === 'relu6' ? tf.relu6(y) : kind === 'sigmoid' ? tf.sigmoid(y) : finish(y, kind);
    }),
    add: (p, q) => node(p.channels, (run) => tf.add(run(p), run(q))),
    mul: (p, q) => node(p.channels, (run) => tf.mul(run(p), run(q))),
    concat: (list) => node(list.reduce((s, x) => s + x.channels, 0), (run) => tf.concat(list.map(run), 3)),
    gap: (x, {keepDims = false} = {}) => node(x.channels, (run) => tf.mean(run(x), [1, 2], keepDims)),
    maxPool: (x, {size, stride}) => node(x.channels, (run) => tf.maxPool(run(x), size, stride, 'same')),
    upsample: (x, {factor, bilinear}) => node(x.channels, (run) => {
      const y = run(x);
      const size = [y.shape[1] * factor, y.shape[2] * factor];
      return bilinear ? tf.image.resizeBilinear(y, size) : tf.image.resizeNearestNeighbor(y, size);
    }),
    dense: (x, {units, act}) => {
      const w = make([x.channels, units], heBound(x.channels));
      const bias = make([units], 0.1);
      return node(units, (run) => finish(tf.fused.matMul({a: run(x), b: w, bias, activation: fusedAct(act)}), act));
    },
    padChannels: (x, channels) => node(channels, (run) => tf.pad(run(x), [[0, 0], [0, 0], [0, 0], [0, channels - x.channels]])),
  };
  return {b, weights};
}

// ---- the .tflite realization ----

/** [kh, kw, in, out] (tfjs's HWIO) as TFLite's [out, kh, kw, in]. */
function ohwi(values, [kh, kw, ci, co]) {
  const out = new Float32Array(values.length);
  for (let t = 0; t < kh * kw; t++) {
    for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) out[(o * kh * kw + t) * ci + i] = values[(t * ci + i) * co + o];
  }
  return out;
}

/** The graph realization's ops as TFLite operators; nodes are {t: tensor index, channels}. */
function tfliteBuilder(seed, g) {
  const values = seededValues(seed);
  const shapeOf = (x) => g.shape(x.t);
  const node = (t) => ({t, channels: g.shape(t)[g.shape(t).length - 1]});
  const same = (size, stride) => Math.ceil(size / stride);
  const unary = (code, x) => node(g.op(code, [x.t], shapeOf(x)));
  const fused = (kind) => (kind === 'relu' ? ACT_RELU : kind === 'relu6' ? ACT_RELU6 : ACT_NONE);
  const finish = (x, kind) => (kind === 'hswish' ? unary(OP.HARD_SWISH, x) : kind === 'sigmoid' ? unary(OP.LOGISTIC, x) :
    kind === 'softmax' ? node(g.op(OP.SOFTMAX, [x.t], shapeOf(x), [OPTIONS.SoftmaxOptions, [['float32', 1]]])) : x);
  const b = {
    input: (shape) => node(g.tensor([1, ...shape])),
    channels: (x) => x.channels,
    conv: (x, {filters, kernel, stride = 1, dilation = 1, act = 'linear'}) => {
      const hwio = [kernel, kernel, x.channels, filters];
      const filter = g.tensor([filters, kernel, kernel, x.channels], ohwi(values(hwio, heBound(kernel * kernel * x.channels)), hwio));
      const bias = g.tensor([filters], values([filters], 0.1));
      const [n, h, w] = shapeOf(x);
      return finish(node(g.op(OP.CONV_2D, [x.t, filter, bias], [n, same(h, stride), same(w, stride), filters],
          [OPTIONS.Conv2DOptions, [['int8', PADDING_SAME], ['int32', stride], ['int32', stride], ['int8', fused(act)],
            ['int32', dilation], ['int32', dilation]]])), act);
    },
    dw: (x, {kernel, stride = 1, act}) => {
      // tfjs's [kh, kw, C, 1] is TFLite's [1, kh, kw, C] as it lies.
      const filter = g.tensor([1, kernel, kernel, x.channels], values([kernel, kernel, x.channels, 1], heBound(kernel * kernel)));
      const bias = g.tensor([x.channels], values([x.channels], 0.1));
      const [n, h, w, c] = shapeOf(x);
      return finish(node(g.op(OP.DEPTHWISE_CONV_2D, [x.t, filter, bias], [n, same(h, stride), same(w, stride), c],
          [OPTIONS.DepthwiseConv2DOptions, [['int8', PADDING_SAME], ['int32', stride], ['int32', stride], ['int32', 1],
            ['int8', fused(act)], ['int32', 1], ['int32', 1]]])), act);
    },
    act: (x, kind) => (kind === 'relu' ? unary(OP.RELU, x) : kind === 'relu6' ? unary(OP.RELU6, x) : finish(x, kind)),
    add: (p, q) => node(g.op(OP.ADD, [p.t, q.t], shapeOf(p), [OPTIONS.AddOptions, [['int8', ACT_NONE]]])),
    mul: (p, q) => node(g.op(OP.MUL, [p.t, q.t], shapeOf(p), [OPTIONS.MulOptions, [['int8', ACT_NONE]]])),
    concat: (list) => {
      const [n, h, w] = shapeOf(list[0]);
      return node(g.op(OP.CONCATENATION, list.map((x) => x.t), [n, h, w, list.reduce((s, x) => s + x.channels, 0)],
          [OPTIONS.ConcatenationOptions, [['int32', 3], ['int8', ACT_NONE]]]));
    },
    gap: (x, {keepDims = false} = {}) => {
      const [n, , , c] = shapeOf(x);
      return node(g.op(OP.MEAN, [x.t, g.ints([1, 2])], keepDims ? [n, 1, 1, c] : [n, c], [OPTIONS.ReducerOptions,
        [['bool', keepDims]]]));
    },
    maxPool: (x, {size, stride}) => {
      const [n, h, w, c] = shapeOf(x);
      return node(g.op(OP.MAX_POOL_2D, [x.t], [n, same(h, stride), same(w, stride), c], [OPTIONS.Pool2DOptions,
        [['int8', PADDING_SAME], ['int32', stride], ['int32', stride], ['int32', size], ['int32', size], ['int8', ACT_NONE]]]));
    },
    upsample: (x, {factor, bilinear}) => {
      const [n, h, w, c] = shapeOf(x);
      const size = g.ints([h * factor, w * factor]);
      return node(bilinear ?
        g.op(OP.RESIZE_BILINEAR, [x.t, size], [n, h * factor, w * factor, c], [OPTIONS.ResizeBilinearOptions,
          [['int32', 0], ['int32', 0], ['bool', false], ['bool', false]]]) :
        g.op(OP.RESIZE_NEAREST_NEIGHBOR, [x.t, size], [n, h * factor, w * factor, c], [OPTIONS.ResizeNearestNeighborOptions,
          [['bool', false], ['bool', false]]]));
    },
    dense: (x, {units, act}) => {
      // tfjs's [in, units] as TFLite's [units, in].
      const w = values([x.channels, units], heBound(x.channels));
      const weights = new Float32Array(w.length);
      for (let i = 0; i < x.channels; i++) for (let u = 0; u < units; u++) weights[u * x.channels + i] = w[i * units + u];
      const filter = g.tensor([units, x.channels], weights);
      const bias = g.tensor([units], values([units], 0.1));
      return finish(node(g.op(OP.FULLY_CONNECTED, [x.t, filter, bias], [shapeOf(x)[0], units], [OPTIONS.FullyConnectedOptions,
        [['int8', fused(act)], ['int8', 0], ['bool', false], ['bool', false]]])), act);
    },
    padChannels: (x, channels) => {
      const [n, h, w, c] = shapeOf(x);
      return node(g.op(OP.PAD, [x.t, g.ints([0, 0, 0, 0, 0, 0, 0, channels - c], [4, 2])], [n, h, w, channels],
          [OPTIONS.PadOptions, []]));
    },
  };
  return b;
}

// ---- the families ----

/** MobileNetV2/V3 and EfficientNet's block: 1x1 expansion, depthwise, optional squeeze-excite, 1x1 projection. */
function invertedResidual(b, x, {expand, out, kernel = 3, stride = 1, act, se = false}) {
  const inC = b.channels(x);
  let h = expand !== inC ? b.conv(x, {filters: expand, kernel: 1, act}) : x;
  h = b.dw(h, {kernel, stride, act});
  if (se) {
    const squeezed = b.conv(b.gap(h, {keepDims: true}), {filters: Math.max(8, expand >> 2), kernel: 1, act: 'relu', batchNorm: false});
    h = b.mul(h, b.conv(squeezed, {filters: expand, kernel: 1, act: 'sigmoid', batchNorm: false}));
  }
  h = b.conv(h, {filters: out, kernel: 1});
  return stride === 1 && inC === out ? b.add(x, h) : h;
}

function classifierHead(b, x, {channels, hidden, act}) {
  let y = b.gap(b.conv(x, {filters: channels, kernel: 1, act}));
  if (hidden) y = b.dense(y, {units: hidden, act});
  return b.dense(y, {units: 1000, act: 'softmax'});
}

function mobilenetV2(b, size = 224) {
  let x = b.conv(b.input([size, size, 3]), {filters: 32, kernel: 3, stride: 2, act: 'relu6'});
  for (const [t, c, n, s] of [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]) {
    for (let i = 0; i < n; i++) x = invertedResidual(b, x, {expand: b.channels(x) * t, out: c, stride: i ? 1 : s, act: 'relu6'});
  }
  return classifierHead(b, x, {channels: 1280, act: 'relu6'});
}

// [kernel, expansion, out, squeeze-excite, activation, stride]
const V3_SMALL = [[3, 16, 16, 1, 'relu', 2], [3, 72, 24, 0, 'relu', 2], [3, 88, 24, 0, 'relu', 1], [5, 96, 40, 1, 'hswish', 2],
  [5, 240, 40, 1, 'hswish', 1], [5, 240, 40, 1, 'hswish', 1], [5, 120, 48, 1, 'hswish', 1], [5, 144, 48, 1, 'hswish', 1],
  [5, 288, 96, 1, 'hswish', 2], [5, 576, 96, 1, 'hswish', 1], [5, 576, 96, 1, 'hswish', 1]];
const V3_LARGE = [[3, 16, 16, 0, 'relu', 1], [3, 64, 24, 0, 'relu', 2], [3, 72, 24, 0, 'relu', 1], [5, 72, 40, 1, 'relu', 2],
  [5, 120, 40, 1, 'relu', 1], [5, 120, 40, 1, 'relu', 1], [3, 240, 80, 0, 'hswish', 2], [3, 200, 80, 0, 'hswish', 1],
  [3, 184, 80, 0, 'hswish', 1], [3, 184, 80, 0, 'hswish', 1], [3, 480, 112, 1, 'hswish', 1], [3, 672, 112, 1, 'hswish', 1],
  [5, 672, 160, 1, 'hswish', 2], [5, 960, 160, 1, 'hswish', 1], [5, 960, 160, 1, 'hswish', 1]];

function mobilenetV3(b, blocks, {head, hidden}, x = b.input([224, 224, 3])) {
  x = b.conv(x, {filters: 16, kernel: 3, stride: 2, act: 'hswish'});
  for (const [kernel, expand, out, se, act, stride] of blocks) x = invertedResidual(b, x, {expand, out, kernel, stride, act, se: se === 1});
  return classifierHead(b, x, {channels: head, hidden, act: 'hswish'});
}

function efficientNetLite0(b) {
  let x = b.conv(b.input([224, 224, 3]), {filters: 32, kernel: 3, stride: 2, act: 'relu6'});
  for (const [kernel, t, c, n, s] of [[3, 1, 16, 1, 1], [3, 6, 24, 2, 2], [5, 6, 40, 2, 2], [3, 6, 80, 3, 2], [5, 6, 112, 3, 1],
    [5, 6, 192, 4, 2], [3, 6, 320, 1, 1]]) {
    for (let i = 0; i < n; i++) x = invertedResidual(b, x, {expand: b.channels(x) * t, out: c, kernel, stride: i ? 1 : s, act: 'relu6'});
  }
  return classifierHead(b, x, {channels: 1280, act: 'relu6'});
}

/** BlazeFace's block: 5x5 depthwise (stride 1 or 2), 1x1 projection, a shortcut max-pooled and channel-padded. */
function blazeBlock(b, x, out, stride = 1) {
  let h = b.conv(b.dw(x, {kernel: 5, stride, act: 'linear'}), {filters: out, kernel: 1});
  let shortcut = stride === 2 ? b.maxPool(x, {size: 2, stride: 2}) : x;
  if (b.channels(shortcut) !== out) shortcut = b.padChannels(shortcut, out);
  return b.act(b.add(h, shortcut), 'relu');
}

function blazeFace(b) {
  let x = b.conv(b.input([128, 128, 3]), {filters: 24, kernel: 5, stride: 2, act: 'relu'});
  for (const [out, stride] of [[24, 1], [28, 1], [32, 2], [36, 1], [42, 1], [48, 2], [56, 1], [64, 1], [72, 1], [80, 1], [88, 1]]) {
    x = blazeBlock(b, x, out, stride);
  }
  const at16 = x;
  for (const [out, stride] of [[96, 2], [96, 1], [96, 1], [96, 1], [96, 1]]) x = blazeBlock(b, x, out, stride);
  // Two anchors per cell at 16x16, six at 8x8: scores and 16 box/keypoint coordinates each.
  return [b.conv(at16, {filters: 2, kernel: 1, batchNorm: false}), b.conv(at16, {filters: 32, kernel: 1, batchNorm: false}),
    b.conv(x, {filters: 6, kernel: 1, batchNorm: false}), b.conv(x, {filters: 96, kernel: 1, batchNorm: false})];
}

function resnet18(b) {
  let x = b.conv(b.input([224, 224, 3]), {filters: 64, kernel: 7, stride: 2, act: 'relu'});
  x = b.maxPool(x, {size: 3, stride: 2});
  for (const [c, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    for (let i = 0; i < 2; i++) {
      const s = i ? 1 : stride;
      const h = b.conv(b.conv(x, {filters: c, kernel: 3, stride: s, act: 'relu'}), {filters: c, kernel: 3});
      const shortcut = s !== 1 || b.channels(x) !== c ? b.conv(x, {filters: c, kernel: 1, stride: s}) : x;
      x = b.act(b.add(h, shortcut), 'relu');
    }
  }
  return b.dense(b.gap(x), {units: 1000, act: 'softmax'});
}

/** A MobileNetV2 backbone to output stride 16, an atrous pyramid (dilations 2 and 4, image pooling), 21 classes. */
function deeplab(b) {
  let x = b.conv(b.input([224, 224, 3]), {filters: 32, kernel: 3, stride: 2, act: 'relu6'});
  for (const [t, c, n, s] of [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1]]) {
    for (let i = 0; i < n; i++) x = invertedResidual(b, x, {expand: b.channels(x) * t, out: c, stride: i ? 1 : s, act: 'relu6'});
  }
  const pooled = b.upsample(b.conv(b.gap(x, {keepDims: true}), {filters: 128, kernel: 1, act: 'relu'}), {factor: 14});
  const branches = [b.conv(x, {filters: 128, kernel: 1, act: 'relu'}), b.conv(x, {filters: 128, kernel: 3, dilation: 2, act: 'relu'}),
    b.conv(x, {filters: 128, kernel: 3, dilation: 4, act: 'relu'}), pooled];
  const y = b.conv(b.conv(b.concat(branches), {filters: 128, kernel: 1, act: 'relu'}), {filters: 21, kernel: 1});
  return b.upsample(y, {factor: 16, bilinear: true});
}

/** A selfie-segmentation-like net: a MobileNetV3-small encoder, a decoder of upsampling and skip additions. */
function selfieSegmentation(b) {
  const stem = b.conv(b.input([256, 256, 3]), {filters: 16, kernel: 3, stride: 2, act: 'hswish'}); // 128
  const s64 = invertedResidual(b, stem, {expand: 16, out: 16, stride: 2, act: 'relu', se: true});
  let s32 = invertedResidual(b, s64, {expand: 72, out: 24, stride: 2, act: 'relu'});
  s32 = invertedResidual(b, s32, {expand: 88, out: 24, act: 'relu'});
  let x = invertedResidual(b, s32, {expand: 96, out: 40, kernel: 5, stride: 2, act: 'hswish', se: true}); // 16
  x = invertedResidual(b, x, {expand: 240, out: 40, kernel: 5, act: 'hswish', se: true});
  for (const [skip, c] of [[s32, 24], [s64, 16], [stem, 16]]) {
    x = b.add(b.conv(b.upsample(x, {factor: 2, bilinear: true}), {filters: c, kernel: 1, act: 'relu'}), skip);
  }
  return b.upsample(b.act(b.conv(x, {filters: 1, kernel: 3, batchNorm: false}), 'sigmoid'), {factor: 2, bilinear: true});
}

export const FAMILIES = {
  'MobileNetV2': {input: [1, 224, 224, 3], build: (b) => mobilenetV2(b)},
  'MobileNetV3-small': {input: [1, 224, 224, 3], build: (b) => mobilenetV3(b, V3_SMALL, {head: 576, hidden: 1024})},
  'MobileNetV3-large': {input: [1, 224, 224, 3], build: (b) => mobilenetV3(b, V3_LARGE, {head: 960, hidden: 1280})},
  'EfficientNet-lite0': {input: [1, 224, 224, 3], build: (b) => efficientNetLite0(b)},
  'BlazeFace-like': {input: [1, 128, 128, 3], build: (b) => blazeFace(b)},
  'ResNet-18': {input: [1, 224, 224, 3], build: (b) => resnet18(b)},
  'DeepLab-like (atrous)': {input: [1, 224, 224, 3], build: (b) => deeplab(b)},
  'Selfie-segmentation-like': {input: [1, 256, 256, 3], build: (b) => selfieSegmentation(b)},
};

/** The family as a tfjs-layers model on the active backend, seeded weights. Returns {predict, dispose}. */
export async function layersFamily(name, seed = 1) {
  const tfl = await import('@tensorflow/tfjs-layers');
  const b = layersBuilder(tfl);
  const {input, build} = FAMILIES[name];
  const inputNode = b.input(input.slice(1));
  // The builders' input() is called by the family; route it to the one symbolic input.
  const outputs = build({...b, input: () => inputNode});
  const model = tfl.model({inputs: inputNode, outputs});
  seedLayersWeights(model, seed);
  return {predict: (x) => model.predict(x), dispose: () => model.dispose()};
}

/** The family as fused ops (the converter's form), seeded weights on the active backend. */
export function graphFamily(name, seed = 1) {
  const {b, weights} = graphBuilder(seed);
  const outputs = [FAMILIES[name].build(b)].flat();
  const predict = (x) => tf.tidy(() => {
    b.inputTensor = x;
    const memo = new Map();
    const run = (n) => {
      if (!memo.has(n)) memo.set(n, n(run));
      return memo.get(n);
    };
    const ys = outputs.map(run);
    return ys.length === 1 ? ys[0] : ys;
  });
  return {predict, dispose: () => tf.dispose(weights)};
}

/** The family's graph realization as a .tflite (the same weights as graphFamily with the same seed). */
export function tfliteFamily(name, seed = 1) {
  const g = new TfliteGraph();
  const b = tfliteBuilder(seed, g);
  let input = null;
  const outputs = [FAMILIES[name].build({...b, input: (shape) => (input = b.input(shape))})].flat();
  return g.serialize([input.t], outputs.map((y) => y.t), `tfjs-backend-asc bench: ${name}`);
}
