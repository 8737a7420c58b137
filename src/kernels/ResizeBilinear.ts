import {KernelConfig, ResizeBilinear, ResizeBilinearAttrs, ResizeBilinearInputs, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {assertResizeModes} from './validate.js';

function resizeBilinear(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {images} = inputs as ResizeBilinearInputs;
  if (images.dtype !== 'float32') return runOnCpu(ResizeBilinear, args);
  const {alignCorners, halfPixelCenters, size} = attrs as unknown as ResizeBilinearAttrs;
  assertResizeModes(ResizeBilinear, alignCorners, halfPixelCenters);
  const [batch, inH, inW, channels] = images.shape;
  const [outH, outW] = size;
  const out = backend.makeOutput([batch, outH, outW, channels], 'float32');
  if (util.sizeFromShape(out.shape) > 0) {
    // The source columns and weights once, then threads share output rows.
    backend.withScratch(outW * 12, (columns) => {
      backend.wasm.resizeBilinearColumns(columns, inW, channels, outW, alignCorners, halfPixelCenters);
      backend.parallel('resizeBilinear', [
        backend.ptr(images), backend.ptr(out), columns, inH, inW, channels, outH, outW, Number(alignCorners),
        Number(halfPixelCenters)], batch * outH, outW * channels * 20);
    });
  }
  return out;
}

export const resizeBilinearConfig: KernelConfig = {
  kernelName: ResizeBilinear,
  backendName: 'asc',
  kernelFunc: resizeBilinear as unknown as KernelConfig['kernelFunc'],
};
