import {Sigmoid} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const sigmoidConfig = unaryFloat32KernelConfig(Sigmoid, 'unarySigmoid', {work: 4});
