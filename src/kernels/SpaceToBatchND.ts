import {backend_util, KernelConfig, SpaceToBatchND, SpaceToBatchNDAttrs, SpaceToBatchNDInputs, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {padImpl} from './PadV2.js';
import {reshapeImpl} from './Reshape.js';
import {transposeImpl} from './Transpose.js';

/**
 * Space to batch (the first half of a dilated convolution as TensorFlow writes it): pad, then
 * split each spatial axis into (size / block, block) and move the block axes in front of the
 * batch; in wasm as tfjs-backend-cpu composes it, a pad and one transpose (the reshapes copy nothing).
 */
function spaceToBatchND(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {x} = inputs as SpaceToBatchNDInputs;
  const {blockShape, paddings} = attrs as unknown as SpaceToBatchNDAttrs;
  const prod = util.sizeFromShape(blockShape);
  const completePaddings: Array<[number, number]> = [[0, 0], ...paddings as Array<[number, number]>];
  for (let i = 1 + blockShape.length; i < x.shape.length; ++i) completePaddings.push([0, 0]);
  const padded = padImpl(backend, x, completePaddings, 0);
  if (padded == null) return runOnCpu(SpaceToBatchND, args);
  const reshapedShape = backend_util.getReshaped(padded.shape, blockShape, prod, false);
  const perm = backend_util.getPermuted(reshapedShape.length, blockShape.length, false);
  const flatShape = backend_util.getReshapedPermuted(padded.shape, blockShape, prod, false);
  const reshaped = reshapeImpl(backend, padded, reshapedShape);
  const transposed = transposeImpl(backend, reshaped, perm);
  const out = reshapeImpl(backend, transposed, flatShape);
  for (const t of [padded, reshaped, transposed]) backend.disposeIntermediateTensorInfo(t);
  return out;
}

export const spaceToBatchNDConfig: KernelConfig = {
  kernelName: SpaceToBatchND,
  backendName: 'asc',
  kernelFunc: spaceToBatchND as unknown as KernelConfig['kernelFunc'],
};
