import {Relu6} from '@tensorflow/tfjs-core';
import {unaryKernelConfig} from './unary.js';

export const relu6Config = unaryKernelConfig(Relu6, (w) => w.relu6, (w) => w.relu6Int32);
