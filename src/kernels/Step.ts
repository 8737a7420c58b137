import {Step} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const stepConfig = unaryFloat32KernelConfig(Step, 'UNARY_STEP');
