import {Sqrt} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const sqrtConfig = unaryFloat32KernelConfig(Sqrt, 'unarySqrt');
