import {Tanh} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const tanhConfig = unaryFloat32KernelConfig(Tanh, 'unaryTanh', {work: 4});
