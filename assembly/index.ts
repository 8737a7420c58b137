// The kernel module: a heap for tensor data (allocated and freed by the host) and the kernels.
// Memory is imported, so the host owns it and sees every growth.

/** Returns a 16-byte aligned block of `size` bytes (traps when memory cannot grow). */
export function alloc(size: usize): usize {
  return heap.alloc(size);
}

export function free(ptr: usize): void {
  heap.free(ptr);
}

/** Where the heap begins: below it lie the module's constant data (exp's tables), never written. */
export function heapBase(): usize {
  return __heap_base;
}

export { ACTIVATION_LINEAR, ACTIVATION_RELU, ACTIVATION_RELU6, ACTIVATION_LEAKYRELU, ACTIVATION_HARDSWISH,
  ACTIVATION_HARDSWISH_DIV, ACTIVATION_SIGMOID,
  ACTIVATION_ELU, ACTIVATION_X_HARD_SIGMOID, applyActivation } from "./kernels/activation";
export { BINARY_ADD, BINARY_SUB, BINARY_MUL, BINARY_PRELU, BINARY_DIV, BINARY_MIN, BINARY_MAX, BINARY_SQDIFF, binaryFloat32,
  binaryInt32 } from "./kernels/binary_broadcast";
export { allFinite } from "./kernels/all_finite";
export { argMaxFloat32, argMaxInt32, argMinFloat32, argMinInt32 } from "./kernels/arg_extreme";
export { avgPool } from "./kernels/avg_pool";
export { avgPoolGrad } from "./kernels/avg_pool_grad";
export { concat } from "./kernels/concat";
export { conv2dBackpropFilter } from "./kernels/conv2d_backprop_filter";
export { depthwiseConv2dNative } from "./kernels/depthwise_conv2d_native";
export { fusedBatchNorm, fusedBatchNormCoefficients, fusedBatchNormPeriod } from "./kernels/fused_batch_norm";
export { maxPool } from "./kernels/max_pool";
export { maxPoolGrad } from "./kernels/max_pool_grad";
export { padV2 } from "./kernels/pad_v2";
export { relu, reluInt32 } from "./kernels/relu";
export { relu6, relu6Int32 } from "./kernels/relu6";
export { resizeBilinear, resizeBilinearColumns } from "./kernels/resize_bilinear";
export { resizeBilinearGrad } from "./kernels/resize_bilinear_grad";
export { resizeNearestNeighbor } from "./kernels/resize_nearest_neighbor";
export { reduceExtreme, reduceSum } from "./kernels/reduce";
export { softmax } from "./kernels/softmax";
export { squeezeExcite } from "./kernels/squeeze_excite";
export { topKFloat32, topKInt32 } from "./kernels/top_k";
export { mirrorPad4 } from "./kernels/mirror_pad";
export { COMPARE_EQUAL, COMPARE_NOT_EQUAL, COMPARE_LESS, COMPARE_LESS_EQUAL, compare } from "./kernels/compare";
export { select } from "./kernels/select";
export { slice4, stridedSlice4 } from "./kernels/slice";
export { gather } from "./kernels/gather";
export { tile4 } from "./kernels/tile";
export { transpose } from "./kernels/transpose";
export { unarySqrt, unarySquare, unaryStep, unaryNeg, unaryAbs, unaryExp, unaryLog, unarySigmoid, unaryTanh,
  unaryElu, unarySelu, unaryLeakyRelu, unaryClip, unaryRsqrt, unaryReciprocal, unarySoftplus, unaryErf } from
  "./kernels/unary_math";
export { addN } from "./kernels/add_n";
export { castBoolToFloat32, castBoolToInt32, castFloat32ToBool, castFloat32ToInt32, castInt32ToBool,
  castInt32ToFloat32 } from "./kernels/cast";
export { defaultNaNIsPositive, gemv, igemm, igemmPack, igemmPackedBytes } from "./kernels/igemm";
export { convIndirection, deconvIndirection, matrixIndirection } from "./kernels/indirection";
export { conv2dFewChannels } from "./kernels/conv2d_few_channels";
export { conv2dOneChannel } from "./kernels/conv2d_one_channel";
export { winogradInput, winogradOutput, winogradPackFilter, winogradPackedBytes, winogradProducts, winogradTables } from
  "./kernels/winograd";
