// The seed's U-Net as a TFLite flatbuffer, built in JS with the flatbuffers builder from a UNet's
// state_dict, for LiteRT.js (@litertjs/core, XNNPACK on the CPU): what TensorFlow's converter makes
// of it: BatchNorm folded into each 3x3 CONV_2D with its ReLU fused, MAX_POOL_2D, TRANSPOSE_CONV with
// bias, RESIZE_BILINEAR (align_corners) where the size differs from the skip's, CONCATENATION. NHWC,
// float32; input [batch, height, width, inChannels], output [batch, height, width, outChannels].
import {ACT_NONE, ACT_RELU, OP, OPTIONS, PADDING_SAME, PADDING_VALID, TfliteGraph} from './tflite_writer.mjs';

const BN_EPSILON = 1e-5;

/** PyTorch's [O, I, kh, kw] (BatchNorm folded in when given) as TFLite's [O, kh, kw, I], and the bias. */
function convWeights(state, prefix, bnPrefix) {
  const {shape: [o, i, kh, kw], data} = state.get(`${prefix}.weight`);
  const bias = Float32Array.from(state.get(`${prefix}.bias`).data);
  const scale = new Float32Array(o).fill(1);
  if (bnPrefix) {
    const [gamma, beta, mean, variance] = ['weight', 'bias', 'running_mean', 'running_var'].map((p) => state.get(`${bnPrefix}.${p}`).data);
    for (let c = 0; c < o; c++) {
      scale[c] = gamma[c] / Math.sqrt(variance[c] + BN_EPSILON);
      bias[c] = (bias[c] - mean[c]) * scale[c] + beta[c];
    }
  }
  const weights = new Float32Array(o * kh * kw * i);
  for (let a = 0; a < o; a++) {
    for (let b = 0; b < i; b++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) weights[((a * kh + y) * kw + x) * i + b] = data[((a * i + b) * kh + y) * kw + x] * scale[a];
      }
    }
  }
  return {weights, shape: [o, kh, kw, i], bias};
}

/** PyTorch ConvTranspose2d's [I, O, kh, kw] as TRANSPOSE_CONV's [O, kh, kw, I] (no flip: both scatter alike). */
function transposeWeights(state, prefix) {
  const {shape: [i, o, kh, kw], data} = state.get(`${prefix}.weight`);
  const weights = new Float32Array(o * kh * kw * i);
  for (let b = 0; b < i; b++) {
    for (let a = 0; a < o; a++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) weights[((a * kh + y) * kw + x) * i + b] = data[((b * o + a) * kh + y) * kw + x];
      }
    }
  }
  return {weights, shape: [o, kh, kw, i], bias: Float32Array.from(state.get(`${prefix}.bias`).data)};
}

export function buildTfliteUNet(model, [batch, height, width]) {
  const {inChannels, outChannels, features} = model.config;
  const state = model.stateDict();
  const g = new TfliteGraph();
  const conv = (x, [h, w], {weights, shape, bias}, {kernel, relu}) => {
    const filter = g.tensor(shape, weights);
    const b = g.tensor([shape[0]], bias);
    return g.op(OP.CONV_2D, [x, filter, b], [batch, h, w, shape[0]], [OPTIONS.Conv2DOptions,
      [['int8', kernel === 1 ? PADDING_VALID : PADDING_SAME], ['int32', 1], ['int32', 1], ['int8', relu ? ACT_RELU : ACT_NONE], ['int32', 1], ['int32', 1]]]);
  };
  const doubleConv = (x, size, prefix) => {
    for (const [c, bn] of [[0, 1], [3, 4]]) x = conv(x, size, convWeights(state, `${prefix}.conv.${c}`, `${prefix}.conv.${bn}`), {kernel: 3, relu: true});
    return x;
  };

  let x = g.tensor([batch, height, width, inChannels]);
  const input = x;
  let [h, w] = [height, width];
  const skips = [];
  features.forEach((f, i) => {
    x = doubleConv(x, [h, w], `downs.${i}`);
    skips.push([x, h, w]);
    [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
    x = g.op(OP.MAX_POOL_2D, [x], [batch, h, w, f], [OPTIONS.Pool2DOptions,
      [['int8', PADDING_VALID], ['int32', 2], ['int32', 2], ['int32', 2], ['int32', 2], ['int8', ACT_NONE]]]);
  });
  x = doubleConv(x, [h, w], 'bottleneck');
  [...features].reverse().forEach((f, i) => {
    const t = transposeWeights(state, `ups.${2 * i}`);
    [h, w] = [2 * h, 2 * w];
    const outputShape = g.ints([batch, h, w, f]);
    const filter = g.tensor(t.shape, t.weights);
    const bias = g.tensor([f], t.bias);
    x = g.op(OP.TRANSPOSE_CONV, [outputShape, filter, x, bias], [batch, h, w, f], [OPTIONS.TransposeConvOptions,
      [['int8', PADDING_VALID], ['int32', 2], ['int32', 2], ['int8', ACT_NONE]]]);
    const [skip, sh, sw] = skips[skips.length - 1 - i];
    if (h !== sh || w !== sw) {
      x = g.op(OP.RESIZE_BILINEAR, [x, g.ints([sh, sw])], [batch, sh, sw, f], [OPTIONS.ResizeBilinearOptions,
        [['int32', 0], ['int32', 0], ['bool', true], ['bool', false]]]);
      [h, w] = [sh, sw];
    }
    x = g.op(OP.CONCATENATION, [skip, x], [batch, h, w, 2 * f], [OPTIONS.ConcatenationOptions, [['int32', 3], ['int8', ACT_NONE]]]);
    x = doubleConv(x, [h, w], `ups.${2 * i + 1}`);
  });
  const y = conv(x, [h, w], convWeights(state, 'final_conv'), {kernel: 1, relu: false});
  return g.serialize([input], [y], 'tfjs-backend-asc bench: the seed U-Net');
}
