import {ArgMax} from '@tensorflow/tfjs-core';
import {argExtremeKernelConfig} from './arg_extreme.js';

export const argMaxConfig = argExtremeKernelConfig(ArgMax);
