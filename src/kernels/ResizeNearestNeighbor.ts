import {KernelConfig, ResizeNearestNeighbor, ResizeNearestNeighborAttrs, ResizeNearestNeighborInputs, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {assertResizeModes} from './validate.js';

function resizeNearestNeighbor(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {images} = inputs as ResizeNearestNeighborInputs;
  if (images.dtype !== 'float32' && images.dtype !== 'int32') return runOnCpu(ResizeNearestNeighbor, args);
  const {alignCorners, halfPixelCenters, size} = attrs as unknown as ResizeNearestNeighborAttrs;
  assertResizeModes(ResizeNearestNeighbor, alignCorners, halfPixelCenters);
  const [batch, inH, inW, channels] = images.shape;
  const [outH, outW] = size;
  const out = backend.makeOutput([batch, outH, outW, channels], images.dtype);
  if (util.sizeFromShape(out.shape) > 0) {
    // Threads share output rows.
    backend.parallel('resizeNearestNeighbor', [
      backend.ptr(images), backend.ptr(out), inH, inW, channels, outH, outW, Number(alignCorners),
      Number(halfPixelCenters)], batch * outH, outW * channels * 8);
  }
  return out;
}

export const resizeNearestNeighborConfig: KernelConfig = {
  kernelName: ResizeNearestNeighbor,
  backendName: 'asc',
  kernelFunc: resizeNearestNeighbor as unknown as KernelConfig['kernelFunc'],
};
