// What the benchmark measures: the seed U-Net's hot kernels at its level shapes (features 64..512,
// input 256x256) and the whole model. Each kernel case has its FLOPs or the bytes it must move.
export {unetFlops} from '../dist/unet.js';

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


/**
 * What a training step of the U-Net [16, 32, 64, 128] on batches of 8 images of 64x64 spends its time
 * in (tf.profile): the convolution gradients at each level, max-pool's and resize's gradients, and the
 * kernels that tfjs-core's BatchNorm, concat and Adam gradients run (per-channel sums and means, channel
 * splits, tiles, division, square root, ReLU's Step).
 */
export function trainingCases() {
  const cases = [];
  const N = 8;
  const levels = [[64, 16, 16], [32, 32, 32], [16, 64, 64], [8, 128, 128]];
  for (const [s, ci, co] of levels) {
    const flops = 2 * N * s * s * ci * co * 9;
    cases.push({group: 'compute', kernel: 'Conv2DBackpropFilter', label: `Conv2DBackpropFilter 3x3 ${N}×${s}²×${ci}→${co}`,
      inputs: {x: [N, s, s, ci], dy: [N, s, s, co]},
      attrs: {strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [3, 3, ci, co]}, flops});
    cases.push({group: 'compute', kernel: 'Conv2DBackpropInput', label: `Conv2DBackpropInput 3x3 ${N}×${s}²×${co}→${ci}`,
      inputs: {dy: [N, s, s, co], filter: [3, 3, ci, co]},
      attrs: {strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [N, s, s, ci]}, flops});
  }
  const [s, c] = [64, 16];
  const size = N * s * s * c;
  cases.push({group: 'memory', kernel: 'MaxPoolGrad', label: `MaxPoolGrad 2x2 ${N}×${s}²×${c}`,
    inputs: {dy: [N, s / 2, s / 2, c], input: [N, s, s, c], output: [N, s / 2, s / 2, c]},
    attrs: {filterSize: 2, strides: 2, pad: 'valid'}, bytes: F * size * (2 + 2 / 4)});
  cases.push({group: 'memory', kernel: 'ResizeBilinearGrad', label: `ResizeBilinearGrad ${N}×32²←33²×32`,
    inputs: {images: [N, 32, 32, 32], dy: [N, 33, 33, 32]}, attrs: {alignCorners: true},
    bytes: F * N * 32 * (32 * 32 + 33 * 33)});
  cases.push({group: 'memory', kernel: 'Sum', label: `Sum per channel ${N}×${s}²×${c}`, inputs: {x: [N, s, s, c]},
    attrs: {axis: [0, 1, 2], keepDims: false}, bytes: F * size});
  cases.push({group: 'memory', kernel: 'Mean', label: `Mean per channel ${N}×${s}²×${c}`, inputs: {x: [N, s, s, c]},
    attrs: {axis: [0, 1, 2], keepDims: false}, bytes: F * size});
  cases.push({group: 'memory', kernel: 'SplitV', label: `SplitV channels ${N}×${s}²×(${c}+${c})`, inputs: {x: [N, s, s, 2 * c]},
    attrs: {numOrSizeSplits: [c, c], axis: 3}, bytes: F * size * 4});
  cases.push({group: 'memory', kernel: 'Tile', label: `Tile ${c} → ${N}×${s}²×${c}`, inputs: {x: [1, 1, 1, c]},
    attrs: {reps: [N, s, s, 1]}, bytes: F * size});
  cases.push({group: 'memory', kernel: 'RealDiv', label: `RealDiv ${N}×${s}²×${c}`, inputs: {a: [N, s, s, c], b: [N, s, s, c]},
    attrs: {}, positive: ['b'], bytes: F * size * 3});
  cases.push({group: 'memory', kernel: 'Sqrt', label: `Sqrt ${N}×${s}²×${c}`, inputs: {x: [N, s, s, c]}, attrs: {},
    positive: ['x'], bytes: F * size * 2});
  cases.push({group: 'memory', kernel: 'Step', label: `Step (ReLU gradient) ${N}×${s}²×${c}`, inputs: {x: [N, s, s, c]},
    attrs: {alpha: 0}, bytes: F * size * 2});
  return cases;
}
