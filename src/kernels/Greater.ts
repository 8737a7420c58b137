import {Greater} from '@tensorflow/tfjs-core';
import {compareKernelConfig} from './compare.js';

export const greaterConfig = compareKernelConfig(Greater, 'COMPARE_LESS', true);
