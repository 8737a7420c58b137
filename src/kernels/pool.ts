// Shared path of MaxPool and AvgPool: geometry from tfjs-core, float32 in wasm, other dtypes on cpu.
import {AvgPoolAttrs, backend_util, KernelConfig, MaxPoolAttrs, TensorInfo, UnaryInputs, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

export function poolKernelConfig(kernelName: string, wasmKernel: 'maxPool'|'avgPool'): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo|TensorInfo[] => {
    const {inputs, backend, attrs} = args;
    const {x} = inputs as UnaryInputs;
    if (x.dtype !== 'float32') return runOnCpu(kernelName, args);
    const {filterSize, strides, pad, dimRoundingMode} = attrs as unknown as MaxPoolAttrs|AvgPoolAttrs;
    util.assert(
        backend_util.eitherStridesOrDilationsAreOne(strides, 1),
        () => `Error in ${kernelName}: Either strides or dilations must be 1. Got strides ${strides}`);
    const info = backend_util.computePool2DInfo(
        x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    // tfjs-backend-cpu's rule: a 1x1 window that keeps the shape returns the input, even with padding.
    if (info.filterHeight === 1 && info.filterWidth === 1 && util.arraysEqual(info.inShape, info.outShape)) {
      backend.incRef(x.dataId);
      return {dataId: x.dataId, shape: x.shape, dtype: x.dtype};
    }
    const out = backend.makeOutput(info.outShape, 'float32');
    if (util.sizeFromShape(info.outShape) > 0) {
      // Threads share output rows; a row reads about a window of input per output value.
      const rowWork = info.outWidth * info.inChannels * 4 * info.filterHeight * info.filterWidth;
      backend.parallel(wasmKernel, [
        backend.ptr(x), backend.ptr(out), info.inHeight, info.inWidth, info.inChannels,
        info.outHeight, info.outWidth, info.strideHeight, info.strideWidth, info.dilationHeight,
        info.dilationWidth, info.effectiveFilterHeight, info.effectiveFilterWidth, info.padInfo.top,
        info.padInfo.left], info.batchSize * info.outHeight, rowWork);
    }
    return out;
  };
  return {kernelName, backendName: 'asc', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc']};
}
