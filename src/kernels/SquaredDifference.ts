import {SquaredDifference} from '@tensorflow/tfjs-core';
import {binaryKernelConfig} from './binary.js';

export const squaredDifferenceConfig = binaryKernelConfig(SquaredDifference, 'BINARY_SQDIFF', ['float32']);
