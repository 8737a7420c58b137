import {Log} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const logConfig = unaryFloat32KernelConfig(Log, 'unaryLog', {work: 4});
