import {ArgMin} from '@tensorflow/tfjs-core';
import {argExtremeKernelConfig} from './arg_extreme.js';

export const argMinConfig = argExtremeKernelConfig(ArgMin);
