// The seed's U-Net on tfjs ops (any backend): DoubleConv = (conv 3x3 pad 1 -> BatchNorm -> ReLU) x2,
// 2x2 max-pool between levels, a bottleneck, ConvTranspose 2x2 stride 2 per level up, bilinear
// resize (align_corners) when the size differs from the skip's, concat (skip, upsampled), and a
// final 1x1 conv. Weights are PyTorch's state_dict; inference folds each BatchNorm into its conv.
import * as tf from '@tensorflow/tfjs-core';
import {torchToTfjs} from './layout.js';
import {mulberry32} from './random.js';
import {readSafetensors, toFloat32, writeSafetensors} from './safetensors.js';
import {checkStateShapes, IGNORED_SUFFIX, inferConfig, StateDict, stateShapes, UNetConfig, validateConfig} from './state_dict.js';

export const BN_EPSILON = 1e-5; // nn.BatchNorm2d's default
const FORMAT = 'tfjs-backend-asc/unet';

interface Conv {
  filter: tf.Tensor4D; // HWIO
  bias: tf.Tensor1D;
}

interface BatchNorm {
  scale: tf.Tensor1D;
  offset: tf.Tensor1D;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/** A DoubleConv as PyTorch has it, or with each BatchNorm folded into its conv (`bn` absent). */
interface DoubleConv {
  convs: [Conv, Conv];
  bns?: [BatchNorm, BatchNorm];
}

interface Weights {
  downs: DoubleConv[];
  bottleneck: DoubleConv;
  ups: Array<{transpose: Conv, block: DoubleConv}>;
  final: Conv;
}

export interface PredictOptions {
  /** false runs conv, BatchNorm and ReLU as separate ops, exactly as PyTorch does (for checking). */
  fused?: boolean;
}

export interface SegmentOptions {
  /** Probability above which a pixel is foreground (one output channel). Default 0.5. */
  threshold?: number;
  /** Per-channel mean and standard deviation applied after scaling to [0, 1]. Default 0 and 1. */
  mean?: number[];
  std?: number[];
}

/** An image given as pixels: RGB(A) or gray, 8-bit or float, row-major. */
export interface ImagePixels {
  data: Uint8Array|Uint8ClampedArray|Float32Array;
  width: number;
  height: number;
  /** Values per pixel in `data` (4 for ImageData's RGBA). Default: data.length / (width * height). */
  channels?: number;
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

export class UNet {
  readonly config: UNetConfig;
  readonly levels: number;
  private readonly state: StateDict;
  private readonly fusedWeights: Weights;
  private unfusedWeights?: Weights;

  /** A U-Net from a state_dict (PyTorch layouts); checks every key and shape first. */
  constructor(config: UNetConfig, state: StateDict) {
    validateConfig(config);
    const shapes = new Map([...state].map(([k, v]) => [k, v.shape]));
    checkStateShapes(config, shapes);
    this.config = {inChannels: config.inChannels, outChannels: config.outChannels, features: [...config.features]};
    this.levels = config.features.length;
    this.state = new Map([...state].filter(([k]) => !k.endsWith(IGNORED_SUFFIX)));
    this.fusedWeights = this.buildWeights(true);
  }

  /**
   * Reads a safetensors file holding the seed model's state_dict (as written by
   * `safetensors.torch.save_file(model.state_dict(), path)`); the architecture comes from its shapes.
   */
  static fromSafetensors(bytes: Uint8Array|ArrayBuffer): UNet {
    const {tensors} = readSafetensors(bytes);
    const config = inferConfig(new Map([...tensors].map(([k, v]) => [k, v.shape])));
    const state: StateDict = new Map();
    for (const [key, entry] of tensors) {
      if (key.endsWith(IGNORED_SUFFIX)) continue;
      state.set(key, {shape: entry.shape, data: toFloat32(key, entry)});
    }
    return new UNet(config, state);
  }

  /** Loads a model saved by `save` through tf.io (a URL such as file://, http(s)://, indexeddb://, or a handler). */
  static async load(pathOrHandler: string|tf.io.IOHandler): Promise<UNet> {
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
    return new UNet(topology.config, state);
  }

  /** Saves the state_dict and architecture in tfjs's weights format (model.json + weights .bin). */
  async save(pathOrHandler: string|tf.io.IOHandler): Promise<tf.io.SaveResult> {
    const handler = typeof pathOrHandler === 'string' ? tf.io.getSaveHandlers(pathOrHandler)[0] : pathOrHandler;
    if (handler?.save == null) throw new Error(`UNet.save: no tf.io save handler for ${String(pathOrHandler)}`);
    const named = [...this.state].map(([name, {shape, data}]) => ({name, tensor: tf.tensor(data, shape, 'float32')}));
    try {
      const {data, specs} = await tf.io.encodeWeights(named);
      return await handler.save({
        modelTopology: {format: FORMAT, config: this.config},
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
   * The state_dict as a safetensors file (PyTorch layouts and key names), float32 or, half the
   * size, float16.
   */
  toSafetensors(dtype: 'F32'|'F16' = 'F32', metadata?: Record<string, string>): Uint8Array {
    return writeSafetensors(Object.fromEntries(this.state), metadata, dtype);
  }

  /** The state_dict (PyTorch layouts), copied. */
  stateDict(): StateDict {
    return new Map([...this.state].map(([k, v]) => [k, {shape: [...v.shape], data: v.data.slice()}]));
  }

  private conv(prefix: string, bnPrefix?: string): Conv {
    const w = this.state.get(`${prefix}.weight`);
    const b = this.state.get(`${prefix}.bias`).data;
    const o = w.shape[0];
    const filter = (scale?: Float64Array) => {
      const {shape, data} = torchToTfjs(w, scale);
      return tf.tensor4d(data, shape as [number, number, number, number]);
    };
    if (bnPrefix == null) return {filter: filter(), bias: tf.tensor1d(b)};
    // BatchNorm folded: w' = w * gamma / sqrt(var + eps), b' = (b - mean) * gamma / sqrt(var + eps) + beta.
    const gamma = this.state.get(`${bnPrefix}.weight`).data;
    const beta = this.state.get(`${bnPrefix}.bias`).data;
    const mean = this.state.get(`${bnPrefix}.running_mean`).data;
    const variance = this.state.get(`${bnPrefix}.running_var`).data;
    const scale = new Float64Array(o);
    const bias = new Float32Array(o);
    for (let c = 0; c < o; c++) {
      scale[c] = gamma[c] / Math.sqrt(variance[c] + BN_EPSILON);
      bias[c] = (b[c] - mean[c]) * scale[c] + beta[c];
    }
    return {filter: filter(scale), bias: tf.tensor1d(bias)};
  }

  private batchNorm(prefix: string): BatchNorm {
    const get = (p: string) => tf.tensor1d(this.state.get(`${prefix}.${p}`).data);
    return {scale: get('weight'), offset: get('bias'), mean: get('running_mean'), variance: get('running_var')};
  }

  private doubleConv(prefix: string, fused: boolean): DoubleConv {
    if (fused) return {convs: [this.conv(`${prefix}.conv.0`, `${prefix}.conv.1`), this.conv(`${prefix}.conv.3`, `${prefix}.conv.4`)]};
    return {
      convs: [this.conv(`${prefix}.conv.0`), this.conv(`${prefix}.conv.3`)],
      bns: [this.batchNorm(`${prefix}.conv.1`), this.batchNorm(`${prefix}.conv.4`)],
    };
  }

  private buildWeights(fused: boolean): Weights {
    const transpose = (key: string): Conv => {
      const {shape, data} = torchToTfjs(this.state.get(`${key}.weight`));
      return {filter: tf.tensor4d(data, shape as [number, number, number, number]), bias: tf.tensor1d(this.state.get(`${key}.bias`).data)};
    };
    return {
      downs: this.config.features.map((_, i) => this.doubleConv(`downs.${i}`, fused)),
      bottleneck: this.doubleConv('bottleneck', fused),
      ups: this.config.features.map((_, i) => ({transpose: transpose(`ups.${2 * i}`), block: this.doubleConv(`ups.${2 * i + 1}`, fused)})),
      final: this.conv('final_conv'),
    };
  }

  private runDoubleConv(x: tf.Tensor4D, block: DoubleConv): tf.Tensor4D {
    for (let i = 0; i < 2; i++) {
      const {filter, bias} = block.convs[i];
      if (block.bns == null) {
        x = tf.fused.conv2d({x, filter, bias, strides: 1, pad: 'same', activation: 'relu'});
      } else {
        const {mean, variance, offset, scale} = block.bns[i];
        x = tf.relu(tf.batchNorm(tf.add(tf.conv2d(x, filter, 1, 'same'), bias), mean, variance, offset, scale, BN_EPSILON));
      }
    }
    return x;
  }

  /** Checks an NHWC input against the model; the error names what is wrong. */
  private checkInput(x: tf.Tensor): void {
    if (!(x instanceof tf.Tensor)) throw new Error('UNet.predict: input must be a tf.Tensor');
    if (x.rank !== 4) throw new Error(`UNet.predict: input must be rank 4 [batch, height, width, channels], got rank ${x.rank} [${x.shape.join(', ')}]`);
    if (x.dtype !== 'float32') throw new Error(`UNet.predict: input dtype must be float32, got ${x.dtype}`);
    const [, h, w, c] = x.shape;
    if (c !== this.config.inChannels) {
      throw new Error(`UNet.predict: input has ${c} channels, the model takes ${this.config.inChannels}`);
    }
    const min = 2 ** this.levels;
    if (h < min || w < min) {
      throw new Error(`UNet.predict: input ${h}x${w} is too small for ${this.levels} levels: height and width must be at least ${min}`);
    }
  }

  /** NHWC float32 [N, H, W, inChannels] -> logits [N, H, W, outChannels], BatchNorm in eval mode. */
  predict(x: tf.Tensor4D, {fused = true}: PredictOptions = {}): tf.Tensor4D {
    this.checkInput(x);
    if (!fused) this.unfusedWeights ??= this.buildWeights(false);
    const weights = fused ? this.fusedWeights : this.unfusedWeights;
    return tf.tidy(() => {
      const skips: tf.Tensor4D[] = [];
      let h = x;
      for (const block of weights.downs) {
        h = this.runDoubleConv(h, block);
        skips.push(h);
        h = tf.maxPool(h, 2, 2, 'valid');
      }
      h = this.runDoubleConv(h, weights.bottleneck);
      weights.ups.forEach(({transpose, block}, i) => {
        const skip = skips[skips.length - 1 - i];
        const [n, height, width] = h.shape;
        const channels = transpose.filter.shape[2];
        h = tf.add(tf.conv2dTranspose(h, transpose.filter, [n, 2 * height, 2 * width, channels], 2, 'valid'), transpose.bias);
        if (h.shape[1] !== skip.shape[1] || h.shape[2] !== skip.shape[2]) {
          h = tf.image.resizeBilinear(h, [skip.shape[1], skip.shape[2]], true);
        }
        h = this.runDoubleConv(tf.concat([skip, h], 3), block);
      });
      return tf.add(tf.conv2d(h, weights.final.filter, 1, 'valid'), weights.final.bias);
    });
  }

  /**
   * Segments images: scales 8-bit (or int32) values to [0, 1], normalizes with `mean`/`std`, predicts,
   * then thresholds the sigmoid (one output channel) or takes the argmax (several). A tensor
   * [N, H, W, C] or [H, W, C] gives an int32 mask tensor [N, H, W] or [H, W]; pixels give
   * {width, height, mask: Uint8Array}. Every intermediate is disposed.
   */
  segment(image: tf.Tensor3D|tf.Tensor4D, options?: SegmentOptions): tf.Tensor;
  segment(image: ImagePixels, options?: SegmentOptions): {width: number, height: number, mask: Uint8Array};
  segment(image: tf.Tensor3D|tf.Tensor4D|ImagePixels, {threshold = 0.5, mean, std}: SegmentOptions = {}):
      tf.Tensor|{width: number, height: number, mask: Uint8Array} {
    const fromPixels = !(image instanceof tf.Tensor);
    const mask = tf.tidy(() => {
      let x = fromPixels ? this.pixelsToTensor(image as ImagePixels) : image as tf.Tensor;
      if (x.rank === 3) x = tf.expandDims(x, 0);
      if (x.rank !== 4) throw new Error(`UNet.segment: image must be rank 3 or 4, got rank ${x.rank}`);
      let input = x.dtype === 'float32' ? x : tf.div(tf.cast(x, 'float32'), 255);
      if (mean != null) input = tf.sub(input, tf.tensor1d(mean));
      if (std != null) input = tf.div(input, tf.tensor1d(std));
      const logits = this.predict(input as tf.Tensor4D);
      const classes = this.config.outChannels === 1 ?
          tf.cast(tf.greater(tf.sigmoid(tf.squeeze(logits, [3])), threshold), 'int32') :
          tf.argMax(logits, 3);
      return fromPixels || (image as tf.Tensor).rank === 4 ? classes : tf.squeeze(classes, [0]);
    });
    if (!fromPixels) return mask;
    const {width, height} = image as ImagePixels;
    const values = Uint8Array.from(mask.dataSync());
    mask.dispose();
    return {width, height, mask: values};
  }

  private pixelsToTensor({data, width, height, channels}: ImagePixels): tf.Tensor {
    const perPixel = channels ?? data.length / (width * height);
    if (!Number.isInteger(perPixel) || data.length !== width * height * perPixel) {
      throw new Error(`UNet.segment: ${data.length} values do not make a ${width}x${height} image`);
    }
    const values = data instanceof Float32Array ? data : Int32Array.from(data);
    let x: tf.Tensor = tf.tensor4d(values, [1, height, width, perPixel], data instanceof Float32Array ? 'float32' : 'int32');
    const cin = this.config.inChannels;
    if (perPixel === 4 && cin === 3) x = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 3]); // drop alpha
    else if (perPixel >= 3 && cin === 1) x = tf.mean(tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 3]), 3, true);
    return x;
  }

  /** Frees the model's tensors. */
  dispose(): void {
    for (const weights of [this.fusedWeights, this.unfusedWeights]) {
      if (weights == null) continue;
      const blocks = [...weights.downs, weights.bottleneck, ...weights.ups.map((u) => u.block)];
      const tensors: tf.Tensor[] = [weights.final.filter, weights.final.bias];
      for (const u of weights.ups) tensors.push(u.transpose.filter, u.transpose.bias);
      for (const b of blocks) {
        for (const c of b.convs) tensors.push(c.filter, c.bias);
        for (const n of b.bns ?? []) tensors.push(n.scale, n.offset, n.mean, n.variance);
      }
      tf.dispose(tensors);
    }
  }
}

/** PyTorch's default initialization of these layers, from a seeded generator. */
export function createUNet({inChannels = 3, outChannels = 1, features = [64, 128, 256, 512], seed = 0}:
    Partial<UNetConfig>&{seed?: number} = {}): UNet {
  const config = {inChannels, outChannels, features};
  validateConfig(config);
  const random = mulberry32(seed);
  const shapes = stateShapes(config);
  const state: StateDict = new Map();
  for (const [key, shape] of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const bnParam = /\.conv\.[14]\.(weight|bias|running_mean|running_var)$/.exec(key)?.[1];
    if (bnParam != null) {
      data.fill(bnParam === 'weight' || bnParam === 'running_var' ? 1 : 0);
    } else {
      // Conv2d and ConvTranspose2d: kaiming_uniform(a=sqrt(5)) weights and their bias share the
      // bound 1/sqrt(fan_in); fan_in is dim 1 of the weight times the kernel area.
      const weightShape = key.endsWith('.bias') ? shapes.get(key.replace(/bias$/, 'weight')) : shape;
      const bound = 1 / Math.sqrt(weightShape[1] * weightShape[2] * weightShape[3]);
      for (let i = 0; i < size; i++) data[i] = (random() * 2 - 1) * bound;
    }
    state.set(key, {shape, data});
  }
  return new UNet(config, state);
}
