// The kernel module's exports that run on worker threads, by index (the pool's jobs name them so).
// Each takes its arguments, then (begin, end): the range of its work units (rows, row tiles or
// elements) to compute; units write disjoint outputs.
import {UNARY_FLOAT32_KERNELS} from '../kernels/unary_ops.js';

export const PARALLEL_KERNELS = [
  'igemm', 'maxPool', 'avgPool', 'resizeBilinear', 'resizeNearestNeighbor', 'concat', 'fusedBatchNorm', 'relu',
  'reluInt32', 'relu6', 'relu6Int32', 'applyActivation', 'binaryFloat32', 'binaryInt32', 'conv2dBackpropFilter',
  'depthwiseConv2dNative', 'transpose', 'slice4', 'stridedSlice4', 'tile4', 'addN', 'compare', 'select', 'softmax',
  'mirrorPad4', 'gemv', 'conv2dFewChannels', 'conv2dOneChannel', 'gather', 'winogradInput',
  'winogradProducts', 'winogradOutput', 'topKFloat32', 'topKInt32', 'argMaxFloat32', 'argMaxInt32', 'argMinFloat32',
  'argMinInt32', ...UNARY_FLOAT32_KERNELS,
] as const;
export type ParallelKernel = typeof PARALLEL_KERNELS[number];
