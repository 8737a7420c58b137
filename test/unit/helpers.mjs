// Shared helpers: seeded data, and running one computation on tfjs-backend-cpu and on asc.
import * as tf from '@tensorflow/tfjs-core';
import '../../dist/index.js';
import * as assert from 'uvu/assert';
import {rng} from './rng.mjs';

export {rng, tf};

/** Uniform values in [-1, 1). */
export function randomValues(random, size) {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = random() * 2 - 1;
  return out;
}

/**
 * Runs `compute(random)` on cpu and on asc and returns both outputs' shapes, dtypes and values.
 * Each run gets a generator seeded alike, so the same inputs feed both backends.
 */
export async function onBoth(compute, seed = 1) {
  const results = {};
  for (const backend of ['cpu', 'asc']) {
    await tf.setBackend(backend);
    const random = rng(seed);
    const out = tf.tidy(() => compute(random));
    const list = Array.isArray(out) ? out : [out];
    results[backend] = list.map((t) => ({shape: t.shape, dtype: t.dtype, values: t.dataSync()}));
    tf.dispose(list);
  }
  await tf.setBackend('asc');
  return results;
}

/**
 * Asserts asc matches cpu: same shapes and dtypes, and values within a bound that grows with the
 * number of terms summed into each output (`terms`), relative to the largest reference value.
 */
export async function expectSameOnBoth(compute, {terms = 1, label = '', seed = 1} = {}) {
  const {cpu, asc} = await onBoth(compute, seed);
  assert.is(asc.length, cpu.length, `${label}: output count`);
  for (let o = 0; o < cpu.length; o++) {
    assert.equal(asc[o].shape, cpu[o].shape, `${label}: shape of output ${o}`);
    assert.is(asc[o].dtype, cpu[o].dtype, `${label}: dtype of output ${o}`);
    assert.ok(asc[o].values.length > 0 || cpu[o].values.length === 0, `${label}: output ${o} is empty`);
    const ref = cpu[o].values;
    const got = asc[o].values;
    let scale = 1;
    for (const v of ref) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    const tol = 2 ** -22 * (terms + 1) * scale;
    for (let i = 0; i < ref.length; i++) {
      const ok = Object.is(ref[i], got[i]) || Math.abs(ref[i] - got[i]) <= tol ||
          (Number.isNaN(ref[i]) && Number.isNaN(got[i]));
      if (!ok) {
        assert.unreachable(`${label}: output ${o}[${i}] is ${got[i]} on asc, ${ref[i]} on cpu (tolerance ${tol})`);
      }
    }
  }
}

/** A tensor of seeded values in [-1, 1). */
export function randomTensor(random, shape, dtype = 'float32') {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = randomValues(random, size);
  if (dtype === 'int32') return tf.tensor(values.map((v) => Math.round(v * 10)), shape, 'int32');
  if (dtype === 'bool') return tf.tensor(values.map((v) => (v > 0 ? 1 : 0)), shape, 'bool');
  return tf.tensor(values, shape, dtype);
}
