// Tile in wasm for fixed-width dtypes up to rank 4 (BatchNorm's gradient broadcasts with it).
import {KernelConfig, Tile, TileAttrs, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';
import {elementBytes} from './dtypes.js';
import {padToRank4} from './layout.js';

function tile(args: KernelArgs): TensorInfo|TensorInfo[] {
  const {backend} = args;
  const {x} = args.inputs as {x: TensorInfo};
  const {reps} = args.attrs as unknown as TileAttrs;
  const bytes = elementBytes(x.dtype);
  if (bytes === 0 || x.shape.length > 4 || reps.length !== x.shape.length) return runOnCpu(Tile, args);
  const outShape = x.shape.map((s, i) => s * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (util.sizeFromShape(outShape) === 0) return out;
  const [shape4, reps4] = [padToRank4(x.shape, 1), padToRank4(reps, 1)];
  const rows = shape4[0] * reps4[0] * shape4[1] * reps4[1] * shape4[2] * reps4[2];
  // Threads share the output rows.
  backend.parallel('tile4', [backend.ptr(x), backend.ptr(out), bytes, backend.args([...shape4, ...reps4])],
      rows, 2 * shape4[3] * reps4[3] * bytes);
  return out;
}

export const tileConfig: KernelConfig = {
  kernelName: Tile,
  backendName: 'asc',
  kernelFunc: tile as unknown as KernelConfig['kernelFunc'],
};
