import {Neg} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const negConfig = unaryFloat32KernelConfig(Neg, 'unaryNeg');
