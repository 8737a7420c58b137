import {DepthToSpace, DepthToSpaceAttrs, DepthToSpaceInputs, KernelConfig, TensorInfo} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {elementBytes} from './dtypes.js';
import {reshapeImpl} from './Reshape.js';
import {transposeImpl} from './Transpose.js';

/**
 * Depth to space (sub-pixel upsampling), NHWC: input channel (i * block + j) * depth + d becomes
 * pixel (h * block + i, w * block + j), channel d; in wasm as one transpose of
 * [b, h, w, block, block, depth] to [b, h, block, w, block, depth] (the reshapes copy nothing).
 */
function depthToSpace(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {x} = inputs as DepthToSpaceInputs;
  const {blockSize, dataFormat} = attrs as unknown as DepthToSpaceAttrs;
  // tfjs-backend-cpu takes NHWC only: other layouts get its error.
  if (dataFormat !== 'NHWC' || elementBytes(x.dtype) === 0) return runOnCpu(DepthToSpace, args);
  const [batch, height, width, channels] = x.shape;
  const depth = channels / (blockSize * blockSize);
  const blocks = reshapeImpl(backend, x, [batch, height, width, blockSize, blockSize, depth]);
  const moved = transposeImpl(backend, blocks, [0, 1, 3, 2, 4, 5]);
  const out = reshapeImpl(backend, moved, [batch, height * blockSize, width * blockSize, depth]);
  backend.disposeIntermediateTensorInfo(blocks);
  backend.disposeIntermediateTensorInfo(moved);
  return out;
}

export const depthToSpaceConfig: KernelConfig = {
  kernelName: DepthToSpace,
  backendName: 'asc',
  kernelFunc: depthToSpace as unknown as KernelConfig['kernelFunc'],
};
