import {OnesLike} from '@tensorflow/tfjs-core';
import {fillLikeConfig} from './fill_value.js';

export const onesLikeConfig = fillLikeConfig(OnesLike, 1);
