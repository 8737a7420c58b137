import {Abs} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const absConfig = unaryFloat32KernelConfig(Abs, 'unaryAbs');
