// Drawing random values and shapes from a seeded generator: every fuzz case is a pure function of
// (seed, kernel, case number).

import {rng} from '../unit/helpers.mjs';

/** The generator of one case: mulberry32 seeded by a hash (FNV-1a) of `key`. */
export function caseRandom(key) {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return rng(h >>> 0);
}

/** An integer in [lo, hi]. */
export const int = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
export const pick = (r, list) => list[Math.floor(r() * list.length)];
export const chance = (r, p) => r() < p;

/** A dimension: mostly 2..max, often 1, sometimes 0 (when `zero`). */
export function dim(r, max, {zero = true} = {}) {
  const u = r();
  if (zero && u < 0.04) return 0;
  if (u < 0.2) return 1;
  return int(r, 2, max);
}

/** A shape of `rank` dimensions, each drawn by `dim`. */
export const shapeOf = (r, rank, max, options) => Array.from({length: rank}, () => dim(r, max, options));

/** `k` distinct axes of a rank-`rank` tensor, sorted. */
export function axesOf(r, rank, k) {
  const axes = Array.from({length: rank}, (_, i) => i);
  for (let i = rank - 1; i > 0; i--) {
    const j = int(r, 0, i);
    [axes[i], axes[j]] = [axes[j], axes[i]];
  }
  return axes.slice(0, k).sort((a, b) => a - b);
}

/** A random permutation of 0..n-1. */
export const permutation = (r, n) => {
  const p = Array.from({length: n}, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = int(r, 0, i);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
};

const SPECIALS = [NaN, Infinity, -Infinity, -0];

/**
 * Values of an input. float32: uniform in [-1, 1) times a magnitude drawn per tensor (1e-3 to 1e3);
 * with `specials`, about 5% of them (at least one) are NaN, +-Infinity or -0. int32: small integers; bool: 0/1.
 */
export function valuesOf(r, size, dtype, {specials = false, positive = false, magnitude} = {}) {
  if (dtype === 'int32') return Int32Array.from({length: size}, () => int(r, positive ? 0 : -20, 20));
  if (dtype === 'bool') return Uint8Array.from({length: size}, () => (r() < 0.5 ? 1 : 0));
  const scale = magnitude ?? 10 ** pick(r, [-3, -1, 0, 0, 0, 1, 3]);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const v = (r() * 2 - 1) * scale;
    out[i] = positive ? Math.abs(v) : v;
    if (specials && r() < 0.05) out[i] = pick(r, SPECIALS);
  }
  if (specials && size > 0) out[int(r, 0, size - 1)] = pick(r, SPECIALS); // at least one
  return out;
}

/** One input: its name (as the kernel names it), shape, dtype and values. */
export function input(r, name, shape, dtype = 'float32', options = {}) {
  const size = shape.reduce((a, b) => a * b, 1);
  return {name, shape, dtype, values: valuesOf(r, size, dtype, options)};
}
