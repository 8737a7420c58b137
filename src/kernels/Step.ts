import {Step, StepAttrs} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const stepConfig = unaryFloat32KernelConfig(Step, 'unaryStep',
    {params: (attrs) => [(attrs as unknown as StepAttrs).alpha ?? 0, 0]});
