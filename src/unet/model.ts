// The seed's U-Net on tfjs ops (any backend): DoubleConv = (conv 3x3 pad 1 -> BatchNorm -> ReLU) x2,
// 2x2 max-pool between levels, a bottleneck, ConvTranspose 2x2 stride 2 per level up, bilinear
// resize (align_corners) when the size differs from the skip's, concat (skip, upsampled), and a
// final 1x1 conv. Weights are PyTorch's state_dict; inference folds each BatchNorm into its conv.
import * as tf from '@tensorflow/tfjs-core';
import {BatchNorm, BN_EPSILON, Conv, Layer, Range, runLayer, winogradSetting} from './graph.js';
import {torchToTfjs} from './layout.js';
import {mulberry32} from './random.js';
import {readSafetensors, toFloat32, writeSafetensors} from './safetensors.js';
import {checkStateShapes, IGNORED_SUFFIX, inferConfig, StateDict, stateShapes, UNetConfig, validateConfig} from './state_dict.js';
import {fieldOf, planTiles, runTiles, TileOptions, TilePlan} from './tiled.js';

const FORMAT = 'tfjs-backend-asc/unet';

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

type PixelValues = Uint8Array|Uint8ClampedArray|Float32Array;

/**
 * An image read from the top in bands of rows (e.g. while a PNG decodes): `rows()` yields the
 * values of whole rows, row-major, in pieces of any length, and starts again from the top at each
 * call (every strip of a tiled run reads the image once).
 */
export interface PixelRows {
  width: number;
  height: number;
  /** Values per pixel (4 for RGBA, the default; 3 RGB; 1 gray). */
  channels?: number;
  rows(): AsyncIterable<PixelValues>|Iterable<PixelValues>;
}

function pixelRows(image: ImagePixels): PixelRows {
  const {data, width, height} = image;
  return {width, height, channels: image.channels ?? data.length / (width * height), rows: () => [data]};
}

/** Reads bands of rows, in order, from a PixelRows pass. */
class RowReader {
  private readonly pieces: Iterator<PixelValues>|AsyncIterator<PixelValues>;
  private held: PixelValues|null = null;
  /** The first row `held` starts at. */
  top = 0;

  constructor(rows: AsyncIterable<PixelValues>|Iterable<PixelValues>, private readonly rowValues: number, private readonly height: number) {
    this.pieces = Symbol.asyncIterator in rows ? rows[Symbol.asyncIterator]() : rows[Symbol.iterator]();
  }

  /** Rows [y0, y1) (y0 at or past the rows taken before), as one array. */
  async take(y0: number, y1: number): Promise<PixelValues> {
    const end = y1 * this.rowValues;
    while (this.top * this.rowValues + (this.held?.length ?? 0) < end) {
      const {value, done} = await this.pieces.next();
      if (done) {
        const rows = Math.floor((this.top * this.rowValues + (this.held?.length ?? 0)) / this.rowValues);
        throw new Error(`UNet.segmentTiled: the image source ended after ${rows} of its ${this.height} rows`);
      }
      if (this.held == null || this.held.length === 0) {
        this.held = value;
      } else {
        const joined = value instanceof Float32Array ? new Float32Array(this.held.length + value.length) : new Uint8Array(this.held.length + value.length);
        joined.set(this.held);
        joined.set(value, this.held.length);
        this.held = joined;
      }
    }
    const from = (y0 - this.top) * this.rowValues;
    const band = this.held.subarray(from, from + (y1 - y0) * this.rowValues);
    this.held = this.held.subarray(from + band.length);
    this.top = y1;
    return band;
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

  /**
   * The network for [height, width] inputs as a list of layers (each after its inputs), every one of
   * which can compute any rectangle of its output: whole-image and tiled inference both run it.
   */
  private layers(height: number, width: number, fused: boolean): Layer[] {
    if (!fused) this.unfusedWeights ??= this.buildWeights(false);
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
   * Bytes of the weights a run holds: the filters and, on asc, their packed copies (the GEMM's: the
   * filter's size and a bias block; Winograd's for a 3x3 conv of 8 channels or more: 36 frequencies
   * for 9 taps with F(4,3), the cost model's usual choice, 16 with F(2,3)).
   */
  private weightBytes(): number {
    const setting = winogradSetting();
    const conv3Copy = setting === false ? 1.1 : setting === 'F(2,3)' ? 16 / 9 + 0.1 : 36 / 9 + 0.1;
    let bytes = 0;
    for (const {data, shape} of this.state.values()) {
      // PyTorch's [out, in, kh, kw].
      const conv3 = shape.length === 4 && shape[2] === 3 && shape[3] === 3 && Math.min(shape[0], shape[1]) >= 8;
      bytes += 4 * data.length * (1 + (conv3 ? conv3Copy : 1.1));
    }
    return bytes;
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
    const plan = planTiles((h) => h === height ? layers : this.layers(h, width, fused), height, batch, this.weightBytes(),
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
    const fromPixels = !(image instanceof tf.Tensor);
    const mask = tf.tidy(() => {
      let x = fromPixels ? this.pixelsToTensor(image as ImagePixels) : image as tf.Tensor;
      if (x.rank === 3) x = tf.expandDims(x, 0);
      if (x.rank !== 4) throw new Error(`UNet.segment: image must be rank 3 or 4, got rank ${x.rank}`);
      const classes = this.classify(this.predict(this.normalize(x as tf.Tensor4D, options)), options);
      return fromPixels || (image as tf.Tensor).rank === 4 ? classes : tf.squeeze(classes, [0]);
    });
    if (!fromPixels) return mask;
    const {width, height} = image as ImagePixels;
    const values = Uint8Array.from(mask.dataSync());
    mask.dispose();
    return {width, height, mask: values};
  }

  /** 8-bit (or int32) values to [0, 1], then `mean`/`std`: segment's input. */
  private normalize(x: tf.Tensor4D, {mean, std}: SegmentOptions): tf.Tensor4D {
    return tf.tidy(() => {
      let input = x.dtype === 'float32' ? x : tf.div(tf.cast(x, 'float32'), 255);
      if (mean != null) input = tf.sub(input, tf.tensor1d(mean));
      if (std != null) input = tf.div(input, tf.tensor1d(std));
      return input as tf.Tensor4D;
    });
  }

  /** Logits to class ids: the thresholded sigmoid (one output channel) or the argmax. */
  private classify(logits: tf.Tensor4D, {threshold = 0.5}: SegmentOptions): tf.Tensor3D {
    return tf.tidy(() => this.config.outChannels === 1 ?
        tf.cast(tf.greater(tf.sigmoid(tf.squeeze(logits, [3])), threshold), 'int32') as tf.Tensor3D :
        tf.argMax(logits, 3) as tf.Tensor3D);
  }

  /**
   * segment in bounded memory, for images of any size: the image is read band by band (from pixels,
   * or from a source that yields rows, e.g. a PNG being decoded) and the mask comes out band by band
   * (to `onMask`, or gathered into the returned mask when `onMask` is absent). The mask equals
   * segment's bit for bit with the default halo.
   */
  async segmentTiled(image: ImagePixels|PixelRows, options: SegmentOptions&TileOptions&{
    onMask?: (mask: Uint8Array, rows: Range, cols: Range) => void|Promise<void>,
  } = {}): Promise<{width: number, height: number, mask?: Uint8Array, plan: TilePlan}> {
    const source = 'rows' in image ? image : pixelRows(image);
    const {width, height} = source;
    const channels = source.channels ?? 4;
    if (!(Number.isSafeInteger(width) && width > 0 && Number.isSafeInteger(height) && height > 0 && channels > 0)) {
      throw new Error(`UNet.segmentTiled: the image must have a positive integer width and height, got ${width}x${height}`);
    }
    this.checkSize('UNet.segmentTiled: image', height, width, `${width}x${height}`);
    const mask = options.onMask == null ? new Uint8Array(width * height) : null;
    const rowBytes = width * channels;
    let reader: RowReader|null = null;
    const plan = await this.runTiled(1, height, width, options, async ([y0, y1], [x0, x1]) => {
      if (reader == null || y0 < reader.top) reader = new RowReader(source.rows(), rowBytes, height);
      const rows = await reader.take(y0, y1);
      const size = (y1 - y0) * (x1 - x0) * channels;
      const band = rows instanceof Float32Array ? new Float32Array(size) : new Uint8Array(size);
      for (let y = 0; y < y1 - y0; y++) band.set(rows.subarray(y * rowBytes + x0 * channels, y * rowBytes + x1 * channels), y * (x1 - x0) * channels);
      return tf.tidy(() => this.normalize(this.pixelsToTensor({data: band, width: x1 - x0, height: y1 - y0, channels}) as tf.Tensor4D, options));
    }, async (logits, rows, cols) => {
      const classes = this.classify(logits, options);
      const values = Uint8Array.from(classes.dataSync());
      classes.dispose();
      if (options.onMask != null) return options.onMask(values, rows, cols);
      const w = cols[1] - cols[0];
      for (let y = rows[0]; y < rows[1]; y++) mask.set(values.subarray((y - rows[0]) * w, (y - rows[0] + 1) * w), y * width + cols[0]);
    });
    return {width, height, ...(mask != null ? {mask} : {}), plan};
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
    else if (perPixel >= 3 && cin === 1) {
      // Gray: the mean of R, G and B, rounded back to 8 bits when the pixels are (segment then scales it).
      const gray = tf.mean(tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 3]), 3, true);
      x = x.dtype === 'int32' ? tf.cast(tf.round(gray), 'int32') : gray;
    }
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
