import {Selu} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const seluConfig = unaryFloat32KernelConfig(Selu, 'unarySelu', {work: 4});
