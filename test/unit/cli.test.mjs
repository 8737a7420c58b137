// The asc-unet command line end to end: the bundled sample's mask against the committed expected
// mask, overlays, info, train and bench; bad input gets a one-line error naming the file, exit 1;
// bad usage exit 2.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {readImage, writePng} from '../../cli/images.mjs';
import {UNet} from '../../dist/unet.js';
import {tf} from './helpers.mjs';

const CLI = fileURLToPath(new URL('../../cli/asc-unet.mjs', import.meta.url));
const EXPECTED_MASK = fileURLToPath(new URL('../fixtures/cli/sample.mask.png', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'asc-unet-'));
const cli = (...args) => spawnSync(process.execPath, [CLI, ...args], {cwd: dir, encoding: 'utf8'});
/** The lines asc-unet itself wrote to stderr (Dawn may add warnings of its own). */
const errors = (run) => run.stderr.split('\n').filter((l) => l.startsWith('asc-unet:'));

test('segment with no image writes the sample\'s mask and overlay, the mask as expected but for a few boundary pixels', () => {
  const run = cli('segment');
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stdout, /^backend: asc \(/m);
  assert.match(run.stdout, /sample\.png: 256x256, [\d.]+% foreground, \d+ ms -> sample\.mask\.png, sample\.overlay\.png/);
  const got = readImage(join(dir, 'sample.mask.png'), {maxPixels: 1e6});
  const want = readImage(EXPECTED_MASK, {maxPixels: 1e6});
  let differ = 0;
  for (let i = 0; i < got.data.length; i += 4) if (got.data[i] !== want.data[i]) differ++;
  assert.ok(differ <= 0.001 * 256 * 256, `${differ} pixels differ from the expected mask`);
  const overlay = readImage(join(dir, 'sample.overlay.png'), {maxPixels: 1e6});
  assert.equal([overlay.width, overlay.height], [256, 256]);
});

test('bad images: a one-line error naming the file and the problem, exit 1; the good ones still written', () => {
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
  const sample = readFileSync(fileURLToPath(new URL('../../assets/sample.png', import.meta.url)));
  writeFileSync(join(dir, 'truncated.png'), sample.subarray(0, 5000));
  writePng(join(dir, 'tiny.png'), {width: 4, height: 4, data: new Uint8Array(64).fill(255)});
  for (const [file, problem] of [['missing.png', 'no such file'], ['notes.txt', 'not a PNG or JPEG image'],
    ['truncated.png', 'a damaged or truncated PNG'], ['tiny.png', 'UNet.predict: input 4x4 is too small for 4 levels']]) {
    const run = cli('segment', file);
    assert.is(run.status, 1, `${file}: ${run.stderr}`);
    const lines = errors(run);
    assert.is(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], `asc-unet: ${file}: ${problem}`);
  }
  const big = cli('segment', '--max-pixels', '10000', 'missing.png', fileURLToPath(new URL('../../assets/sample.png', import.meta.url)));
  assert.is(big.status, 1);
  assert.match(big.stderr, /sample\.png: 256x256 is 65536 pixels, over the limit of 10000 \(--max-pixels\)/);
  assert.match(big.stderr, /asc-unet: 2 of 2 images failed/);
});

test('usage errors exit 2', () => {
  for (const args of [['segment', '--threshold', '2'], ['segment', '--nope'], ['frobnicate'], ['segment', '--backend', 'tpu'],
    ['train', '--seed', '2', '--val-seed', '2']]) {
    const run = cli(...args);
    assert.is(run.status, args[2] === 'tpu' ? 1 : 2, `${args.join(' ')}: ${run.stderr}`);
  }
  assert.is(cli('segment', '--help').status, 0);
  assert.match(cli('segment', '--help').stdout, /Usage: asc-unet segment/);
});

test('info reports the machine and the choice; train writes loadable weights and resumes; bench times', async () => {
  const info = cli('info', '--json');
  assert.is(info.status, 0, info.stderr);
  const report = JSON.parse(info.stdout);
  assert.is(report.chosen, 'asc');
  assert.is(report.features.wasmSimd, true);

  const args = ['train', '--size', '32', '--features', '4,8', '--batch', '2', '--val-count', '2', '--eval-every', '2',
    '--out', 'tiny.safetensors', '--checkpoint', 'tiny.ckpt'];
  let run = cli(...args, '--steps', '2');
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stdout, /validation IoU [\d.]+ .* after 2 steps/);
  run = cli(...args, '--steps', '4', '--resume', 'tiny.ckpt', '--float16');
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stdout, /resuming at step 2/);
  await tf.setBackend('asc');
  const model = UNet.fromSafetensors(readFileSync(join(dir, 'tiny.safetensors')));
  assert.equal(model.config, {inChannels: 3, outChannels: 1, features: [4, 8]});
  model.dispose();

  const bench = cli('bench', '--size', '32', '--features', '4,8', '--runs', '1');
  assert.is(bench.status, 0, bench.stderr);
  assert.match(bench.stdout, /asc +[\d.]+ ms +[\d.]+ GFLOP\/s/);
  assert.ok(existsSync(join(dir, 'tiny.ckpt')));
});

test.run();
