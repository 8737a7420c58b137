// tfjs-backend-asc/unet: the seed's U-Net on tfjs, with PyTorch weights.
import {UNet} from './model.js';

export {createUNet, UNet} from './model.js';
export type {PredictOptions} from './model.js';
export type {ImagePixels, PixelRows, SegmentOptions} from './segment.js';
export type {TileOptions, TilePlan} from './tiled.js';
export {readSafetensors, toFloat32, writeSafetensors} from './safetensors.js';
export type {Safetensors, SafetensorsDtype, SafetensorsEntry} from './safetensors.js';
export type {StateDict, StateTensor, UNetConfig} from './state_dict.js';

/** A U-Net from a safetensors file holding the seed model's state_dict (same as UNet.fromSafetensors). */
export function loadSafetensors(bytes: Uint8Array|ArrayBuffer): UNet {
  return UNet.fromSafetensors(bytes);
}
export {syntheticBatch, syntheticImage, syntheticTensors} from './synthetic.js';
export type {SyntheticBatch, SyntheticImage} from './synthetic.js';
export {UNetTrainer} from './train.js';
export type {EvaluateResult, TrainerOptions} from './train.js';
export {unetFlops} from './flops.js';
