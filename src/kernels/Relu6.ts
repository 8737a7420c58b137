import {Relu6} from '@tensorflow/tfjs-core';
import {unaryKernelConfig} from './unary.js';

export const relu6Config = unaryKernelConfig(Relu6, 'relu6', 'relu6Int32');
