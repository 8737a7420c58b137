import {Rsqrt} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const rsqrtConfig = unaryFloat32KernelConfig(Rsqrt, 'unaryRsqrt');
