// The kernels `asc` runs in WebAssembly; every other tfjs-backend-cpu kernel is registered for
// `asc` through cpu_fallback.
import {KernelConfig, registerKernel} from '@tensorflow/tfjs-core';
import {capturedKernel, registerFusedKernel} from './graph/kernels.js';
import {absConfig} from './kernels/Abs.js';
import {addConfig} from './kernels/Add.js';
import {addNConfig} from './kernels/AddN.js';
import {argMaxConfig} from './kernels/ArgMax.js';
import {argMinConfig} from './kernels/ArgMin.js';
import {avgPoolConfig} from './kernels/AvgPool.js';
import {avgPoolGradConfig} from './kernels/AvgPoolGrad.js';
import {batchMatMulConfig} from './kernels/BatchMatMul.js';
import {batchToSpaceNDConfig} from './kernels/BatchToSpaceND.js';
import {castConfig} from './kernels/Cast.js';
import {clipByValueConfig} from './kernels/ClipByValue.js';
import {concatConfig} from './kernels/Concat.js';
import {conv2dConfig} from './kernels/Conv2D.js';
import {conv2DBackpropFilterConfig} from './kernels/Conv2DBackpropFilter.js';
import {conv2DBackpropInputConfig} from './kernels/Conv2DBackpropInput.js';
import {registerCpuKernels} from './kernels/cpu_fallback.js';
import {depthToSpaceConfig} from './kernels/DepthToSpace.js';
import {depthwiseConv2dNativeConfig} from './kernels/DepthwiseConv2dNative.js';
import {eluConfig} from './kernels/Elu.js';
import {equalConfig} from './kernels/Equal.js';
import {erfConfig} from './kernels/Erf.js';
import {expConfig} from './kernels/Exp.js';
import {expandDimsConfig} from './kernels/ExpandDims.js';
import {fillConfig} from './kernels/Fill.js';
import {fusedBatchNormConfig} from './kernels/FusedBatchNorm.js';
import {fusedConv2DConfig} from './kernels/FusedConv2D.js';
import {fusedDepthwiseConv2DConfig} from './kernels/FusedDepthwiseConv2D.js';
import {_fusedMatMulConfig} from './kernels/_FusedMatMul.js';
import {gatherV2Config} from './kernels/GatherV2.js';
import {greaterConfig} from './kernels/Greater.js';
import {greaterEqualConfig} from './kernels/GreaterEqual.js';
import {identityConfig} from './kernels/Identity.js';
import {leakyReluConfig} from './kernels/LeakyRelu.js';
import {lessConfig} from './kernels/Less.js';
import {lessEqualConfig} from './kernels/LessEqual.js';
import {logConfig} from './kernels/Log.js';
import {maxConfig} from './kernels/Max.js';
import {maximumConfig} from './kernels/Maximum.js';
import {maxPoolConfig} from './kernels/MaxPool.js';
import {maxPoolGradConfig} from './kernels/MaxPoolGrad.js';
import {meanConfig} from './kernels/Mean.js';
import {minConfig} from './kernels/Min.js';
import {minimumConfig} from './kernels/Minimum.js';
import {mirrorPadConfig} from './kernels/MirrorPad.js';
import {multiplyConfig} from './kernels/Multiply.js';
import {negConfig} from './kernels/Neg.js';
import {notEqualConfig} from './kernels/NotEqual.js';
import {onesLikeConfig} from './kernels/OnesLike.js';
import {packConfig} from './kernels/Pack.js';
import {padV2Config} from './kernels/PadV2.js';
import {preluConfig} from './kernels/Prelu.js';
import {realDivConfig} from './kernels/RealDiv.js';
import {reciprocalConfig} from './kernels/Reciprocal.js';
import {reluConfig} from './kernels/Relu.js';
import {relu6Config} from './kernels/Relu6.js';
import {reshapeConfig} from './kernels/Reshape.js';
import {resizeBilinearConfig} from './kernels/ResizeBilinear.js';
import {resizeBilinearGradConfig} from './kernels/ResizeBilinearGrad.js';
import {resizeNearestNeighborConfig} from './kernels/ResizeNearestNeighbor.js';
import {rsqrtConfig} from './kernels/Rsqrt.js';
import {selectConfig} from './kernels/Select.js';
import {seluConfig} from './kernels/Selu.js';
import {sigmoidConfig} from './kernels/Sigmoid.js';
import {sliceConfig} from './kernels/Slice.js';
import {softmaxConfig} from './kernels/Softmax.js';
import {spaceToBatchNDConfig} from './kernels/SpaceToBatchND.js';
import {squeezeExciteKernel} from './kernels/SqueezeExcite.js';
import {softplusConfig} from './kernels/Softplus.js';
import {splitVConfig} from './kernels/SplitV.js';
import {sqrtConfig} from './kernels/Sqrt.js';
import {squareConfig} from './kernels/Square.js';
import {squaredDifferenceConfig} from './kernels/SquaredDifference.js';
import {stepConfig} from './kernels/Step.js';
import {stridedSliceConfig} from './kernels/StridedSlice.js';
import {subConfig} from './kernels/Sub.js';
import {sumConfig} from './kernels/Sum.js';
import {tanhConfig} from './kernels/Tanh.js';
import {tileConfig} from './kernels/Tile.js';
import {topKConfig} from './kernels/TopK.js';
import {transposeConfig} from './kernels/Transpose.js';
import {unpackConfig} from './kernels/Unpack.js';
import {zerosLikeConfig} from './kernels/ZerosLike.js';

export const wasmKernelConfigs: KernelConfig[] = [
  absConfig,
  addConfig,
  addNConfig,
  argMaxConfig,
  argMinConfig,
  avgPoolConfig,
  avgPoolGradConfig,
  batchMatMulConfig,
  batchToSpaceNDConfig,
  castConfig,
  clipByValueConfig,
  concatConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  conv2dConfig,
  depthToSpaceConfig,
  depthwiseConv2dNativeConfig,
  eluConfig,
  equalConfig,
  erfConfig,
  expandDimsConfig,
  expConfig,
  fillConfig,
  fusedBatchNormConfig,
  fusedConv2DConfig,
  fusedDepthwiseConv2DConfig,
  _fusedMatMulConfig,
  gatherV2Config,
  greaterConfig,
  greaterEqualConfig,
  identityConfig,
  leakyReluConfig,
  lessConfig,
  lessEqualConfig,
  logConfig,
  maxConfig,
  maximumConfig,
  maxPoolConfig,
  maxPoolGradConfig,
  meanConfig,
  minConfig,
  minimumConfig,
  mirrorPadConfig,
  multiplyConfig,
  negConfig,
  notEqualConfig,
  onesLikeConfig,
  packConfig,
  padV2Config,
  preluConfig,
  realDivConfig,
  reciprocalConfig,
  relu6Config,
  reluConfig,
  reshapeConfig,
  resizeBilinearConfig,
  resizeBilinearGradConfig,
  resizeNearestNeighborConfig,
  rsqrtConfig,
  selectConfig,
  seluConfig,
  sigmoidConfig,
  sliceConfig,
  softmaxConfig,
  spaceToBatchNDConfig,
  softplusConfig,
  splitVConfig,
  sqrtConfig,
  squareConfig,
  squaredDifferenceConfig,
  stepConfig,
  stridedSliceConfig,
  subConfig,
  sumConfig,
  tanhConfig,
  tileConfig,
  topKConfig,
  transposeConfig,
  unpackConfig,
  zerosLikeConfig,
];

// GatherV2 checks its indices' values when called, so it runs when called.
const RUN_WHEN_CALLED = new Set(['GatherV2']);
for (const config of wasmKernelConfigs) registerKernel(capturedKernel(config, !RUN_WHEN_CALLED.has(config.kernelName)));
registerFusedKernel(squeezeExciteKernel);
registerCpuKernels(new Set(wasmKernelConfigs.map((c) => c.kernelName)));
