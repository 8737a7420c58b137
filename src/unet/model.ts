// The seed's U-Net on tfjs ops (any backend): DoubleConv = (conv 3x3 pad 1 -> BatchNorm -> ReLU) x2,
// 2x2 max-pool between levels, a bottleneck, ConvTranspose 2x2 stride 2 per level up, bilinear
// resize (align_corners) when the size differs from the skip's, concat (skip, upsampled), and a
// final 1x1 conv. Weights are PyTorch's state_dict; inference folds each BatchNorm into its conv.
// The model holds the weights, builds the network as layers and runs them, whole or tiled; its
// files (formats.ts) and image segmentation (segment.ts) live apart.
import * as tf from '@tensorflow/tfjs-core';
import {loadState, saveState, stateFromSafetensors, stateToSafetensors} from './formats.js';
import {Layer, Range, runLayer} from './graph.js';
import {ImagePixels, PixelRows, Segmentable, segmentBands, SegmentOptions, segmentWhole} from './segment.js';
import {checkStateShapes, IGNORED_SUFFIX, initialState, StateDict, UNetConfig, validateConfig} from './state_dict.js';
import {fieldOf, planTiles, runTiles, TileOptions, TilePlan} from './tiled.js';
import {buildWeights, disposeWeights, DoubleConv, Weights, weightBytes} from './weights.js';

export interface PredictOptions {
  /** false runs conv, BatchNorm and ReLU as separate ops, exactly as PyTorch does (for checking). */
  fused?: boolean;
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
    this.fusedWeights = buildWeights(this.state, this.config, true);
  }

  /**
   * Reads a safetensors file holding the seed model's state_dict (as written by
   * `safetensors.torch.save_file(model.state_dict(), path)`); the architecture comes from its shapes.
   */
  static fromSafetensors(bytes: Uint8Array|ArrayBuffer): UNet {
    const {config, state} = stateFromSafetensors(bytes);
    return new UNet(config, state);
  }

  /** Loads a model saved by `save` through tf.io (a URL such as file://, http(s)://, indexeddb://, or a handler). */
  static async load(pathOrHandler: string|tf.io.IOHandler): Promise<UNet> {
    const {config, state} = await loadState(pathOrHandler);
    return new UNet(config, state);
  }

  /** Saves the state_dict and architecture in tfjs's weights format (model.json + weights .bin). */
  save(pathOrHandler: string|tf.io.IOHandler): Promise<tf.io.SaveResult> {
    return saveState(pathOrHandler, this.config, this.state);
  }

  /**
   * The state_dict as a safetensors file (PyTorch layouts and key names), float32 or, half the
   * size, float16.
   */
  toSafetensors(dtype: 'F32'|'F16' = 'F32', metadata?: Record<string, string>): Uint8Array {
    return stateToSafetensors(this.state, dtype, metadata);
  }

  /** The state_dict (PyTorch layouts), copied. */
  stateDict(): StateDict {
    return new Map([...this.state].map(([k, v]) => [k, {shape: [...v.shape], data: v.data.slice()}]));
  }

  /**
   * The network for [height, width] inputs as a list of layers (each after its inputs), every one of
   * which can compute any rectangle of its output: whole-image and tiled inference both run it.
   */
  private layers(height: number, width: number, fused: boolean): Layer[] {
    if (!fused) this.unfusedWeights ??= buildWeights(this.state, this.config, false);
    const weights = fused ? this.fusedWeights : this.unfusedWeights;
    const layers: Layer[] = [];
    const add = (layer: Layer) => layers.push(layer) - 1;
    let size: [number, number] = [height, width];
    let x = add({name: 'input', kind: 'input', inputs: [], channels: this.config.inChannels, size});
    const doubleConv = (name: string, block: DoubleConv) => {
      block.convs.forEach((conv, i) => {
        x = add({name: `${name}.conv${i}`, kind: 'conv3', inputs: [x], channels: conv.filter.shape[3], size, conv, bn: block.bns?.[i]});
      });
    };
    const skips: number[] = [];
    weights.downs.forEach((block, i) => {
      doubleConv(`downs.${i}`, block);
      skips.push(x);
      size = [Math.floor(size[0] / 2), Math.floor(size[1] / 2)];
      x = add({name: `pool.${i}`, kind: 'pool', inputs: [x], channels: layers[x].channels, size});
    });
    doubleConv('bottleneck', weights.bottleneck);
    weights.ups.forEach(({transpose, block}, i) => {
      const skip = layers[skips[skips.length - 1 - i]];
      size = [2 * size[0], 2 * size[1]];
      const channels = transpose.filter.shape[2];
      x = add({name: `ups.${2 * i}`, kind: 'up', inputs: [x], channels, size, conv: transpose});
      if (size[0] !== skip.size[0] || size[1] !== skip.size[1]) {
        // An odd size: the upsampled map is one short, resized to the skip's (align_corners) as PyTorch's seed does.
        size = skip.size;
        x = add({name: `resize.${i}`, kind: 'resize', inputs: [x], channels, size});
      }
      x = add({name: `concat.${i}`, kind: 'concat', inputs: [skips[skips.length - 1 - i], x], channels: skip.channels + channels, size});
      doubleConv(`ups.${2 * i + 1}`, block);
    });
    add({name: 'final_conv', kind: 'conv1', inputs: [x], channels: this.config.outChannels, size, conv: weights.final});
    return layers;
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
    this.checkSize('UNet.predict: input', h, w);
  }

  /** 2^levels: the network's total stride, and the least height and width it takes. */
  private get stride(): number {
    return 2 ** this.levels;
  }

  /** Throws unless `height` and `width` reach the stride; `what` (and `shown`) name the input in the message. */
  private checkSize(what: string, height: number, width: number, shown = `${height}x${width}`): void {
    if (height < this.stride || width < this.stride) {
      throw new Error(`${what} ${shown} is too small for ${this.levels} levels: height and width must be at least ${this.stride}`);
    }
  }

  /** NHWC float32 [N, H, W, inChannels] -> logits [N, H, W, outChannels], BatchNorm in eval mode. */
  predict(x: tf.Tensor4D, {fused = true}: PredictOptions = {}): tf.Tensor4D {
    this.checkInput(x);
    const layers = this.layers(x.shape[1], x.shape[2], fused);
    // Each layer's output is freed after its last reader: only the skips wait (a quarter of what
    // holding every layer to the end takes).
    const lastReader = layers.map(() => 0);
    layers.forEach((layer, i) => layer.inputs.forEach((input) => lastReader[input] = i));
    return tf.tidy(() => {
      const outputs: tf.Tensor4D[] = [x];
      layers.forEach((layer, i) => {
        if (i === 0) return;
        const whole: [Range, Range] = [[0, layer.size[0]], [0, layer.size[1]]];
        outputs.push(runLayer(layers, layer, layer.inputs.map((k) => outputs[k]), layer.inputs.map(() => [0, 0]),
            whole[0], whole[1], whole));
        for (const input of layer.inputs) if (input > 0 && lastReader[input] === i) outputs[input].dispose();
      });
      return outputs[outputs.length - 1];
    });
  }

  /**
   * Input pixels on each side that an output pixel depends on (from the architecture: two 3x3 convs
   * per level, the pools and upsamplings between): the halo that makes tiled inference exact, for
   * sizes that are multiples of 2^levels (an odd size's align-corners resizes widen it by less than
   * a pixel per level; planTiles gives the halo of a given size).
   */
  receptiveField(): number {
    // Columns in the middle of an image wide enough that no edge clips their cones, at every phase
    // of the total stride (the pools' rounding makes the cone depend on it).
    const stride = this.stride, side = stride * 64;
    const layers = this.layers(stride, side, true);
    return Math.max(...Array.from({length: stride}, (_, p) => fieldOf(layers, [side / 2 + p, side / 2 + p + 1], false)));
  }

  /**
   * How a tiled run of an [N, height, width] input is cut (strips, rows per step, halo, estimated
   * bytes) under `options`; throws when the budget cannot hold it.
   */
  planTiles(batch: number, height: number, width: number, options: TileOptions&PredictOptions = {}): TilePlan {
    if (!(Number.isSafeInteger(batch) && batch > 0 && Number.isSafeInteger(height) && Number.isSafeInteger(width))) {
      throw new Error(`UNet.planTiles: batch, height and width must be positive integers, got ${batch}, ${height}, ${width}`);
    }
    this.checkSize('UNet.planTiles: input', height, width);
    return this.tilePlan(batch, height, width, options).plan;
  }

  /** The network for the size and how a run of it is cut. */
  private tilePlan(batch: number, height: number, width: number, options: TileOptions&PredictOptions): {layers: Layer[], plan: TilePlan} {
    const fused = options.fused ?? true;
    const layers = this.layers(height, width, fused);
    const plan = planTiles((h) => h === height ? layers : this.layers(h, width, fused), height, batch, weightBytes(this.state),
        this.stride, options);
    return {layers, plan};
  }

  /**
   * predict in bounded memory: strips of columns streamed through the network in bands of rows,
   * each layer holding only the rows still needed. Equal to predict's output bit for bit with the
   * default halo. The input and output are whole tensors; segmentTiled streams pixels as well.
   */
  async predictTiled(x: tf.Tensor4D, options: TileOptions&PredictOptions = {}): Promise<tf.Tensor4D> {
    this.checkInput(x);
    const [batch, height, width] = x.shape;
    const outChannels = this.config.outChannels;
    const output = new Float32Array(batch * height * width * outChannels);
    await this.runTiled(batch, height, width, options,
        ([y0, y1], [x0, x1]) => tf.slice(x, [0, y0, x0, 0], [-1, y1 - y0, x1 - x0, -1]),
        (out, [y0, y1], [x0, x1]) => {
          const values = out.dataSync();
          const rowValues = (x1 - x0) * outChannels;
          for (let n = 0; n < batch; n++) {
            for (let y = y0; y < y1; y++) {
              const from = ((n * (y1 - y0)) + (y - y0)) * rowValues;
              output.set(values.subarray(from, from + rowValues), ((n * height + y) * width + x0) * outChannels);
            }
          }
        });
    return tf.tensor4d(output, [batch, height, width, outChannels]);
  }

  private async runTiled(batch: number, height: number, width: number, options: TileOptions&PredictOptions,
      read: (rows: Range, cols: Range) => tf.Tensor4D|Promise<tf.Tensor4D>,
      write: (out: tf.Tensor4D, rows: Range, cols: Range) => void|Promise<void>): Promise<TilePlan> {
    const {layers, plan} = this.tilePlan(batch, height, width, options);
    await runTiles(layers, batch, plan, this.stride, async (rows, cols) => {
      const band = await read(rows, cols);
      const expected = [batch, rows[1] - rows[0], cols[1] - cols[0], this.config.inChannels];
      if (band.shape.join() !== expected.join()) {
        const got = band.shape.join(', ');
        band.dispose();
        throw new Error(`UNet tiled: the input band for rows ${rows[0]}..${rows[1]}, columns ${cols[0]}..${cols[1]} ` +
            `has shape [${got}], expected [${expected.join(', ')}]`);
      }
      return band;
    }, write, options.onProgress);
    return plan;
  }

  /**
   * Segments images: scales 8-bit (or int32) values to [0, 1], normalizes with `mean`/`std`, predicts,
   * then thresholds the sigmoid (one output channel) or takes the argmax (several). A tensor
   * [N, H, W, C] or [H, W, C] gives an int32 mask tensor [N, H, W] or [H, W]; pixels give
   * {width, height, mask: Uint8Array}. Every intermediate is disposed.
   */
  segment(image: tf.Tensor3D|tf.Tensor4D, options?: SegmentOptions): tf.Tensor;
  segment(image: ImagePixels, options?: SegmentOptions): {width: number, height: number, mask: Uint8Array};
  segment(image: tf.Tensor3D|tf.Tensor4D|ImagePixels, options: SegmentOptions = {}):
      tf.Tensor|{width: number, height: number, mask: Uint8Array} {
    return segmentWhole(this.segmentable({}), image, options);
  }

  /**
   * segment in bounded memory, for images of any size: the image is read band by band (from pixels,
   * or from a source that yields rows, e.g. a PNG being decoded) and the mask comes out band by band
   * (to `onMask`, or gathered into the returned mask when `onMask` is absent). The mask equals
   * segment's bit for bit with the default halo.
   */
  segmentTiled(image: ImagePixels|PixelRows, options: SegmentOptions&TileOptions&{
    onMask?: (mask: Uint8Array, rows: Range, cols: Range) => void|Promise<void>,
  } = {}): Promise<{width: number, height: number, mask?: Uint8Array, plan: TilePlan}> {
    return segmentBands(this.segmentable(options), image, options);
  }

  /** What segment.ts runs: whole predictions, and tiled runs of one image under `options`. */
  private segmentable(options: TileOptions): Segmentable {
    return {
      config: this.config,
      predict: (x) => this.predict(x),
      runTiled: (height, width, read, write) => {
        this.checkSize('UNet.segmentTiled: image', height, width, `${width}x${height}`);
        return this.runTiled(1, height, width, options, read, write);
      },
    };
  }

  /** Frees the model's tensors. */
  dispose(): void {
    for (const weights of [this.fusedWeights, this.unfusedWeights]) if (weights != null) disposeWeights(weights);
  }
}

/** PyTorch's default initialization of these layers, from a seeded generator. */
export function createUNet({inChannels = 3, outChannels = 1, features = [64, 128, 256, 512], seed = 0}:
    Partial<UNetConfig>&{seed?: number} = {}): UNet {
  const config = {inChannels, outChannels, features};
  validateConfig(config);
  return new UNet(config, initialState(config, seed));
}
