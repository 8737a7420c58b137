// The U-Net's weights as tfjs tensors, from its state_dict: each conv's filter in tfjs's layout
// (HWIO), with the BatchNorm after it folded in (inference) or kept apart (as PyTorch runs it); and
// the bytes a run holds for them, asc's packed copies included.
import * as tf from '@tensorflow/tfjs-core';
import {packedFilterFactor, usualConv3Algorithm, winogradApplies} from '../conv/geometry.js';
import {BatchNorm, BN_EPSILON, Conv, winogradSetting} from './graph.js';
import {torchToTfjs} from './layout.js';
import type {StateDict, UNetConfig} from './state_dict.js';

/** A DoubleConv as PyTorch has it, or with each BatchNorm folded into its conv (`bns` absent). */
export interface DoubleConv {
  convs: [Conv, Conv];
  bns?: [BatchNorm, BatchNorm];
}

export interface Weights {
  downs: DoubleConv[];
  bottleneck: DoubleConv;
  ups: Array<{transpose: Conv, block: DoubleConv}>;
  final: Conv;
}

/** The weights of every layer; `fused` folds each BatchNorm into the conv before it. */
export function buildWeights(state: StateDict, {features}: UNetConfig, fused: boolean): Weights {
  const get = (key: string) => state.get(key)!;
  const filterOf = (key: string, scale?: Float64Array) => {
    const {shape, data} = torchToTfjs(get(key), scale);
    return tf.tensor4d(data, shape as [number, number, number, number]);
  };
  const conv = (prefix: string, bnPrefix?: string): Conv => {
    const b = get(`${prefix}.bias`).data;
    if (bnPrefix == null) return {filter: filterOf(`${prefix}.weight`), bias: tf.tensor1d(b)};
    // BatchNorm folded: w' = w * gamma / sqrt(var + eps), b' = (b - mean) * gamma / sqrt(var + eps) + beta.
    const gamma = get(`${bnPrefix}.weight`).data;
    const beta = get(`${bnPrefix}.bias`).data;
    const mean = get(`${bnPrefix}.running_mean`).data;
    const variance = get(`${bnPrefix}.running_var`).data;
    const o = b.length;
    const scale = new Float64Array(o);
    const bias = new Float32Array(o);
    for (let c = 0; c < o; c++) {
      scale[c] = gamma[c] / Math.sqrt(variance[c] + BN_EPSILON);
      bias[c] = (b[c] - mean[c]) * scale[c] + beta[c];
    }
    return {filter: filterOf(`${prefix}.weight`, scale), bias: tf.tensor1d(bias)};
  };
  const batchNorm = (prefix: string): BatchNorm => {
    const t = (p: string) => tf.tensor1d(get(`${prefix}.${p}`).data);
    return {scale: t('weight'), offset: t('bias'), mean: t('running_mean'), variance: t('running_var')};
  };
  const doubleConv = (prefix: string): DoubleConv => fused ?
    {convs: [conv(`${prefix}.conv.0`, `${prefix}.conv.1`), conv(`${prefix}.conv.3`, `${prefix}.conv.4`)]} :
    {convs: [conv(`${prefix}.conv.0`), conv(`${prefix}.conv.3`)], bns: [batchNorm(`${prefix}.conv.1`), batchNorm(`${prefix}.conv.4`)]};
  return {
    downs: features.map((_, i) => doubleConv(`downs.${i}`)),
    bottleneck: doubleConv('bottleneck'),
    ups: features.map((_, i) => ({transpose: conv(`ups.${2 * i}`), block: doubleConv(`ups.${2 * i + 1}`)})),
    final: conv('final_conv'),
  };
}

/** Frees every tensor of `weights`. */
export function disposeWeights(weights: Weights): void {
  const blocks = [...weights.downs, weights.bottleneck, ...weights.ups.map((u) => u.block)];
  const tensors: tf.Tensor[] = [weights.final.filter, weights.final.bias];
  for (const u of weights.ups) tensors.push(u.transpose.filter, u.transpose.bias);
  for (const b of blocks) {
    for (const c of b.convs) tensors.push(c.filter, c.bias);
    for (const n of b.bns ?? []) tensors.push(n.scale, n.offset, n.mean, n.variance);
  }
  tf.dispose(tensors);
}

/**
 * Bytes of the weights a run holds: each tensor and, on asc, the packed form of each filter
 * (conv/geometry.ts: the GEMM's copy, or Winograd's transformed filters for the 3x3 convs it
 * applies to, with the tile asc's flag usually gives).
 */
export function weightBytes(state: StateDict): number {
  const conv3 = packedFilterFactor(usualConv3Algorithm(winogradSetting()));
  let bytes = 0;
  for (const {data, shape} of state.values()) {
    // PyTorch's [out, in, kh, kw].
    const winograd = shape.length === 4 && winogradApplies({filterHeight: shape[2], filterWidth: shape[3], strideHeight: 1,
      strideWidth: 1, dilationHeight: 1, dilationWidth: 1, inChannels: shape[1], outChannels: shape[0]});
    bytes += 4 * data.length * (1 + (winograd ? conv3 : packedFilterFactor('direct')));
  }
  return bytes;
}
