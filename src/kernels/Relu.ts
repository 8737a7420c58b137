import {Relu} from '@tensorflow/tfjs-core';
import {unaryKernelConfig} from './unary.js';

export const reluConfig = unaryKernelConfig(Relu, (w) => w.relu, (w) => w.reluInt32);
