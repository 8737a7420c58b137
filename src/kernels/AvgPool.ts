import {AvgPool} from '@tensorflow/tfjs-core';
import {poolKernelConfig} from './pool.js';

export const avgPoolConfig = poolKernelConfig(AvgPool, 'avgPool');
