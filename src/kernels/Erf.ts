import {Erf} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const erfConfig = unaryFloat32KernelConfig(Erf, 'unaryErf', {work: 4});
