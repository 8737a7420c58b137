// The seed's U-Net as a TFLite flatbuffer, built in JS with the flatbuffers builder from a UNet's
// state_dict, for LiteRT.js (@litertjs/core, XNNPACK on the CPU): what TensorFlow's converter makes
// of it: BatchNorm folded into each 3x3 CONV_2D with its ReLU fused, MAX_POOL_2D, TRANSPOSE_CONV with
// bias, RESIZE_BILINEAR (align_corners) where the size differs from the skip's, CONCATENATION. NHWC,
// float32; input [batch, height, width, inChannels], output [batch, height, width, outChannels].
// Field slots follow TFLite's schema.fbs (tensorflow/lite/schema/schema.fbs).
import * as flatbuffers from 'flatbuffers';

const BN_EPSILON = 1e-5;
const TENSOR_FLOAT32 = 0, TENSOR_INT32 = 2;
const PADDING_SAME = 0, PADDING_VALID = 1;
const ACT_NONE = 0, ACT_RELU = 1;
const OP = {CONCATENATION: 2, CONV_2D: 3, MAX_POOL_2D: 17, RESIZE_BILINEAR: 23, TRANSPOSE_CONV: 67};
const OPTIONS = {Conv2DOptions: 1, Pool2DOptions: 5, ConcatenationOptions: 10, ResizeBilinearOptions: 15,
  TransposeConvOptions: 49};

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
  const tensors = []; // {shape, type, buffer, name}
  const buffers = [null]; // buffer 0: the empty buffer every activation uses
  const operators = []; // {op, inputs, outputs, options: [type, fields]}
  const opcodes = [];
  const tensor = (shape, name, data = null, type = TENSOR_FLOAT32) => {
    let buffer = 0;
    if (data != null) {
      buffers.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      buffer = buffers.length - 1;
    }
    tensors.push({shape, type, buffer, name});
    return tensors.length - 1;
  };
  const op = (code, inputs, outShape, options) => {
    if (!opcodes.includes(code)) opcodes.push(code);
    const out = tensor(outShape, `t${tensors.length}`);
    operators.push({opcode: opcodes.indexOf(code), inputs, outputs: [out], options});
    return out;
  };
  const conv = (x, [h, w], {weights, shape, bias}, {kernel, relu}) => {
    const filter = tensor(shape, `w${tensors.length}`, weights);
    const b = tensor([shape[0]], `b${tensors.length}`, bias);
    return op(OP.CONV_2D, [x, filter, b], [batch, h, w, shape[0]], [OPTIONS.Conv2DOptions,
      [['int8', kernel === 1 ? PADDING_VALID : PADDING_SAME], ['int32', 1], ['int32', 1], ['int8', relu ? ACT_RELU : ACT_NONE], ['int32', 1], ['int32', 1]]]);
  };
  const doubleConv = (x, size, prefix) => {
    for (const [c, bn] of [[0, 1], [3, 4]]) x = conv(x, size, convWeights(state, `${prefix}.conv.${c}`, `${prefix}.conv.${bn}`), {kernel: 3, relu: true});
    return x;
  };

  let x = tensor([batch, height, width, inChannels], 'x');
  const input = x;
  let [h, w] = [height, width];
  const skips = [];
  features.forEach((f, i) => {
    x = doubleConv(x, [h, w], `downs.${i}`);
    skips.push([x, h, w]);
    [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
    x = op(OP.MAX_POOL_2D, [x], [batch, h, w, f], [OPTIONS.Pool2DOptions,
      [['int8', PADDING_VALID], ['int32', 2], ['int32', 2], ['int32', 2], ['int32', 2], ['int8', ACT_NONE]]]);
  });
  x = doubleConv(x, [h, w], 'bottleneck');
  [...features].reverse().forEach((f, i) => {
    const t = transposeWeights(state, `ups.${2 * i}`);
    [h, w] = [2 * h, 2 * w];
    const outputShape = tensor([4], `s${tensors.length}`, Int32Array.from([batch, h, w, f]), TENSOR_INT32);
    const filter = tensor(t.shape, `w${tensors.length}`, t.weights);
    const bias = tensor([f], `b${tensors.length}`, t.bias);
    x = op(OP.TRANSPOSE_CONV, [outputShape, filter, x, bias], [batch, h, w, f], [OPTIONS.TransposeConvOptions,
      [['int8', PADDING_VALID], ['int32', 2], ['int32', 2], ['int8', ACT_NONE]]]);
    const [skip, sh, sw] = skips[skips.length - 1 - i];
    if (h !== sh || w !== sw) {
      const size = tensor([2], `s${tensors.length}`, Int32Array.from([sh, sw]), TENSOR_INT32);
      x = op(OP.RESIZE_BILINEAR, [x, size], [batch, sh, sw, f], [OPTIONS.ResizeBilinearOptions,
        [['int32', 0], ['int32', 0], ['bool', true], ['bool', false]]]);
      [h, w] = [sh, sw];
    }
    x = op(OP.CONCATENATION, [skip, x], [batch, h, w, 2 * f], [OPTIONS.ConcatenationOptions, [['int32', 3], ['int8', ACT_NONE]]]);
    x = doubleConv(x, [h, w], `ups.${2 * i + 1}`);
  });
  const y = conv(x, [h, w], convWeights(state, 'final_conv'), {kernel: 1, relu: false});
  return serialize({tensors, buffers, operators, opcodes, inputs: [input], outputs: [y]});
}

/** The flatbuffer of one subgraph (Model, OperatorCode, SubGraph, Tensor, Operator, Buffer tables). */
function serialize({tensors, buffers, operators, opcodes, inputs, outputs}) {
  const b = new flatbuffers.Builder(1 << 20);
  const ints = (values) => {
    b.startVector(4, values.length, 4);
    for (let k = values.length - 1; k >= 0; k--) b.addInt32(values[k]);
    return b.endVector();
  };
  const offsets = (values) => {
    b.startVector(4, values.length, 4);
    for (let k = values.length - 1; k >= 0; k--) b.addOffset(values[k]);
    return b.endVector();
  };
  const table = (fields) => {
    b.startObject(fields.length);
    fields.forEach(([kind, value], slot) => {
      if (value == null) return;
      if (kind === 'offset') b.addFieldOffset(slot, value, 0);
      else if (kind === 'int32' || kind === 'uint32') b.addFieldInt32(slot, value, ~value); // never the default: always written
      else b.addFieldInt8(slot, Number(value), ~Number(value));
    });
    return b.endObject();
  };
  const bufferTables = buffers.map((data) => {
    if (data == null) return table([]);
    b.startVector(1, data.length, 16); // schema.fbs: (force_align: 16)
    for (let k = data.length - 1; k >= 0; k--) b.addInt8(data[k]);
    return table([['offset', b.endVector()]]);
  });
  const tensorTables = tensors.map(({shape, type, buffer, name}) => {
    const nameOffset = b.createString(name);
    const shapeOffset = ints(shape);
    return table([['offset', shapeOffset], ['int8', type], ['uint32', buffer], ['offset', nameOffset]]);
  });
  const operatorTables = operators.map(({opcode, inputs: ins, outputs: outs, options: [type, fields]}) => {
    const optionsTable = table(fields);
    const inOffset = ints(ins), outOffset = ints(outs);
    return table([['uint32', opcode], ['offset', inOffset], ['offset', outOffset], ['int8', type], ['offset', optionsTable]]);
  });
  const subgraph = (() => {
    const t = offsets(tensorTables), i = ints(inputs), o = ints(outputs), ops = offsets(operatorTables);
    const name = b.createString('main');
    return table([['offset', t], ['offset', i], ['offset', o], ['offset', ops], ['offset', name]]);
  })();
  const codes = opcodes.map((code) => table([['int8', Math.min(code, 127)], ['offset', null], ['int32', code === OP.TRANSPOSE_CONV ? 3 : 1], ['int32', code]]));
  const codesOffset = offsets(codes), subgraphs = offsets([subgraph]), buffersOffset = offsets(bufferTables);
  const description = b.createString('tfjs-backend-asc bench: the seed U-Net');
  const model = table([['uint32', 3], ['offset', codesOffset], ['offset', subgraphs], ['offset', description], ['offset', buffersOffset]]);
  b.finish(model, 'TFL3');
  return b.asUint8Array();
}
