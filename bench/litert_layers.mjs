// One layer at a time against LiteRT.js: each case is a chain of eight copies of one mobile-net layer
// (a pointwise pair in and out of the expansion, a depthwise conv, a pointwise pair with hard-swish),
// built as a model family (bench/model_families.mjs) and so realized twice with the same weights: as
// fused tfjs ops on asc (whole-graph capture on, as by default) and as a .tflite on LiteRT.js.
// Interleaved rounds, one thread each, medians; prints µs per layer copy and the ratio. Where a
// model's gap to LiteRT.js is, by layer kind and size.
// Usage: node --import ./cli/relaxed_simd.mjs bench/litert_layers.mjs [--only text] [--rounds n]
//   (writes bench/results/litert-layers-node<major>.json)
import * as tf from '@tensorflow/tfjs-core';
import {mkdirSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import {parseArgs} from 'node:util';
import {registerAscBackend} from '../dist/index.js';
import {compileTflite, loadLiteRtInNode, runTflite} from './litert.mjs';
import {median} from './median.mjs';
import {FAMILIES, graphFamily, tfliteFamily} from './model_families.mjs';

const {values: args} = parseArgs({options: {only: {type: 'string', default: ''}, rounds: {type: 'string', default: '21'}}});
const ROUNDS = Number(args.rounds);
/** Copies of the layer in each chain. */
const COPIES = 8;
const pointwisePair = (size, channels, expanded, act = 'relu6') => [[size, size, channels],
  (b, x) => b.conv(b.conv(x, {filters: expanded, kernel: 1, act}), {filters: channels, kernel: 1})];
const depthwise = (size, channels, kernel) => [[size, size, channels], (b, x) => b.dw(x, {kernel, act: 'relu6'})];
const CASES = {
  'pointwise 56² 16↔72': pointwisePair(56, 16, 72),
  'pointwise 28² 24↔88': pointwisePair(28, 24, 88),
  'pointwise 14² 40↔240': pointwisePair(14, 40, 240),
  'pointwise 14² 48↔288': pointwisePair(14, 48, 288),
  'pointwise 7² 96↔576': pointwisePair(7, 96, 576),
  'pointwise 14² 48↔288 hard-swish': pointwisePair(14, 48, 288, 'hswish'),
  'depthwise 3×3 56²×72': depthwise(56, 72, 3),
  'depthwise 5×5 14²×240': depthwise(14, 240, 5),
  'depthwise 5×5 7²×576': depthwise(7, 576, 5),
};

registerAscBackend('asc-1t', {threads: 1});
await tf.setBackend('asc-1t');
await loadLiteRtInNode({threads: false});
const rows = [];
for (const [name, [shape, layer]] of Object.entries(CASES)) {
  if (!name.includes(args.only)) continue;
  // A family of its own: the builder API realizes it as fused ops and as a .tflite alike.
  FAMILIES[name] = {input: [1, ...shape], build: (b) => {
    let x = b.input(shape);
    for (let i = 0; i < COPIES; i++) x = layer(b, x);
    return x;
  }};
  const model = await graphFamily(name);
  const x = tf.randomUniform([1, ...shape], 0, 1, 'float32', 7);
  const values = x.dataSync();
  const litert = await compileTflite(tfliteFamily(name), 1);
  const times = {asc: [], litert: []};
  for (let round = 0; round < ROUNDS + 3; round++) {
    let started = performance.now();
    const y = model.predict(x);
    y.dataSync();
    y.dispose();
    if (round >= 3) times.asc.push(performance.now() - started);
    started = performance.now();
    await runTflite(litert, values, [1, ...shape]);
    if (round >= 3) times.litert.push(performance.now() - started);
  }
  const asc = median(times.asc) / COPIES * 1000, lite = median(times.litert) / COPIES * 1000;
  rows.push({name, ascUs: asc, litertUs: lite, ratio: asc / lite});
  console.log(`${name.padEnd(34)} asc ${asc.toFixed(1).padStart(8)} µs   LiteRT.js ${lite.toFixed(1).padStart(8)} µs   ${(asc / lite).toFixed(2)}`);
  model.dispose();
  litert.delete();
  x.dispose();
  delete FAMILIES[name];
}
const machine = {cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version};
mkdirSync(new URL('./results/', import.meta.url), {recursive: true});
writeFileSync(new URL(`./results/litert-layers-node${process.versions.node.split('.')[0]}.json`, import.meta.url),
    JSON.stringify({date: new Date().toISOString(), machine, rounds: ROUNDS, copies: COPIES, rows}, null, 2) + '\n');
