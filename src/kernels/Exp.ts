import {Exp} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const expConfig = unaryFloat32KernelConfig(Exp, 'unaryExp', {work: 4});
