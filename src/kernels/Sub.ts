import {Sub} from '@tensorflow/tfjs-core';
import {binaryKernelConfig} from './binary.js';

export const subConfig = binaryKernelConfig(Sub, 'BINARY_SUB');
