import {ClipByValue, ClipByValueAttrs} from '@tensorflow/tfjs-core';
import {unaryFloat32KernelConfig} from './unary.js';

export const clipByValueConfig = unaryFloat32KernelConfig(ClipByValue, 'unaryClip', {params: (attrs) => {
  const {clipValueMin, clipValueMax} = attrs as unknown as ClipByValueAttrs;
  return [clipValueMin, clipValueMax];
}});
