// ArgMax and ArgMin of float32 and int32 along one axis, as [outer, n, inner] in wasm
// (assembly/kernels/arg_extreme.ts): tfjs-backend-cpu's first-best scan, without its transpose of
// the axis to the end. Other dtypes run on tfjs-backend-cpu.
import {ArgMax, ArgMin, KernelConfig, TensorInfo, util} from '@tensorflow/tfjs-core';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

export function argExtremeKernelConfig(kernelName: typeof ArgMax|typeof ArgMin): KernelConfig {
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const {backend} = args;
    const {x} = args.inputs as {x: TensorInfo};
    const {axis} = args.attrs as unknown as {axis: number|number[]};
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || x.shape.length === 0) {
      return runOnCpu(kernelName, args) as TensorInfo;
    }
    // cpu reduces along the first axis given.
    const a = util.parseAxisParam(axis, x.shape)[0];
    const outShape = x.shape.filter((_, i) => i !== a);
    const out = backend.makeOutput(outShape, 'int32');
    const outer = util.sizeFromShape(x.shape.slice(0, a));
    const n = x.shape[a];
    const inner = util.sizeFromShape(x.shape.slice(a + 1));
    if (outer * inner === 0) return out;
    if (n === 0) {
      // Nothing to scan: cpu's index stays 0.
      backend.fill(out, 0);
      return out;
    }
    const kernel = `${kernelName === ArgMax ? 'argMax' : 'argMin'}${x.dtype === 'float32' ? 'Float32' : 'Int32'}` as const;
    backend.parallel(kernel, [backend.ptr(x), backend.ptr(out), n, inner], outer, n * inner);
    return out;
  };
  return {kernelName, backendName: 'asc', kernelFunc: kernelFunc as unknown as KernelConfig['kernelFunc']};
}
