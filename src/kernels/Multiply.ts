import {Multiply} from '@tensorflow/tfjs-core';
import {binaryKernelConfig} from './binary.js';

export const multiplyConfig = binaryKernelConfig(Multiply, 'BINARY_MUL');
