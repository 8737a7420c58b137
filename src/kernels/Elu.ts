import {Elu} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const eluConfig = unaryFloat32KernelConfig(Elu, 'unaryElu', {work: 4});
