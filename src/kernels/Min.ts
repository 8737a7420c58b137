import {extremeKernelConfig} from './reduce.js';

export const minConfig = extremeKernelConfig('Min');
