import {Add} from '@tensorflow/tfjs-core';
import {binaryKernelConfig} from './binary.js';

export const addConfig = binaryKernelConfig(Add, 'BINARY_ADD');
