// The U-Net's files: its state_dict as a safetensors file (as PyTorch's `safetensors.torch` writes
// and reads it), and tfjs's weights format through tf.io (model.json + weights .bin, with the
// architecture), every file checked before it is decoded.
import * as tf from '@tensorflow/tfjs-core';
import {readSafetensors, SafetensorsDtype, toFloat32, writeSafetensors} from './safetensors.js';
import {IGNORED_SUFFIX, inferConfig, StateDict, UNetConfig} from './state_dict.js';

const FORMAT = 'tfjs-backend-asc/unet';

/** The state_dict in a safetensors file and the architecture its shapes give. */
export function stateFromSafetensors(bytes: Uint8Array|ArrayBuffer): {config: UNetConfig, state: StateDict} {
  const {tensors} = readSafetensors(bytes);
  const config = inferConfig(new Map([...tensors].map(([k, v]) => [k, v.shape])));
  const state: StateDict = new Map();
  for (const [key, entry] of tensors) {
    if (key.endsWith(IGNORED_SUFFIX)) continue;
    state.set(key, {shape: entry.shape, data: toFloat32(key, entry)});
  }
  return {config, state};
}

/** The state_dict as a safetensors file (PyTorch layouts and key names), float32 or float16. */
export function stateToSafetensors(state: StateDict, dtype: Extract<SafetensorsDtype, 'F32'|'F16'>,
    metadata?: Record<string, string>): Uint8Array {
  return writeSafetensors(Object.fromEntries(state), metadata, dtype);
}

/** Loads what saveState saved, through a tf.io URL (file://, http(s)://, indexeddb://, ...) or handler. */
export async function loadState(pathOrHandler: string|tf.io.IOHandler): Promise<{config: UNetConfig, state: StateDict}> {
  const handler = typeof pathOrHandler === 'string' ? tf.io.getLoadHandlers(pathOrHandler)[0] : pathOrHandler;
  if (handler?.load == null) throw new Error(`UNet.load: no tf.io load handler for ${String(pathOrHandler)}`);
  const artifacts = await handler.load();
  const topology = artifacts.modelTopology as {format?: string, config?: UNetConfig};
  if (topology?.format !== FORMAT || topology.config == null || typeof topology.config !== 'object' ||
      artifacts.weightSpecs == null || artifacts.weightData == null) {
    throw new Error(`UNet.load: not a U-Net saved by tfjs-backend-asc (modelTopology.format is ` +
        `${JSON.stringify(topology?.format)})`);
  }
  checkWeights(artifacts.weightSpecs, artifacts.weightData);
  const named = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  const state: StateDict = new Map();
  for (const [key, t] of Object.entries(named)) {
    state.set(key, {shape: t.shape, data: t.dataSync() as Float32Array});
    t.dispose();
  }
  return {config: topology.config, state};
}

/** Saves the state_dict and architecture in tfjs's weights format (model.json + weights .bin). */
export async function saveState(pathOrHandler: string|tf.io.IOHandler, config: UNetConfig, state: StateDict):
    Promise<tf.io.SaveResult> {
  const handler = typeof pathOrHandler === 'string' ? tf.io.getSaveHandlers(pathOrHandler)[0] : pathOrHandler;
  if (handler?.save == null) throw new Error(`UNet.save: no tf.io save handler for ${String(pathOrHandler)}`);
  const named = [...state].map(([name, {shape, data}]) => ({name, tensor: tf.tensor(data, shape, 'float32')}));
  try {
    const {data, specs} = await tf.io.encodeWeights(named);
    return await handler.save({
      modelTopology: {format: FORMAT, config},
      weightSpecs: specs,
      weightData: data,
      format: FORMAT,
      generatedBy: 'tfjs-backend-asc',
    });
  } finally {
    for (const {tensor} of named) tensor.dispose();
  }
}

/**
 * Throws unless the weights manifest is float32 tensors with valid shapes and distinct names, and
 * the weight data hold exactly the bytes it lists (a missing or short weights file would otherwise
 * decode as garbage or a RangeError).
 */
function checkWeights(specs: tf.io.WeightsManifestEntry[], data: tf.io.WeightData): void {
  if (!Array.isArray(specs)) throw new Error('UNet.load: the weights manifest is not a list');
  let needed = 0;
  const names = new Set<string>();
  for (const spec of specs) {
    const {name, shape, dtype} = spec ?? {} as tf.io.WeightsManifestEntry;
    if (typeof name !== 'string' || names.has(name)) throw new Error(`UNet.load: weight name ${JSON.stringify(name)} is missing or repeated`);
    names.add(name);
    if (dtype !== 'float32' || spec.quantization != null) {
      throw new Error(`UNet.load: weight '${name}' is ${spec.quantization ? 'quantized ' : ''}${dtype}, expected float32`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`UNet.load: weight '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    }
    needed += 4 * shape.reduce((a, b) => a * b, 1);
  }
  const buffers = Array.isArray(data) ? data : [data];
  const held = buffers.reduce((sum, b) => sum + (b?.byteLength ?? 0), 0);
  if (held !== needed) {
    throw new Error(`UNet.load: the weights hold ${held} bytes, the manifest lists ${needed} ` +
        `(a weights file is missing, short or from another model)`);
  }
}
