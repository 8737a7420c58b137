// A synthetic segmentation set in the U-Net's home ground, fluorescence microscopy: textured cells
// (ellipses, some touching or overlapping, with a darker nucleus) on a dark background under uneven
// illumination, blurred, with noise; the mask is the exact union of the cells. Every image comes
// from (seed, index) alone, so a set is reproducible and training and validation sets are split by
// seed.
import * as tf from '@tensorflow/tfjs-core';
import {mulberry32} from './random.js';

export interface SyntheticImage {
  /** RGB in [0, 1], HWC. */
  image: Float32Array;
  /** 1 inside a cell, 0 outside, HW. */
  mask: Uint8Array;
}

export interface SyntheticBatch {
  /** NHWC float32 in [0, 1], 3 channels. */
  images: Float32Array;
  /** NHWC float32 0/1, 1 channel. */
  masks: Float32Array;
  count: number;
  size: number;
}

/** Image `index` of the set `seed`, `size` x `size` pixels (cells scale with the size over 96). */
export function syntheticImage(seed: number, index: number, size: number): SyntheticImage {
  const random = mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
  const between = (lo: number, hi: number) => lo + (hi - lo) * random();
  const scale = size / 96;
  const area = size * size;

  // Cells: some placed freely, some against the one before (touching or overlapping).
  const cells: {cx: number, cy: number, rx: number, ry: number, angle: number, color: number[], phase: number}[] = [];
  const count = Math.round(between(4, 11) * area / (96 * 96));
  const tint = [between(0.5, 1), between(0.6, 1), between(0.2, 0.9)];
  for (let i = 0; i < count; i++) {
    const rx = between(5, 13) * scale, ry = between(5, 13) * scale;
    let cx = between(0, size), cy = between(0, size);
    const previous = cells[cells.length - 1];
    if (previous != null && random() < 0.35) {
      const direction = between(0, 2 * Math.PI);
      const distance = (Math.max(previous.rx, previous.ry) + Math.max(rx, ry)) * between(0.75, 1.05);
      cx = previous.cx + Math.cos(direction) * distance;
      cy = previous.cy + Math.sin(direction) * distance;
    }
    const brightness = between(0.55, 1);
    cells.push({cx, cy, rx, ry, angle: between(0, Math.PI), color: tint.map((t) => t * brightness), phase: between(0, 6.3)});
  }

  // Illumination: a tilted plane and a slow ripple; background level and texture per image.
  const [gx, gy] = [between(-0.5, 0.5), between(-0.5, 0.5)];
  const ripple = between(0, 0.25);
  const background = [between(0.02, 0.12), between(0.02, 0.12), between(0.05, 0.2)];
  const textureFrequency = between(0.3, 0.9) / scale;
  const raw = new Float32Array(area * 3);
  const mask = new Uint8Array(area);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const light = 1 + gx * (x / size - 0.5) + gy * (y / size - 0.5) + ripple * Math.sin((x + 2 * y) / (17 * scale));
      let pixel = background;
      for (const c of cells) {
        const [dx, dy] = [x + 0.5 - c.cx, y + 0.5 - c.cy];
        const u = (dx * Math.cos(c.angle) + dy * Math.sin(c.angle)) / c.rx;
        const v = (-dx * Math.sin(c.angle) + dy * Math.cos(c.angle)) / c.ry;
        const r2 = u * u + v * v;
        if (r2 > 1) continue;
        mask[y * size + x] = 1;
        const texture = 0.85 + 0.15 * Math.sin(textureFrequency * (x + c.phase * 7)) * Math.cos(textureFrequency * (y - c.phase * 5));
        const nucleus = r2 < 0.18 ? 0.65 : 1;
        const rim = 1 - 0.35 * r2;
        pixel = c.color.map((value) => value * texture * nucleus * rim);
      }
      for (let ch = 0; ch < 3; ch++) raw[(y * size + x) * 3 + ch] = pixel[ch] * light;
    }
  }

  // Optics: a 3x3 blur (1-2-1 each way); then sensor noise.
  const noise = between(0.01, 0.06);
  const image = new Float32Array(area * 3);
  const at = (x: number, y: number, ch: number) =>
    raw[(Math.min(size - 1, Math.max(0, y)) * size + Math.min(size - 1, Math.max(0, x))) * 3 + ch];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let ch = 0; ch < 3; ch++) {
        let sum = 0;
        for (let j = -1; j <= 1; j++) {
          for (let i = -1; i <= 1; i++) sum += at(x + i, y + j, ch) * (2 - Math.abs(i)) * (2 - Math.abs(j));
        }
        const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        image[(y * size + x) * 3 + ch] = Math.min(1, Math.max(0, sum / 16 + noise * gaussian));
      }
    }
  }
  return {image, mask};
}

/** Images `first` .. `first + count - 1` of the set `seed`, stacked for training. */
export function syntheticBatch(seed: number, first: number, count: number, size: number): SyntheticBatch {
  const images = new Float32Array(count * size * size * 3);
  const masks = new Float32Array(count * size * size);
  for (let n = 0; n < count; n++) {
    const {image, mask} = syntheticImage(seed, first + n, size);
    images.set(image, n * image.length);
    masks.set(mask, n * mask.length);
  }
  return {images, masks, count, size};
}

/** The same batch as tensors, ready to train on: images [count, size, size, 3], masks [count, size, size, 1]. */
export function syntheticTensors(seed: number, first: number, count: number, size: number): [tf.Tensor4D, tf.Tensor4D] {
  const {images, masks} = syntheticBatch(seed, first, count, size);
  return [tf.tensor4d(images, [count, size, size, 3]), tf.tensor4d(masks, [count, size, size, 1])];
}
