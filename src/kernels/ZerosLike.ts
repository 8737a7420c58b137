import {ZerosLike} from '@tensorflow/tfjs-core';
import {fillLikeConfig} from './fill_value.js';

export const zerosLikeConfig = fillLikeConfig(ZerosLike, 0);
