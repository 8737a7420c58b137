import {Equal} from '@tensorflow/tfjs-core';
import {compareKernelConfig} from './compare.js';

export const equalConfig = compareKernelConfig(Equal, 'COMPARE_EQUAL');
