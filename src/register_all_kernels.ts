// The kernels `asc` runs in WebAssembly; every other tfjs-backend-cpu kernel is registered for
// `asc` through cpu_fallback.
import {KernelConfig, registerKernel} from '@tensorflow/tfjs-core';
import {_fusedMatMulConfig} from './kernels/_FusedMatMul.js';
import {addConfig} from './kernels/Add.js';
import {avgPoolConfig} from './kernels/AvgPool.js';
import {avgPoolGradConfig} from './kernels/AvgPoolGrad.js';
import {batchMatMulConfig} from './kernels/BatchMatMul.js';
import {castConfig} from './kernels/Cast.js';
import {concatConfig} from './kernels/Concat.js';
import {conv2dConfig} from './kernels/Conv2D.js';
import {conv2DBackpropFilterConfig} from './kernels/Conv2DBackpropFilter.js';
import {conv2DBackpropInputConfig} from './kernels/Conv2DBackpropInput.js';
import {registerCpuKernels} from './kernels/cpu_fallback.js';
import {depthwiseConv2dNativeConfig} from './kernels/DepthwiseConv2dNative.js';
import {fusedBatchNormConfig} from './kernels/FusedBatchNorm.js';
import {fusedConv2DConfig} from './kernels/FusedConv2D.js';
import {maxPoolConfig} from './kernels/MaxPool.js';
import {maxPoolGradConfig} from './kernels/MaxPoolGrad.js';
import {multiplyConfig} from './kernels/Multiply.js';
import {padV2Config} from './kernels/PadV2.js';
import {preluConfig} from './kernels/Prelu.js';
import {reluConfig} from './kernels/Relu.js';
import {relu6Config} from './kernels/Relu6.js';
import {resizeBilinearConfig} from './kernels/ResizeBilinear.js';
import {resizeBilinearGradConfig} from './kernels/ResizeBilinearGrad.js';
import {resizeNearestNeighborConfig} from './kernels/ResizeNearestNeighbor.js';
import {subConfig} from './kernels/Sub.js';
import {transposeConfig} from './kernels/Transpose.js';

export const wasmKernelConfigs: KernelConfig[] = [
  _fusedMatMulConfig,
  addConfig,
  avgPoolConfig,
  avgPoolGradConfig,
  batchMatMulConfig,
  castConfig,
  concatConfig,
  conv2dConfig,
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  depthwiseConv2dNativeConfig,
  fusedBatchNormConfig,
  fusedConv2DConfig,
  maxPoolConfig,
  maxPoolGradConfig,
  multiplyConfig,
  padV2Config,
  preluConfig,
  reluConfig,
  relu6Config,
  resizeBilinearConfig,
  resizeBilinearGradConfig,
  resizeNearestNeighborConfig,
  subConfig,
  transposeConfig,
];

for (const config of wasmKernelConfigs) registerKernel(config);
registerCpuKernels(new Set(wasmKernelConfigs.map((c) => c.kernelName)));
