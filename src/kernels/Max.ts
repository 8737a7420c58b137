import {extremeKernelConfig} from './reduce.js';

export const maxConfig = extremeKernelConfig('Max');
