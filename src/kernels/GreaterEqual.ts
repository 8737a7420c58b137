import {GreaterEqual} from '@tensorflow/tfjs-core';
import {compareKernelConfig} from './compare.js';

export const greaterEqualConfig = compareKernelConfig(GreaterEqual, 'COMPARE_LESS_EQUAL', true);
