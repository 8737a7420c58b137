// What the benchmark measures: the seed U-Net's hot kernels at its level shapes (features 64..512,
// input 256x256) and the whole model. Each kernel case has its FLOPs or the bytes it must move.
const F = 4; // bytes per float32

export function kernelCases(quick) {
  const cases = [];
  const conv = [[256, 3, 64], [256, 64, 64], [128, 128, 128], [64, 256, 256], [32, 512, 512], [16, 512, 1024]];
  for (const [s, ci, co] of quick ? conv.slice(2, 4) : conv) {
    cases.push({group: 'compute', kernel: 'Conv2D', label: `Conv2D 3x3 ${s}²×${ci}→${co}`,
      inputs: {x: [1, s, s, ci], filter: [3, 3, ci, co]}, attrs: {strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1},
      flops: 2 * s * s * ci * co * 9});
  }
  // The decoder's ConvTranspose2d(2f, f, 2, stride 2): dy is s x s x 2f, dx is 2s x 2s x f.
  const up = [[16, 1024, 512], [32, 512, 256], [64, 256, 128], [128, 128, 64]];
  for (const [s, ci, co] of quick ? up.slice(2, 3) : up) {
    cases.push({group: 'compute', kernel: 'Conv2DBackpropInput', label: `conv2dTranspose 2x2 s2 ${s}²×${ci}→${co}`,
      inputs: {dy: [1, s, s, ci], filter: [2, 2, co, ci]},
      attrs: {strides: 2, pad: 'valid', dataFormat: 'NHWC', inputShape: [1, 2 * s, 2 * s, co]}, flops: 2 * s * s * ci * co * 4});
  }
  const pool = [[256, 64], [128, 128], [64, 256], [32, 512]];
  for (const [s, c] of quick ? pool.slice(1, 2) : pool) {
    cases.push({group: 'memory', kernel: 'MaxPool', label: `MaxPool 2x2 ${s}²×${c}`, inputs: {x: [1, s, s, c]},
      attrs: {filterSize: 2, strides: 2, pad: 'valid'}, bytes: F * s * s * c * (1 + 1 / 4)});
  }
  for (const [s, c] of quick ? [[64, 128]] : [[64, 128], [128, 64]]) {
    cases.push({group: 'memory', kernel: 'ResizeBilinear', label: `ResizeBilinear ${s}²→${s + 1}²×${c}`,
      inputs: {images: [1, s, s, c]}, attrs: {alignCorners: true, halfPixelCenters: false, size: [s + 1, s + 1]},
      bytes: F * c * (s * s + (s + 1) * (s + 1))});
  }
  for (const [s, c] of quick ? [[128, 64]] : [[256, 64], [128, 128], [64, 256], [32, 512]]) {
    cases.push({group: 'memory', kernel: 'Concat', label: `Concat skip+up ${s}²×${c}+${c}`,
      inputs: [[1, s, s, c], [1, s, s, c]], attrs: {axis: 3}, bytes: F * s * s * c * 4});
  }
  cases.push({group: 'memory', kernel: 'FusedBatchNorm', label: 'FusedBatchNorm 128²×128',
    inputs: {x: [1, 128, 128, 128], mean: [128], variance: [128], offset: [128], scale: [128]}, attrs: {varianceEpsilon: 1e-5},
    positive: ['variance'], bytes: F * 128 * 128 * 128 * 2});
  cases.push({group: 'memory', kernel: 'Add', label: 'Add 128²×128 + 128²×128', inputs: {a: [1, 128, 128, 128], b: [1, 128, 128, 128]},
    attrs: {}, bytes: F * 128 * 128 * 128 * 3});
  cases.push({group: 'memory', kernel: 'Relu', label: 'Relu 128²×128', inputs: {x: [1, 128, 128, 128]}, attrs: {},
    bytes: F * 128 * 128 * 128 * 2});
  return cases;
}

export function unetCases(quick) {
  const cases = [
    {label: 'U-Net [16..128] 256²', features: [16, 32, 64, 128], size: 256},
    {label: 'U-Net [64..512] 128²', features: [64, 128, 256, 512], size: 128},
  ];
  if (!quick) cases.push({label: 'U-Net [64..512] 256²', features: [64, 128, 256, 512], size: 256});
  return cases;
}

/** FLOPs of the seed U-Net (multiply-adds of its convolutions x 2) for an input of size x size x 3. */
export function unetFlops(features, size, inChannels = 3, outChannels = 1) {
  let flops = 0;
  let s = size;
  let cin = inChannels;
  const doubleConv = (hw, a, b) => 2 * hw * 9 * (a * b + b * b);
  for (const f of features) {
    flops += doubleConv(s * s, cin, f);
    cin = f;
    s = Math.floor(s / 2);
  }
  const last = features[features.length - 1];
  flops += doubleConv(s * s, last, 2 * last);
  for (const f of [...features].reverse()) {
    flops += 2 * s * s * 2 * f * f * 4; // ConvTranspose2d(2f, f, 2, 2)
    s *= 2;
    flops += doubleConv(s * s, 2 * f, f);
  }
  return flops + 2 * size * size * features[0] * outChannels;
}
