import {LeakyRelu, LeakyReluAttrs} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const leakyReluConfig = unaryFloat32KernelConfig(LeakyRelu, 'unaryLeakyRelu',
    {params: (attrs) => [(attrs as unknown as LeakyReluAttrs).alpha, 0]});
