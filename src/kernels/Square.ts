import {Square} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const squareConfig = unaryFloat32KernelConfig(Square, 'unarySquare');
