import {Minimum} from '@tensorflow/tfjs-core';
import {binaryKernelConfig} from './binary.js';

export const minimumConfig = binaryKernelConfig(Minimum, 'BINARY_MIN');
