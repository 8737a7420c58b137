// A TFLite flatbuffer written in JS with the flatbuffers builder, for LiteRT.js (@litertjs/core):
// one subgraph of float32 tensors (weights in buffers) and builtin operators, as TensorFlow's
// converter would write them. Field slots and enum values follow TFLite's schema.fbs
// (tensorflow/lite/schema/schema.fbs). Used by bench/tflite_unet.mjs and bench/model_families.mjs.
import * as flatbuffers from 'flatbuffers';

export const TENSOR_FLOAT32 = 0, TENSOR_INT32 = 2;
export const PADDING_SAME = 0, PADDING_VALID = 1;
export const ACT_NONE = 0, ACT_RELU = 1, ACT_RELU6 = 3;
/** BuiltinOperator codes. */
export const OP = {
  ADD: 0, CONCATENATION: 2, CONV_2D: 3, DEPTHWISE_CONV_2D: 4, FULLY_CONNECTED: 9, LOGISTIC: 14, MAX_POOL_2D: 17,
  MUL: 18, RELU: 19, RELU6: 21, RESIZE_BILINEAR: 23, SOFTMAX: 25, PAD: 34, MEAN: 40, TRANSPOSE_CONV: 67,
  RESIZE_NEAREST_NEIGHBOR: 97, HARD_SWISH: 117,
};
/** BuiltinOptions union members. */
export const OPTIONS = {
  Conv2DOptions: 1, DepthwiseConv2DOptions: 2, Pool2DOptions: 5, FullyConnectedOptions: 8, SoftmaxOptions: 9,
  ConcatenationOptions: 10, AddOptions: 11, ResizeBilinearOptions: 15, MulOptions: 21, PadOptions: 22,
  ReducerOptions: 27, TransposeConvOptions: 49, ResizeNearestNeighborOptions: 74, HardSwishOptions: 91,
};
/** Operator versions where 1 does not hold the options used (TRANSPOSE_CONV's bias input needs 3). */
const OP_VERSION = {[OP.TRANSPOSE_CONV]: 3};

/**
 * One subgraph being built: `tensor` adds a tensor (weights when `data` is given), `op` an operator
 * whose output it creates; `serialize` writes the model. Options are [union member, fields], the
 * fields in their schema order as [kind, value] with kind 'int8', 'bool', 'int32' or 'float32', or
 * none for an operator without.
 */
export class TfliteGraph {
  tensors = []; // {shape, type, buffer, name}
  buffers = [null]; // buffer 0: the empty buffer every activation uses
  operators = []; // {opcode, inputs, outputs, options}
  opcodes = [];

  tensor(shape, data = null, type = TENSOR_FLOAT32) {
    let buffer = 0;
    if (data != null) {
      this.buffers.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      buffer = this.buffers.length - 1;
    }
    this.tensors.push({shape, type, buffer, name: `t${this.tensors.length}`});
    return this.tensors.length - 1;
  }

  /** An int32 constant (a shape, axes, paddings). */
  ints(values, shape = [values.length]) {
    return this.tensor(shape, Int32Array.from(values), TENSOR_INT32);
  }

  op(code, inputs, outShape, options) {
    if (!this.opcodes.includes(code)) this.opcodes.push(code);
    const out = this.tensor(outShape);
    this.operators.push({opcode: this.opcodes.indexOf(code), inputs, outputs: [out], options});
    return out;
  }

  shape(t) {
    return this.tensors[t].shape;
  }

  /** The flatbuffer (Model, OperatorCode, SubGraph, Tensor, Operator, Buffer tables). */
  serialize(inputs, outputs, description) {
    const {tensors, buffers, operators, opcodes} = this;
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
        // A default is never passed, so every field is written.
        if (kind === 'offset') b.addFieldOffset(slot, value, 0);
        else if (kind === 'int32' || kind === 'uint32') b.addFieldInt32(slot, value, ~value);
        else if (kind === 'float32') b.addFieldFloat32(slot, value, value + 1);
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
    const operatorTables = operators.map(({opcode, inputs: ins, outputs: outs, options}) => {
      const optionsTable = options ? table(options[1]) : null;
      const inOffset = ints(ins), outOffset = ints(outs);
      return table([['uint32', opcode], ['offset', inOffset], ['offset', outOffset], ['int8', options?.[0]],
        ['offset', optionsTable]]);
    });
    const subgraph = (() => {
      const t = offsets(tensorTables), i = ints(inputs), o = ints(outputs), ops = offsets(operatorTables);
      const name = b.createString('main');
      return table([['offset', t], ['offset', i], ['offset', o], ['offset', ops], ['offset', name]]);
    })();
    // deprecated_builtin_code holds codes below 127 (PLACEHOLDER_FOR_GREATER_OP_CODES above), builtin_code all.
    const codes = opcodes.map((code) => table([['int8', Math.min(code, 127)], ['offset', null], ['int32', OP_VERSION[code] ?? 1],
      ['int32', code]]));
    const codesOffset = offsets(codes), subgraphs = offsets([subgraph]), buffersOffset = offsets(bufferTables);
    const descriptionOffset = b.createString(description);
    const model = table([['uint32', 3], ['offset', codesOffset], ['offset', subgraphs], ['offset', descriptionOffset],
      ['offset', buffersOffset]]);
    b.finish(model, 'TFL3');
    return b.asUint8Array();
  }
}
