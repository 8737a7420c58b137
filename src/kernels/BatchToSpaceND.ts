import {backend_util, BatchToSpaceND, BatchToSpaceNDAttrs, BatchToSpaceNDInputs, KernelConfig, slice_util, TensorInfo} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {elementBytes} from './dtypes.js';
import {reshapeImpl} from './Reshape.js';
import {sliceImpl} from './Slice.js';
import {transposeImpl} from './Transpose.js';

/**
 * Batch to space (SpaceToBatchND's inverse, after the dilated convolution): the block axes move
 * from the batch back beside the spatial axes, then the crops are sliced off; in wasm as
 * tfjs-backend-cpu composes it, a transpose and a slice (the reshapes copy nothing).
 */
function batchToSpaceND(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {x} = inputs as BatchToSpaceNDInputs;
  const {blockShape, crops} = attrs as unknown as BatchToSpaceNDAttrs;
  // The slice runs in wasm up to rank 4.
  if (elementBytes(x.dtype) === 0 || x.shape.length > 4) return runOnCpu(BatchToSpaceND, args);
  const prod = blockShape.reduce((a, b) => a * b);
  const reshapedShape = backend_util.getReshaped(x.shape, blockShape, prod);
  const perm = backend_util.getPermuted(reshapedShape.length, blockShape.length);
  const spaceShape = backend_util.getReshapedPermuted(x.shape, blockShape, prod);
  const begin = backend_util.getSliceBeginCoords(crops, blockShape.length);
  const size = backend_util.getSliceSize(spaceShape, crops, blockShape.length);
  const reshaped = reshapeImpl(backend, x, reshapedShape);
  const transposed = transposeImpl(backend, reshaped, perm);
  const space = reshapeImpl(backend, transposed, spaceShape);
  // The crops cover the spatial axes; the slice keeps the axes after them whole.
  const [begins, sizes] = slice_util.parseSliceParams(space, begin, size);
  const out = sliceImpl(backend, space, begins, sizes)!;
  for (const t of [reshaped, transposed, space]) backend.disposeIntermediateTensorInfo(t);
  return out;
}

export const batchToSpaceNDConfig: KernelConfig = {
  kernelName: BatchToSpaceND,
  backendName: 'asc',
  kernelFunc: batchToSpaceND as unknown as KernelConfig['kernelFunc'],
};
