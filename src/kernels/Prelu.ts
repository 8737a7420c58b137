import {KernelConfig, Prelu, PreluInputs} from '@tensorflow/tfjs-core';
import {binaryImpl} from './binary.js';
import {KernelArgs, runOnCpu} from './cpu_fallback.js';

function prelu(args: KernelArgs) {
  const {x, alpha} = args.inputs as PreluInputs;
  if (x.dtype !== 'float32' || alpha.dtype !== 'float32') return runOnCpu(Prelu, args);
  return binaryImpl(args.backend, 'BINARY_PRELU', x, alpha, 'float32');
}

export const preluConfig: KernelConfig = {
  kernelName: Prelu,
  backendName: 'asc',
  kernelFunc: prelu as unknown as KernelConfig['kernelFunc'],
};
