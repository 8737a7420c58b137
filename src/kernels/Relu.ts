import {Relu} from '@tensorflow/tfjs-core';
import {unaryKernelConfig} from './unary.js';

export const reluConfig = unaryKernelConfig(Relu, 'relu', 'reluInt32');
