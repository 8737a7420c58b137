import {LessEqual} from '@tensorflow/tfjs-core';
import {compareKernelConfig} from './compare.js';

export const lessEqualConfig = compareKernelConfig(LessEqual, 'COMPARE_LESS_EQUAL');
