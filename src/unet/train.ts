// Training the seed's U-Net on tfjs (any backend; asc is the point): BatchNorm in training mode
// (batch statistics; running averages updated as PyTorch does: momentum 0.1, unbiased variance),
// Adam, loss = binary cross-entropy on the logits + soft Dice. Parameters live as tfjs variables in
// tfjs layouts and go back to a PyTorch state_dict for saving, so PyTorch can load what trains here.
import * as tf from '@tensorflow/tfjs-core';
import {BN_EPSILON} from './graph.js';
import {Shaped, tfjsToTorch, torchToTfjs} from './layout.js';
import {readSafetensors, toFloat32, writeSafetensors} from './safetensors.js';
import {StateDict, stateShapes} from './state_dict.js';
import {UNet} from './model.js';

/** nn.BatchNorm2d's default momentum. */
const BN_MOMENTUM = 0.1;
const OPTIMIZER_PREFIX = 'optimizer.';
const ADAM_PREFIX = 'adam.';
const ADAM_BETA_POWERS = ['accBeta1', 'accBeta2'] as const;

export interface TrainerOptions {
  /** Adam's step size (default 1e-3). */
  learningRate?: number;
}

export interface EvaluateResult {
  loss: number;
  /** Intersection over union of the thresholded prediction (sigmoid > 0.5) and the mask, over the whole set. */
  iou: number;
}

export class UNetTrainer {
  readonly model: {config: UNet['config']};
  /** Optimizer steps taken (restored with a checkpoint). */
  step = 0;
  private readonly params = new Map<string, tf.Variable>();
  /** What Adam updates, in the state_dict's canonical order (its moments are kept by position). */
  private readonly trainable: tf.Variable[] = [];
  private readonly optimizer: tf.AdamOptimizer;

  /** Starts from `model`'s weights (e.g. createUNet's initialization, or a trained model). */
  constructor(model: UNet, {learningRate = 1e-3}: TrainerOptions = {}) {
    this.model = {config: model.config};
    const state = model.stateDict();
    for (const key of stateShapes(model.config).keys()) {
      const tensor = state.get(key)!;
      const {shape, data} = tensor.shape.length === 4 ? torchToTfjs(tensor) : tensor;
      const trainable = !/running_(mean|var)$/.test(key);
      const variable = tf.variable(tf.tensor(data, shape), trainable);
      this.params.set(key, variable);
      if (trainable) this.trainable.push(variable);
    }
    this.optimizer = tf.train.adam(learningRate);
  }

  /**
   * Logits [N, H, W, outChannels]. With `batchStats`, BatchNorm normalizes with the batch's
   * statistics and hands them to batchStats (the running averages are left alone).
   */
  forward(x: tf.Tensor4D, batchStats?: (prefix: string, mean: tf.Tensor1D, variance: tf.Tensor1D, count: number) => void): tf.Tensor4D {
    const p = (key: string) => this.params.get(key)!;
    const conv = (h: tf.Tensor4D, prefix: string) =>
        tf.add(tf.conv2d(h, p(`${prefix}.weight`) as tf.Tensor4D, 1, 'same'), p(`${prefix}.bias`)) as tf.Tensor4D;
    const batchNorm = (h: tf.Tensor4D, prefix: string) => {
      const [scale, offset] = [p(`${prefix}.weight`), p(`${prefix}.bias`)] as tf.Tensor1D[];
      if (batchStats == null) {
        return tf.batchNorm(h, p(`${prefix}.running_mean`) as tf.Tensor1D, p(`${prefix}.running_var`) as tf.Tensor1D,
            offset, scale, BN_EPSILON);
      }
      const {mean, variance} = tf.moments(h, [0, 1, 2]);
      batchStats(prefix, mean as tf.Tensor1D, variance as tf.Tensor1D, h.shape[0] * h.shape[1] * h.shape[2]);
      return tf.batchNorm(h, mean as tf.Tensor1D, variance as tf.Tensor1D, offset, scale, BN_EPSILON);
    };
    const doubleConv = (h: tf.Tensor4D, prefix: string) => {
      h = tf.relu(batchNorm(conv(h, `${prefix}.conv.0`), `${prefix}.conv.1`));
      return tf.relu(batchNorm(conv(h, `${prefix}.conv.3`), `${prefix}.conv.4`));
    };
    const {features} = this.model.config;
    const skips: tf.Tensor4D[] = [];
    let h = x;
    features.forEach((_, i) => {
      h = doubleConv(h, `downs.${i}`);
      skips.push(h);
      h = tf.maxPool(h, 2, 2, 'valid');
    });
    h = doubleConv(h, 'bottleneck');
    features.forEach((_, i) => {
      const skip = skips[skips.length - 1 - i];
      const filter = p(`ups.${2 * i}.weight`) as tf.Tensor4D;
      const [n, height, width] = h.shape;
      h = tf.add(tf.conv2dTranspose(h, filter, [n, 2 * height, 2 * width, filter.shape[2]], 2, 'valid'), p(`ups.${2 * i}.bias`));
      if (h.shape[1] !== skip.shape[1] || h.shape[2] !== skip.shape[2]) h = tf.image.resizeBilinear(h, [skip.shape[1], skip.shape[2]], true);
      h = doubleConv(tf.concat([skip, h], 3), `ups.${2 * i + 1}`);
    });
    return conv(h, 'final_conv');
  }

  /** Binary cross-entropy on the logits plus soft Dice (1 - Dice of sigmoid(logits) and the mask). */
  static loss(logits: tf.Tensor4D, masks: tf.Tensor4D): tf.Scalar {
    return tf.tidy(() => {
      const bce = tf.losses.sigmoidCrossEntropy(masks, logits);
      const probability = tf.sigmoid(logits);
      const dice = tf.div(tf.add(tf.mul(2, tf.sum(tf.mul(probability, masks))), 1), tf.add(tf.add(tf.sum(probability), tf.sum(masks)), 1));
      return tf.add(bce, tf.sub(1, dice)) as tf.Scalar;
    });
  }

  /** Sets Adam's step size (for a schedule). */
  setLearningRate(learningRate: number): void {
    (this.optimizer as unknown as {learningRate: number}).learningRate = learningRate;
  }

  /** One Adam step on a batch (images NHWC in [0, 1], masks NHW1 of 0/1); returns the loss. */
  trainStep(images: tf.Tensor4D, masks: tf.Tensor4D): number {
    const stats: {prefix: string, mean: tf.Tensor1D, variance: tf.Tensor1D, count: number}[] = [];
    const loss = this.optimizer.minimize(() => {
      const logits = this.forward(images, (prefix, mean, variance, count) => {
        stats.push({prefix, mean: tf.keep(mean), variance: tf.keep(variance), count});
      });
      return UNetTrainer.loss(logits, masks);
    }, true, this.trainable)!;
    for (const {prefix, mean, variance, count} of stats) {
      const [runningMean, runningVar] = [this.params.get(`${prefix}.running_mean`)!, this.params.get(`${prefix}.running_var`)!];
      tf.tidy(() => {
        runningMean.assign(tf.add(tf.mul(runningMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
        runningVar.assign(tf.add(tf.mul(runningVar, 1 - BN_MOMENTUM), tf.mul(variance, BN_MOMENTUM * count / (count - 1))));
      });
      tf.dispose([mean, variance]);
    }
    this.step++;
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  }

  /** Loss and IoU in eval mode (running statistics) over a set, in batches of `batchSize`. */
  evaluate(images: tf.Tensor4D, masks: tf.Tensor4D, batchSize = 8): EvaluateResult {
    let lossSum = 0, intersection = 0, union = 0;
    const n = images.shape[0];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const [loss, inter, uni] = tf.tidy(() => {
        const x = tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]);
        const y = tf.slice(masks, [start, 0, 0, 0], [size, -1, -1, -1]);
        const logits = this.forward(x);
        const predicted = tf.cast(tf.greater(logits, 0), 'float32');
        return [tf.mul(UNetTrainer.loss(logits, y), size), tf.sum(tf.mul(predicted, y)), tf.sum(tf.maximum(predicted, y))]
            .map((t) => t.dataSync()[0]);
      });
      lossSum += loss;
      intersection += inter;
      union += uni;
    }
    return {loss: lossSum / n, iou: union === 0 ? 1 : intersection / union};
  }

  /** The weights as a PyTorch state_dict (running statistics included). */
  stateDict(): StateDict {
    const state: StateDict = new Map();
    for (const [key, variable] of this.params) {
      const tensor = {shape: variable.shape, data: variable.dataSync() as Float32Array};
      state.set(key, tensor.shape.length === 4 ? tfjsToTorch(tensor) : tensor);
    }
    return state;
  }

  /** A U-Net for inference with the weights trained so far. */
  toUNet(): UNet {
    return new UNet(this.model.config, this.stateDict());
  }

  /** The weights, Adam's moments and the step count, as one safetensors file. */
  async checkpoint(): Promise<Uint8Array> {
    const tensors: Record<string, Shaped> = Object.fromEntries(this.stateDict());
    const optimizerWeights = await this.optimizer.getWeights();
    optimizerWeights.forEach(({tensor}, i) => {
      tensors[`${OPTIMIZER_PREFIX}${String(i).padStart(4, '0')}`] = {shape: tensor.shape, data: Float32Array.from(tensor.dataSync())};
    });
    // Adam's running beta powers, as they are: setWeights recomputes them with pow, which rounds
    // differently from the running products, and the steps after would drift.
    for (const name of ADAM_BETA_POWERS) tensors[`${ADAM_PREFIX}${name}`] = {shape: [], data: Float32Array.from(this.adamState()[name].dataSync())};
    return writeSafetensors(tensors, {step: String(this.step), config: JSON.stringify(this.model.config)});
  }

  /** A trainer that goes on from a checkpoint (same options as when it was written). */
  static async fromCheckpoint(bytes: Uint8Array, options: TrainerOptions = {}): Promise<UNetTrainer> {
    const {tensors, metadata} = readSafetensors(bytes);
    const state: StateDict = new Map();
    const optimizerWeights: {name: string, tensor: tf.Tensor}[] = [];
    const betaPowers = new Map<string, Float32Array>();
    for (const [key, entry] of [...tensors].sort(([a], [b]) => a < b ? -1 : 1)) {
      const data = toFloat32(key, entry);
      if (key.startsWith(OPTIMIZER_PREFIX)) optimizerWeights.push({name: key, tensor: tf.tensor(data, entry.shape)});
      else if (key.startsWith(ADAM_PREFIX)) betaPowers.set(key.slice(ADAM_PREFIX.length), data);
      else state.set(key, {shape: entry.shape, data});
    }
    if (metadata?.config == null || metadata.step == null) throw new Error('UNetTrainer: not a checkpoint (no step or config in its metadata)');
    const trainer = new UNetTrainer(new UNet(JSON.parse(metadata.config), state), options);
    // Adam creates its moments on the first step; restoring them needs them to exist in order.
    if (optimizerWeights.length > 0) await trainer.optimizer.setWeights(optimizerWeights);
    for (const [name, value] of betaPowers) trainer.adamState()[name as typeof ADAM_BETA_POWERS[number]].assign(tf.scalar(value[0]));
    trainer.step = Number(metadata.step);
    return trainer;
  }

  /** Adam's running powers of beta1 and beta2 (tfjs keeps them private). */
  private adamState(): Record<typeof ADAM_BETA_POWERS[number], tf.Variable> {
    return this.optimizer as unknown as Record<typeof ADAM_BETA_POWERS[number], tf.Variable>;
  }

  dispose(): void {
    for (const variable of this.params.values()) variable.dispose();
    this.optimizer.dispose();
  }
}
