// The seed's U-Net as an ONNX graph, built in JS with onnx-proto from a UNet's state_dict (PyTorch
// layouts are ONNX's layouts), for onnxruntime-web: Conv -> BatchNormalization -> Relu as PyTorch
// exports it (onnxruntime fuses them itself), MaxPool, ConvTranspose, Resize (linear, align_corners)
// where the size differs from the skip's, Concat. NCHW, input 'x', output 'y'.
import onnxProto from 'onnx-proto';

const {onnx} = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

export function buildOnnxUNet(model, [batch, height, width]) {
  const {inChannels, outChannels, features} = model.config;
  const state = model.stateDict();
  const nodes = [];
  const initializers = [];
  let counter = 0;
  const fresh = (prefix) => `${prefix}_${counter++}`;
  const weight = (key) => {
    const {shape, data} = state.get(key);
    initializers.push({name: key, dims: shape, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength)});
    return key;
  };
  const ints = (name, values) => ({name, type: onnx.AttributeProto.AttributeType.INTS, ints: values});
  const node = (opType, inputs, attributes = [], name = fresh(opType)) => {
    nodes.push({opType, input: inputs, output: [name], name, attribute: attributes});
    return name;
  };
  const doubleConv = (x, prefix) => {
    for (const [conv, bn] of [[0, 1], [3, 4]]) {
      x = node('Conv', [x, weight(`${prefix}.conv.${conv}.weight`), weight(`${prefix}.conv.${conv}.bias`)],
          [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])]);
      x = node('BatchNormalization', [x, ...['weight', 'bias', 'running_mean', 'running_var'].map((p) => weight(`${prefix}.conv.${bn}.${p}`))],
          [{name: 'epsilon', type: onnx.AttributeProto.AttributeType.FLOAT, f: 1e-5}]);
      x = node('Relu', [x]);
    }
    return x;
  };

  let x = 'x';
  let [h, w] = [height, width];
  const skips = [];
  features.forEach((_, i) => {
    x = doubleConv(x, `downs.${i}`);
    skips.push([x, h, w]);
    x = node('MaxPool', [x], [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]);
    [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
  });
  x = doubleConv(x, 'bottleneck');
  [...features].reverse().forEach((f, i) => {
    x = node('ConvTranspose', [x, weight(`ups.${2 * i}.weight`), weight(`ups.${2 * i}.bias`)],
        [ints('kernel_shape', [2, 2]), ints('strides', [2, 2])]);
    [h, w] = [2 * h, 2 * w];
    const [skip, sh, sw] = skips[skips.length - 1 - i];
    if (h !== sh || w !== sw) {
      const sizes = fresh('sizes');
      initializers.push({name: sizes, dims: [4], dataType: INT64, int64Data: [batch, f, sh, sw]});
      x = node('Resize', [x, '', '', sizes], [
        {name: 'mode', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('linear')},
        {name: 'coordinate_transformation_mode', type: onnx.AttributeProto.AttributeType.STRING,
          s: new TextEncoder().encode('align_corners')}]);
      [h, w] = [sh, sw];
    }
    x = node('Concat', [skip, x], [{name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1}]);
    x = doubleConv(x, `ups.${2 * i + 1}`);
  });
  node('Conv', [x, weight('final_conv.weight'), weight('final_conv.bias')], [ints('kernel_shape', [1, 1])], 'y');

  const valueInfo = (name, dims) => ({name, type: {tensorType: {elemType: FLOAT, shape: {dim: dims.map((d) => ({dimValue: d}))}}}});
  const modelProto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'tfjs-backend-asc bench',
    opsetImport: [{domain: '', version: 17}],
    graph: {
      name: 'unet', node: nodes, initializer: initializers,
      input: [valueInfo('x', [batch, inChannels, height, width])],
      output: [valueInfo('y', [batch, outChannels, height, width])],
    },
  });
  return onnx.ModelProto.encode(modelProto).finish();
}
