import {backend_util, GatherV2, GatherV2Attrs, GatherV2Inputs, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import {elementBytes} from './dtypes.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

/**
 * Gathers slices along an axis (embedding lookups, channel shuffles) in wasm: x seen as
 * [batch, outer, axis, slice], one slice copied per output row. Indices out of range get
 * tfjs-backend-cpu's error.
 */
function gatherV2(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {inputs, backend, attrs} = args;
  const {x, indices} = inputs as GatherV2Inputs;
  const {axis, batchDims} = attrs as unknown as GatherV2Attrs;
  const bytes = elementBytes(x.dtype);
  if (bytes === 0 || indices.dtype !== 'int32') return runOnCpu(GatherV2, args);
  const parsedAxis = util.parseAxisParam(axis, x.shape)[0];
  const axisDim = x.shape[parsedAxis];
  const count = util.sizeFromShape(indices.shape);
  const indexValues = backend.data.get(indices.dataId).values as Int32Array;
  for (let i = 0; i < count; i++) {
    const index = indexValues[i];
    util.assert(index <= axisDim - 1 && index >= 0, () => `GatherV2: the index value ${index} is not in [0, ${axisDim - 1}]`);
  }
  const info = backend_util.segment_util.collectGatherOpShapeInfo(x as never, indices as never, parsedAxis, batchDims ?? 0);
  const out = backend.makeOutput(info.outputShape, x.dtype);
  const perBatch = info.batchSize > 0 ? count / info.batchSize : 0;
  const rows = info.batchSize * info.outerSize * perBatch;
  if (rows * info.sliceSize === 0) return out;
  // Threads share the output rows.
  backend.parallel('gather', [backend.ptr(x), backend.ptr(indices), backend.ptr(out), bytes, info.outerSize, info.dimSize,
    info.sliceSize, perBatch], rows, info.sliceSize * bytes * 2);
  return out;
}

export const gatherV2Config: KernelConfig = {
  kernelName: GatherV2,
  backendName: 'asc',
  kernelFunc: gatherV2 as unknown as KernelConfig['kernelFunc'],
};
