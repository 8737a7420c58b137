// asc-unet segment: masks (and overlays) for PNG/JPEG images with the shipped U-Net or given weights.
import {mkdirSync, readFileSync} from 'node:fs';
import {basename, extname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import {UNet} from '../dist/unet.js';
import {numberOption, parseCommand} from './args.mjs';
import {BACKENDS, chooseBackend, describeBackend} from './backend.mjs';
import {openImage} from './images.mjs';
import {pngWriter} from './png_stream.mjs';
import {Progress} from './progress.mjs';

export const SAMPLE = fileURLToPath(new URL('../assets/sample.png', import.meta.url));
export const SHIPPED_WEIGHTS = fileURLToPath(new URL('../assets/unet-cells.safetensors', import.meta.url));
const DEFAULT_MAX_PIXELS = 1_000_000_000;
const DEFAULT_MEMORY_MIB = 512;

const HELP = `Usage: asc-unet segment [images...] [options]

Segments each PNG or JPEG image (the bundled sample when none is given) and writes
<name>.mask.png (white: the class, black: background) and, with --overlay (always for the
bundled sample), <name>.overlay.png. Images of any size: the network runs over strips of
columns in bands of rows within --memory, with the same result as over the whole image;
PNGs are read and written band by band (JPEG and interlaced PNG are decoded whole).

Options:
  -o, --out <dir>        where to write (default: the current directory)
      --overlay          also write the mask drawn over the image
      --weights <file>   a safetensors state_dict of the seed's U-Net (default: the shipped cell model)
      --backend <name>   ${BACKENDS.join('|')} (default auto: WebGPU on a hardware adapter, else asc)
      --threshold <t>    sigmoid threshold in (0, 1) for one-class models (default 0.5)
      --threads <n>      threads for asc (default: one per core)
      --memory <MiB>     memory for a run (model, packed weights, rows in flight; default ${DEFAULT_MEMORY_MIB})
      --tile <px>        columns per strip (default: as wide as --memory allows)
      --max-pixels <n>   refuse larger images (default ${DEFAULT_MAX_PIXELS}; decoded whole: 100000000)
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
  memory: {type: 'string'},
  tile: {type: 'string'},
  verbose: {type: 'boolean', short: 'v'},
};

/** Rows of the mask drawn over the image: the class colour at 55% where the mask is set; RGB. */
function overlayRows(rgba, classIds) {
  const out = new Uint8Array(classIds.length * 3);
  for (let i = 0; i < classIds.length; i++) {
    const on = classIds[i] !== 0;
    const [r, g, b] = [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]];
    out[3 * i] = on ? Math.round(0.45 * r + 0.55 * 255) : r;
    out[3 * i + 1] = on ? Math.round(0.45 * g + 0.55 * 40) : g;
    out[3 * i + 2] = on ? Math.round(0.45 * b + 0.55 * 40) : b;
  }
  return out;
}

/** Writes the class ids as a gray mask PNG, a band of rows at a time. */
async function writeMask(path, {width, height}, classIds, classes) {
  const writer = pngWriter(path, {width, height, channels: 1});
  const band = Math.max(1, Math.floor((1 << 20) / width));
  for (let y = 0; y < height; y += band) {
    const ids = classIds.subarray(y * width, Math.min(height, y + band) * width);
    await writer.write(ids.map((c) => (c === 0 ? 0 : Math.round(255 * c / Math.max(1, classes - 1)))));
  }
  await writer.end();
}

/** Reads the image again, band by band, and writes the overlay PNG. */
async function writeOverlay(path, image, classIds) {
  const writer = pngWriter(path, {width: image.width, height: image.height, channels: 3});
  let pixel = 0;
  for await (const rgba of image.rows()) {
    const count = rgba.length / 4;
    await writer.write(overlayRows(rgba, classIds.subarray(pixel, pixel + count)));
    pixel += count;
  }
  await writer.end();
}

/** Resolves to the exit code: 1 when an image failed (each failure printed on its own line). */
export async function segment(args) {
  const parsed = parseCommand(args, OPTIONS, HELP, true);
  if (parsed == null) return 0;
  const {values, positionals} = parsed;
  const threshold = numberOption(values, 'threshold', {min: 0, max: 1}) ?? 0.5;
  const threads = numberOption(values, 'threads', {integer: true, min: 0, max: 16});
  const maxPixels = numberOption(values, 'max-pixels', {integer: true, min: 1}) ?? DEFAULT_MAX_PIXELS;
  const memoryMiB = numberOption(values, 'memory', {min: 16, max: 65536}) ?? DEFAULT_MEMORY_MIB;
  const stripWidth = numberOption(values, 'tile', {integer: true, min: 1});
  const images = positionals.length > 0 ? positionals : [SAMPLE];
  const withOverlay = values.overlay || positionals.length === 0;
  // asc's wasm memory may not grow past the budget (its allocator would otherwise double it).
  tf.env().set('ASC_MAX_MEMORY_BYTES', memoryMiB * 2 ** 20);
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
  const overall = images.length > 1 ? new Progress(images.length, 'segment') : null;
  let failures = 0;
  for (const [i, path] of images.entries()) {
    try {
      const image = openImage(path, {maxPixels});
      const started = performance.now();
      const classIds = new Uint8Array(image.width * image.height);
      let bands = null;
      const {plan} = await model.segmentTiled(image, {threshold, memoryBytes: memoryMiB * 2 ** 20, stripWidth,
        onMask: (ids, [y0, y1], [x0, x1]) => {
          for (let y = y0; y < y1; y++) classIds.set(ids.subarray((y - y0) * (x1 - x0), (y - y0 + 1) * (x1 - x0)), y * image.width + x0);
        },
        onProgress: (done, total) => {
          // A bar for runs of more than a few bands (a large image).
          if (total >= 16) (bands ??= new Progress(total, 'tiles')).update(done);
        }});
      const ms = performance.now() - started;
      const on = classIds.reduce((n, c) => n + (c !== 0 ? 1 : 0), 0);
      const name = basename(path, extname(path));
      const written = [join(values.out, `${name}.mask.png`)];
      await writeMask(written[0], image, classIds, model.config.outChannels);
      if (withOverlay) {
        written.push(join(values.out, `${name}.overlay.png`));
        await writeOverlay(written[1], image, classIds);
      }
      const tiles = plan.strips.length > 1 ? `, ${plan.strips.length} strips` : '';
      console.log(`${path}: ${image.width}x${image.height}, ${(100 * on / classIds.length).toFixed(1)}% foreground, ` +
          `${ms.toFixed(0)} ms${tiles} -> ${written.join(', ')}`);
      if (values.verbose) {
        const wasm = tf.getBackend() === 'asc' ? `, wasm memory ${(tf.backend().memory().wasmMemoryBytes / 2 ** 20).toFixed(0)} MiB` : '';
        console.log(`peak resident memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB${wasm}; ` +
            `${plan.strips.length} strips of ${plan.strips[0][1]} columns, ${plan.bandRows} rows a step`);
      }
    } catch (e) {
      failures++;
      console.error(`asc-unet: ${e.message.startsWith(`${path}:`) ? e.message : `${path}: ${e.message}`}`);
    }
    overall?.update(i + 1);
  }
  model.dispose();
  if (failures > 0 && images.length > 1) console.error(`asc-unet: ${failures} of ${images.length} images failed`);
  return failures > 0 ? 1 : 0;
}
