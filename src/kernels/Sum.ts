import {reduceKernelConfig} from './reduce.js';

export const sumConfig = reduceKernelConfig('Sum');
