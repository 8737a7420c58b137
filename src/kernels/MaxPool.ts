import {MaxPool} from '@tensorflow/tfjs-core';
import {poolKernelConfig} from './pool.js';

export const maxPoolConfig = poolKernelConfig(MaxPool, 'maxPool');
