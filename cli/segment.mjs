// asc-unet segment: masks (and overlays) for PNG/JPEG images with the shipped U-Net or given weights.
import {mkdirSync, readFileSync} from 'node:fs';
import {basename, extname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import {UNet} from '../dist/unet.js';
import {numberOption, parseCommand} from './args.mjs';
import {BACKENDS, chooseBackend, describeBackend} from './backend.mjs';
import {readImage, writePng} from './images.mjs';
import {Progress} from './progress.mjs';

export const SAMPLE = fileURLToPath(new URL('../assets/sample.png', import.meta.url));
export const SHIPPED_WEIGHTS = fileURLToPath(new URL('../assets/unet-cells.safetensors', import.meta.url));
const DEFAULT_MAX_PIXELS = 50_000_000;

const HELP = `Usage: asc-unet segment [images...] [options]

Segments each PNG or JPEG image (the bundled sample when none is given) and writes
<name>.mask.png (white: the class, black: background) and, with --overlay (always for the
bundled sample), <name>.overlay.png.

Options:
  -o, --out <dir>        where to write (default: the current directory)
      --overlay          also write the mask drawn over the image
      --weights <file>   a safetensors state_dict of the seed's U-Net (default: the shipped cell model)
      --backend <name>   ${BACKENDS.join('|')} (default auto: WebGPU on a hardware adapter, else asc)
      --threshold <t>    sigmoid threshold in (0, 1) for one-class models (default 0.5)
      --threads <n>      threads for asc (default: one per core)
      --max-pixels <n>   refuse larger images (default ${DEFAULT_MAX_PIXELS})
  -v, --verbose          also say why other backends were not chosen (e.g. no GPU)
  -h, --help`;

const OPTIONS = {
  out: {type: 'string', short: 'o', default: '.'},
  overlay: {type: 'boolean'},
  weights: {type: 'string'},
  backend: {type: 'string', default: 'auto'},
  threshold: {type: 'string'},
  threads: {type: 'string'},
  'max-pixels': {type: 'string'},
  verbose: {type: 'boolean', short: 'v'},
};

/** The mask over the image: the class colour at 55% where the mask is set. */
function overlay({width, height, data}, mask) {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < width * height; i++) {
    const on = mask[i] !== 0;
    const [r, g, b] = [data[4 * i], data[4 * i + 1], data[4 * i + 2]];
    out[4 * i] = on ? Math.round(0.45 * r + 0.55 * 255) : r;
    out[4 * i + 1] = on ? Math.round(0.45 * g + 0.55 * 40) : g;
    out[4 * i + 2] = on ? Math.round(0.45 * b + 0.55 * 40) : b;
    out[4 * i + 3] = 255;
  }
  return {width, height, data: out};
}

/** Resolves to the exit code: 1 when an image failed (each failure printed on its own line). */
export async function segment(args) {
  const parsed = parseCommand(args, OPTIONS, HELP, true);
  if (parsed == null) return 0;
  const {values, positionals} = parsed;
  const threshold = numberOption(values, 'threshold', {min: 0, max: 1}) ?? 0.5;
  const threads = numberOption(values, 'threads', {integer: true, min: 0, max: 16});
  const maxPixels = numberOption(values, 'max-pixels', {integer: true, min: 1}) ?? DEFAULT_MAX_PIXELS;
  const images = positionals.length > 0 ? positionals : [SAMPLE];
  const withOverlay = values.overlay || positionals.length === 0;
  const report = await chooseBackend(values.backend, threads);
  const weightsPath = values.weights ?? SHIPPED_WEIGHTS;
  let model;
  try {
    model = UNet.fromSafetensors(readFileSync(weightsPath));
  } catch (e) {
    throw new Error(`${weightsPath}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  mkdirSync(values.out, {recursive: true});
  console.log(`backend: ${describeBackend(report)}; model: ${basename(weightsPath)} (features ${model.config.features.join('/')})`);
  if (values.verbose) for (const {backend, reason} of report.skipped) console.log(`skipped ${backend}: ${reason}`);
  const progress = images.length > 1 ? new Progress(images.length, 'segment') : null;
  let failures = 0;
  for (const [i, path] of images.entries()) {
    try {
      const image = readImage(path, {maxPixels});
      const started = performance.now();
      const classes = tf.tidy(() => {
        const rgb = tf.slice(tf.tensor3d(image.data, [image.height, image.width, 4], 'int32'), [0, 0, 0], [-1, -1, 3]);
        const gray = () => tf.cast(tf.round(tf.mean(tf.cast(rgb, 'float32'), 2, true)), 'int32');
        return model.segment(model.config.inChannels === 1 ? gray() : rgb, {threshold});
      });
      const classIds = await classes.data();
      const ms = performance.now() - started;
      classes.dispose();
      const mask = new Uint8Array(image.width * image.height * 4);
      let on = 0;
      classIds.forEach((c, p) => {
        const level = c === 0 ? 0 : Math.round(255 * c / Math.max(1, model.config.outChannels - 1));
        mask.set([level, level, level, 255], 4 * p);
        if (c !== 0) on++;
      });
      const name = basename(path, extname(path));
      const written = [join(values.out, `${name}.mask.png`)];
      writePng(written[0], {width: image.width, height: image.height, data: mask});
      if (withOverlay) {
        written.push(join(values.out, `${name}.overlay.png`));
        writePng(written[1], overlay(image, classIds));
      }
      console.log(`${path}: ${image.width}x${image.height}, ${(100 * on / classIds.length).toFixed(1)}% foreground, ` +
          `${ms.toFixed(0)} ms -> ${written.join(', ')}`);
    } catch (e) {
      failures++;
      console.error(`asc-unet: ${e.message.startsWith(`${path}:`) ? e.message : `${path}: ${e.message}`}`);
    }
    progress?.update(i + 1);
  }
  model.dispose();
  if (failures > 0 && images.length > 1) console.error(`asc-unet: ${failures} of ${images.length} images failed`);
  return failures > 0 ? 1 : 0;
}
