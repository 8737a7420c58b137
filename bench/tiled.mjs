// Tiled U-Net inference (npm run bench -- --tiled [--quick]; or node bench/tiled.mjs): what the
// seed U-Net [64..512] holds and how fast it runs when the image is cut to fit a memory budget.
//  - memory: a fresh process per run, asc's wasm memory capped at the budget, a synthetic image of
//    4096^2 (and 2048^2) fed as rows: peak wasm memory, peak bytes held, seconds, ms per megapixel;
//  - throughput: whole-image predict against predictTiled at budgets from 448 MiB to 2 GiB, interleaved
//    rounds at the size given (default 1408^2, about the largest whole-image inference holds: its
//    level-0 concat is one 1 GiB tensor at 1448^2), each tiled output checked equal to the whole;
//  - halo: the shipped cell model on the sample tiled to 1024^2, strips 256 wide, with halos narrower
//    than the receptive field: the logits' largest error and the mask pixels that change, and the time;
//  - cli: `asc-unet segment` of a generated 8192^2 PNG with the shipped model at --memory 512: the
//    process's peak resident memory.
// Writes bench/results/tiled-node<major>.json (a part run alone, --only memory|throughput|halo|cli,
// updates its entry).
import * as tf from '@tensorflow/tfjs-core';
import {spawnSync} from 'node:child_process';
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import {fileURLToPath} from 'node:url';
import {setThreadsCount} from '../dist/index.js';
import {createUNet, UNet} from '../dist/unet.js';
import {readImage} from '../cli/images.mjs';
import {pngWriter} from '../cli/png_stream.mjs';
import {median} from './median.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const quick = args.includes('--quick');
const MIB = 2 ** 20;
const FEATURES = [64, 128, 256, 512];

/** A deterministic RGB image source of rows (cells-like blobs), never held whole. */
function syntheticRows(size) {
  return {width: size, height: size, channels: 3, *rows() {
    const band = 64;
    for (let y0 = 0; y0 < size; y0 += band) {
      const rows = Math.min(band, size - y0);
      const out = new Uint8Array(rows * size * 3);
      for (let y = 0; y < rows; y++) {
        for (let x = 0; x < size; x++) {
          const v = 128 + 100 * Math.sin((x + 3 * (y0 + y)) / 37) * Math.cos((y0 + y - 2 * x) / 53);
          out.set([v, 255 - v, (v * 3) & 255], 3 * (y * size + x));
        }
      }
      yield out;
    }
  }};
}

// A child run: node bench/tiled.mjs --child <size> <budget MiB>; prints one JSON line.
if (args[0] === '--child') {
  const [size, budgetMiB] = [Number(args[1]), Number(args[2])];
  tf.env().set('ASC_MAX_MEMORY_BYTES', budgetMiB * MIB);
  await tf.setBackend('asc');
  const model = createUNet({features: FEATURES, seed: 1});
  const started = performance.now();
  let foreground = 0;
  const {plan} = await model.segmentTiled(syntheticRows(size), {memoryBytes: budgetMiB * MIB,
    onMask: (mask) => {
      for (const c of mask) foreground += c;
    },
    onProgress: (done, total) => {
      if (done % Math.ceil(total / 10) === 0) process.stderr.write(`${size}^2: ${done}/${total} bands\n`);
    }});
  const seconds = (performance.now() - started) / 1000;
  const memory = tf.backend().memory();
  console.log(JSON.stringify({size, budgetMiB, strips: plan.strips.length, stripWidth: plan.strips[0][1], bandRows: plan.bandRows,
    halo: plan.halo, estimatedMiB: (plan.weightBytes + plan.peakRowBytes) / MIB, peakWasmMiB: memory.wasmMemoryBytes / MIB,
    peakHeldMiB: memory.peakBytesInWasm / MIB, seconds, msPerMegapixel: 1000 * seconds / (size * size / 1e6),
    foreground: foreground / (size * size)}));
  process.exit(0);
}

function machine() {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  const field = (name) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(info)?.[1];
  return {cpu: `${os.cpus()[0]?.model} (family ${field('cpu family')}, model ${field('model')})`, cores: os.cpus().length,
    node: process.version, avx512: /\bavx512f\b/.test(info)};
}

const parts = option('only') != null ? [option('only')] : ['memory', 'throughput', 'halo', 'cli'];
const result = {date: new Date().toISOString(), machine: machine(), quick};
const script = fileURLToPath(import.meta.url);
const nodeFlags = process.execArgv;

if (parts.includes('memory')) {
  result.memory = [];
  // 1 GiB: the seed U-Net's weights and their Winograd copies take 572 MiB (ASC_WINOGRAD=false: 249).
  for (const [size, budget] of quick ? [[1024, 1024]] : [[2048, 1024], [4096, 1024]]) {
    const run = spawnSync(process.execPath, [...nodeFlags, script, '--child', String(size), String(budget)],
        {encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20});
    if (run.status !== 0) throw new Error(`the ${size}^2 run failed (exit ${run.status})`);
    const row = JSON.parse(run.stdout.trim().split('\n').pop());
    result.memory.push(row);
    console.log(`memory: ${size}^2 at ${budget} MiB: ${row.strips} strips of ${row.stripWidth}, ${row.bandRows} rows a step; ` +
        `peak wasm ${row.peakWasmMiB.toFixed(0)} MiB (held ${row.peakHeldMiB.toFixed(0)}, planned ${row.estimatedMiB.toFixed(0)}); ` +
        `${row.seconds.toFixed(0)} s, ${row.msPerMegapixel.toFixed(0)} ms/MP`);
  }
}

if (parts.includes('throughput')) {
  const size = Number(option('size', quick ? 512 : 1408));
  // From what the seed U-Net's weights leave room beside (572 MiB with Winograd's filters).
  const budgets = quick ? [1024, 2048] : [1024, 1536, 2048, 3072];
  const rounds = Number(option('rounds', quick ? 1 : 3));
  await tf.setBackend('asc');
  setThreadsCount(0);
  const model = createUNet({features: FEATURES, seed: 1});
  const x = tf.randomUniform([1, size, size, 3], 0, 1, 'float32', 5);
  tf.dispose(model.predict(tf.zeros([1, 64, 64, 3]))); // weights packed, tile calibrated
  const times = {whole: []};
  for (const b of budgets) times[b] = [];
  const plans = {};
  for (let r = 0; r < rounds; r++) {
    let started = performance.now();
    const whole = model.predict(x);
    const wholeValues = whole.dataSync();
    times.whole.push(performance.now() - started);
    whole.dispose();
    for (const b of budgets) {
      const options = {memoryBytes: b * MIB};
      plans[b] ??= model.planTiles(1, size, size, options);
      started = performance.now();
      const tiled = await model.predictTiled(x, options);
      const values = tiled.dataSync();
      times[b].push(performance.now() - started);
      tiled.dispose();
      for (let i = 0; i < values.length; i++) {
        if (!Object.is(values[i], wholeValues[i])) throw new Error(`tiled at ${b} MiB differs from whole at ${i}`);
      }
    }
    console.log(`throughput round ${r + 1}/${rounds}: whole ${times.whole[r].toFixed(0)} ms; ` +
        budgets.map((b) => `${b} MiB ${times[b][r].toFixed(0)} ms`).join(', '));
  }
  const megapixels = size * size / 1e6;
  const wholeMs = median(times.whole);
  result.throughput = {size, rounds, threads: tf.backend().threads, wholeMsPerMegapixel: wholeMs / megapixels,
    budgets: budgets.map((b) => ({budgetMiB: b, strips: plans[b].strips.length, bandRows: plans[b].bandRows,
      msPerMegapixel: median(times[b]) / megapixels, overhead: median(times[b]) / wholeMs, bitIdentical: true}))};
  console.log(`throughput at ${size}^2 (medians of ${rounds}): whole ${(wholeMs / megapixels).toFixed(0)} ms/MP; ` +
      result.throughput.budgets.map((t) => `${t.budgetMiB} MiB (${t.strips} strips, ${t.bandRows} rows) ${t.overhead.toFixed(2)}x`).join('; '));
  x.dispose();
  model.dispose();
}

/** The bundled sample (256^2 cells) repeated to `size` x `size`, RGB rows [y0, y1). */
let sample;
function sampleRows(size, y0, y1) {
  sample ??= readImage(fileURLToPath(new URL('../assets/sample.png', import.meta.url)), {maxPixels: 1e6});
  const out = new Uint8Array((y1 - y0) * size * 3);
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < size; x++) {
      const from = 4 * ((y % 256) * 256 + x % 256);
      out.set(sample.data.subarray(from, from + 3), 3 * ((y - y0) * size + x));
    }
  }
  return out;
}

if (parts.includes('halo')) {
  await tf.setBackend('asc');
  const model = UNet.fromSafetensors(readFileSync(fileURLToPath(new URL('../assets/unet-cells.safetensors', import.meta.url))));
  const size = 1024, stripWidth = 256;
  const x = tf.tidy(() => tf.div(tf.tensor4d(Int32Array.from(sampleRows(size, 0, size)), [1, size, size, 3], 'int32'), 255));
  const timed = async (options) => {
    const started = performance.now();
    const y = await model.predictTiled(x, {stripWidth, ...options});
    const values = y.dataSync();
    y.dispose();
    return {values, ms: performance.now() - started};
  };
  const exact = await timed({});
  const maxAbs = exact.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  result.halo = {size, stripWidth, receptiveField: model.receptiveField(), exactMs: exact.ms, halos: []};
  for (const halo of [8, 16, 32, 64]) {
    const {values, ms} = await timed({halo});
    let maxError = 0, flipped = 0;
    for (let i = 0; i < values.length; i++) {
      maxError = Math.max(maxError, Math.abs(values[i] - exact.values[i]));
      if ((values[i] > 0) !== (exact.values[i] > 0)) flipped++;
    }
    result.halo.halos.push({halo, relativeMaxError: maxError / maxAbs, maskPixelsChanged: flipped / values.length, timeRatio: ms / exact.ms});
  }
  console.log(`halo (strips ${stripWidth} wide at ${size}^2, receptive field ${result.halo.receptiveField}): ` +
      result.halo.halos.map((h) => `${h.halo}: max error ${h.relativeMaxError.toExponential(1)} x max|y|, ` +
      `${(100 * h.maskPixelsChanged).toFixed(3)}% of the mask changed, ${h.timeRatio.toFixed(2)}x the time`).join('; '));
  x.dispose();
  model.dispose();
}

if (parts.includes('cli')) {
  const size = Number(option('cli-size', quick ? 2048 : 8192));
  const dir = fileURLToPath(new URL('../build/bench-tiled/', import.meta.url));
  mkdirSync(dir, {recursive: true});
  const path = `${dir}cells-${size}.png`;
  const writer = pngWriter(path, {width: size, height: size, channels: 3});
  for (let y0 = 0; y0 < size; y0 += 256) await writer.write(sampleRows(size, y0, Math.min(size, y0 + 256)));
  await writer.end();
  const started = performance.now();
  const run = spawnSync(process.execPath, [...nodeFlags, fileURLToPath(new URL('../cli/asc-unet.mjs', import.meta.url)), 'segment', path,
    '-o', dir, '--memory', '512', '--verbose'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']});
  if (run.status !== 0) throw new Error(`asc-unet segment failed (exit ${run.status}): ${run.stdout}`);
  const rss = Number(/peak resident memory (\d+) MiB/.exec(run.stdout)?.[1]);
  const seconds = (performance.now() - started) / 1000;
  result.cli = {size, memoryMiB: 512, peakResidentMiB: rss, seconds, line: run.stdout.trim().split('\n').filter((l) => l.startsWith(path)).pop()};
  console.log(`cli: ${size}^2 PNG at --memory 512: peak resident ${rss} MiB, ${seconds.toFixed(0)} s`);
}

if (!quick) {
  // Parts run alone update their entry of the file.
  const file = fileURLToPath(new URL(`./results/tiled-node${process.versions.node.split('.')[0]}.json`, import.meta.url));
  let previous = {};
  try {
    previous = JSON.parse(readFileSync(file, 'utf8'));
  } catch {}
  writeFileSync(file, `${JSON.stringify({...previous, ...result}, null, 2)}\n`);
  console.log(`wrote ${file}`);
}
