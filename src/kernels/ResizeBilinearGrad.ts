import {KernelConfig, ResizeBilinearGrad, ResizeBilinearGradAttrs, ResizeBilinearGradInputs, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {assertResizeModes, assertShape} from './validate.js';

function resizeBilinearGrad(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {images, dy} = inputs as ResizeBilinearGradInputs;
  if (dy.dtype !== 'float32') return runOnCpu(ResizeBilinearGrad, args);
  const {alignCorners, halfPixelCenters} = attrs as unknown as ResizeBilinearGradAttrs;
  assertResizeModes(ResizeBilinearGrad, alignCorners, halfPixelCenters);
  const [batch, inH, inW, channels] = images.shape;
  assertShape(ResizeBilinearGrad, 'dy', dy.shape, [batch, null, null, channels]);
  const [, outH, outW] = dy.shape;
  const dx = backend.makeOutput([batch, inH, inW, channels], 'float32');
  if (util.sizeFromShape(dx.shape) > 0) {
    backend.wasm.resizeBilinearGrad(
        backend.ptr(dy), backend.ptr(dx), batch, inH, inW, channels, outH, outW, alignCorners, halfPixelCenters);
  }
  return dx;
}

export const resizeBilinearGradConfig: KernelConfig = {
  kernelName: ResizeBilinearGrad,
  backendName: 'asc',
  kernelFunc: resizeBilinearGrad as unknown as KernelConfig['kernelFunc'],
};
