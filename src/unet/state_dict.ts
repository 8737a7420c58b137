// The seed's PyTorch U-Net as a state_dict: key names, shapes (PyTorch layouts), validation, the
// architecture read back from the shapes, and PyTorch's initial values.
import {mulberry32} from './random.js';

export interface UNetConfig {
  inChannels: number;
  outChannels: number;
  /** Channels of each level, doubling: [64, 128, 256, 512] in the seed. */
  features: number[];
}

export interface StateTensor {
  shape: number[];
  data: Float32Array;
}

/** A PyTorch state_dict, float32, PyTorch layouts (OIHW; ConvTranspose2d [in, out, kh, kw]). */
export type StateDict = Map<string, StateTensor>;

/** BatchNorm's counter: in every PyTorch state_dict, of no use for inference. */
export const IGNORED_SUFFIX = '.num_batches_tracked';

/** Throws unless `config` describes a U-Net the seed's PyTorch code can run. */
export function validateConfig(config: UNetConfig): void {
  const {inChannels, outChannels, features} = config;
  const positive = (n: number) => Number.isInteger(n) && n > 0;
  if (!positive(inChannels)) throw new Error(`UNet: inChannels must be a positive integer, got ${inChannels}`);
  if (!positive(outChannels)) throw new Error(`UNet: outChannels must be a positive integer, got ${outChannels}`);
  if (!Array.isArray(features) || features.length === 0 || !features.every(positive)) {
    throw new Error(`UNet: features must be a non-empty list of positive integers, got ${JSON.stringify(features)}`);
  }
  for (let i = 1; i < features.length; i++) {
    if (features[i] !== 2 * features[i - 1]) {
      throw new Error(`UNet: features must double from level to level (each ConvTranspose2d takes feature*2 ` +
          `channels), got ${JSON.stringify(features)}`);
    }
  }
}

/** Every key of the seed model's state_dict (BatchNorm counters aside) with its PyTorch shape. */
export function stateShapes({inChannels, outChannels, features}: UNetConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  const doubleConv = (prefix: string, cin: number, cout: number) => {
    for (const [conv, bn, c] of [[0, 1, cin], [3, 4, cout]]) {
      shapes.set(`${prefix}.conv.${conv}.weight`, [cout, c, 3, 3]);
      shapes.set(`${prefix}.conv.${conv}.bias`, [cout]);
      for (const p of ['weight', 'bias', 'running_mean', 'running_var']) shapes.set(`${prefix}.conv.${bn}.${p}`, [cout]);
    }
  };
  [...features].reverse().forEach((f, i) => {
    shapes.set(`ups.${2 * i}.weight`, [2 * f, f, 2, 2]);
    shapes.set(`ups.${2 * i}.bias`, [f]);
    doubleConv(`ups.${2 * i + 1}`, 2 * f, f);
  });
  let cin = inChannels;
  features.forEach((f, i) => {
    doubleConv(`downs.${i}`, cin, f);
    cin = f;
  });
  const last = features[features.length - 1];
  doubleConv('bottleneck', last, 2 * last);
  shapes.set('final_conv.weight', [outChannels, features[0], 1, 1]);
  shapes.set('final_conv.bias', [outChannels]);
  return shapes;
}

/** Reads the architecture from a state_dict's shapes (levels, features, channels). */
export function inferConfig(shapes: Map<string, number[]>): UNetConfig {
  const first = shapes.get('downs.0.conv.0.weight');
  if (first == null) throw new Error(`UNet state_dict: missing key 'downs.0.conv.0.weight' (is this the seed's UNet?)`);
  const final = shapes.get('final_conv.weight');
  if (final == null) throw new Error(`UNet state_dict: missing key 'final_conv.weight'`);
  const features: number[] = [];
  for (let i = 0; shapes.has(`downs.${i}.conv.0.weight`); i++) features.push(shapes.get(`downs.${i}.conv.0.weight`)[0]);
  if (first.length !== 4 || final.length !== 4) {
    throw new Error(`UNet state_dict: 'downs.0.conv.0.weight' and 'final_conv.weight' must be rank 4, got ` +
        `[${first.join(', ')}] and [${final.join(', ')}]`);
  }
  return {inChannels: first[1], outChannels: final[0], features};
}

/** Throws, naming keys and shapes, unless `shapes` is exactly the state_dict of `config`. */
export function checkStateShapes(config: UNetConfig, shapes: Map<string, number[]>): void {
  const expected = stateShapes(config);
  const missing = [...expected.keys()].filter((k) => !shapes.has(k));
  if (missing.length > 0) {
    throw new Error(`UNet state_dict: missing key${missing.length > 1 ? 's' : ''} ${missing.slice(0, 8).map((k) => `'${k}'`).join(', ')}` +
        `${missing.length > 8 ? ` and ${missing.length - 8} more` : ''}`);
  }
  const unexpected = [...shapes.keys()].filter((k) => !expected.has(k) && !k.endsWith(IGNORED_SUFFIX));
  if (unexpected.length > 0) {
    throw new Error(`UNet state_dict: unexpected key${unexpected.length > 1 ? 's' : ''} ${unexpected.slice(0, 8).map((k) => `'${k}'`).join(', ')}` +
        `${unexpected.length > 8 ? ` and ${unexpected.length - 8} more` : ''}`);
  }
  for (const [key, shape] of expected) {
    const got = shapes.get(key);
    if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
      throw new Error(`UNet state_dict: '${key}' has shape [${got.join(', ')}], expected [${shape.join(', ')}]`);
    }
  }
}

/**
 * The state_dict PyTorch's default initialization gives these layers, from a seeded generator:
 * BatchNorm at identity; Conv2d and ConvTranspose2d weights kaiming_uniform(a=sqrt(5)) and their
 * bias sharing the bound 1/sqrt(fan_in), fan_in being dim 1 of the weight times the kernel area.
 */
export function initialState(config: UNetConfig, seed: number): StateDict {
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
      const weightShape = key.endsWith('.bias') ? shapes.get(key.replace(/bias$/, 'weight'))! : shape;
      const bound = 1 / Math.sqrt(weightShape[1] * weightShape[2] * weightShape[3]);
      for (let i = 0; i < size; i++) data[i] = (random() * 2 - 1) * bound;
    }
    state.set(key, {shape, data});
  }
  return state;
}
