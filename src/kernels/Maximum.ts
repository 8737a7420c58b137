import {Maximum} from '@tensorflow/tfjs-core';
import {binaryKernelConfig} from './binary.js';

export const maximumConfig = binaryKernelConfig(Maximum, 'BINARY_MAX');
