// Runs in headless Chromium (bench/browser.mjs bundles and serves it): the seed U-Net on asc and on
// LiteRT.js (the same weights as a .tflite), on the thread count of the page's ?threads=, outputs
// checked against each other, then interleaved rounds. The medians go to window.result.
import * as tf from '@tensorflow/tfjs-core';
import {loadAndCompile, loadLiteRt, Tensor} from '@litertjs/core';
import {igemmTileChoice} from '../dist/index.js';
import {createUNet} from '../dist/unet.js';
import {median} from './median.mjs';
import {buildTfliteUNet} from './tflite_unet.mjs';

const params = new URLSearchParams(location.search);
const threads = Number(params.get('threads'));
const rounds = Number(params.get('rounds'));
const cases = JSON.parse(params.get('cases'));

async function main() {
  await loadLiteRt(new URL('./litert/', location.href).href, threads > 1 ? {threads: true} : {});
  tf.env().set('ASC_THREADS', threads);
  await tf.setBackend('asc');
  const backend = tf.backend();
  const results = [];
  for (const {label, features, size} of cases) {
    const model = createUNet({features, seed: 7});
    const x = tf.randomNormal([1, size, size, 3], 0, 1, 'float32', 1);
    const input = x.dataSync();
    const expected = model.predict(x).dataSync();
    const compiled = await loadAndCompile(buildTfliteUNet(model, [1, size, size]), {accelerator: 'wasm', cpuOptions: {numThreads: threads}});
    const runLiteRt = async () => {
      const t = new Tensor(input, [1, size, size, 3]);
      const outputs = await compiled.run(t);
      t.delete();
      const values = outputs[0].toTypedArray().slice();
      for (const o of outputs) o.delete();
      return values;
    };
    const got = await runLiteRt();
    let err = 0, max = 0;
    for (let i = 0; i < expected.length; i++) {
      err = Math.max(err, Math.abs(got[i] - expected[i]));
      max = Math.max(max, Math.abs(expected[i]));
    }
    if (!(err <= 1e-4 * max)) throw new Error(`${label}: LiteRT.js differs from asc by ${err} (max |y| ${max})`);
    const times = {asc: [], litert: []};
    for (let r = 0; r < rounds; r++) {
      let started = performance.now();
      const y = model.predict(x);
      y.dataSync();
      y.dispose();
      times.asc.push(performance.now() - started);
      started = performance.now();
      await runLiteRt();
      times.litert.push(performance.now() - started);
    }
    results.push({case: label, asc: median(times.asc), litert: median(times.litert), samples: rounds, maxRelDiff: err / max});
    compiled.delete();
    model.dispose();
    x.dispose();
  }
  window.result = {threads, threadsStarted: backend.threadsStarted, features: backend.features,
    igemmTile: igemmTileChoice(), userAgent: navigator.userAgent, results};
}

main().catch((e) => {
  window.result = {error: String(e?.stack ?? e)};
});
