import {Less} from '@tensorflow/tfjs-core';
import {compareKernelConfig} from './compare.js';

export const lessConfig = compareKernelConfig(Less, 'COMPARE_LESS');
