import {NotEqual} from '@tensorflow/tfjs-core';
import {compareKernelConfig} from './compare.js';

export const notEqualConfig = compareKernelConfig(NotEqual, 'COMPARE_NOT_EQUAL');
