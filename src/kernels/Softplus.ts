import {Softplus} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const softplusConfig = unaryFloat32KernelConfig(Softplus, 'unarySoftplus', {work: 8});
