import {reduceKernelConfig} from './reduce.js';

export const meanConfig = reduceKernelConfig('Mean');
