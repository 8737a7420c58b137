import {RealDiv} from '@tensorflow/tfjs-core';
import {binaryKernelConfig} from './binary.js';

// int32 division yields float32 in tfjs: tfjs-backend-cpu keeps that case.
export const realDivConfig = binaryKernelConfig(RealDiv, 'BINARY_DIV', ['float32']);
