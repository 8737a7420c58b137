import {Reciprocal} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const reciprocalConfig = unaryFloat32KernelConfig(Reciprocal, 'unaryReciprocal');
