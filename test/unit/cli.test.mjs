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
/** The error lines asc-unet wrote to stderr (between them: its progress bar). */
const errors = (run) => run.stderr.split(/[\r\n]/).filter((l) => l.startsWith('asc-unet:'));

test('segment with no image writes the sample\'s mask and overlay, the mask as expected but for a few boundary pixels', () => {
  const run = cli('segment');
  assert.is(run.status, 0, run.stderr);
  assert.is(run.stderr, '', 'nothing on stderr: no GPU here, and Dawn\'s warnings are not printed');
  assert.match(run.stdout, /^backend: asc \(/m);
  assert.not.match(run.stdout, /skipped/);
  assert.match(run.stdout, /sample\.png: 256x256, [\d.]+% foreground, \d+ ms -> sample\.mask\.png, sample\.overlay\.png/);
  const got = readImage(join(dir, 'sample.mask.png'), {maxPixels: 1e6});
  const want = readImage(EXPECTED_MASK, {maxPixels: 1e6});
  let differ = 0;
  for (let i = 0; i < got.data.length; i += 4) if (got.data[i] !== want.data[i]) differ++;
  assert.ok(differ <= 0.001 * 256 * 256, `${differ} pixels differ from the expected mask`);
  const overlay = readImage(join(dir, 'sample.overlay.png'), {maxPixels: 1e6});
  assert.equal([overlay.width, overlay.height], [256, 256]);
});

test('segment --verbose also says why webgpu was not chosen (here: Mesa\'s software rasterizer, or no adapter)', () => {
  const run = cli('segment', '--verbose');
  assert.is(run.status, 0, run.stderr);
  assert.is(run.stderr, '');
  assert.match(run.stdout, /^skipped webgpu: (the WebGPU adapter is a software rasterizer|Dawn found no adapter)/m);
});

test('bad images: a one-line error naming the file and the problem, exit 1; the good ones still written', () => {
  writeFileSync(join(dir, 'notes.txt'), 'not an image');
  const sample = readFileSync(fileURLToPath(new URL('../../assets/sample.png', import.meta.url)));
  writeFileSync(join(dir, 'truncated.png'), sample.subarray(0, 5000));
  writePng(join(dir, 'tiny.png'), {width: 4, height: 4, data: new Uint8Array(64).fill(255)});
  for (const [file, problem] of [['missing.png', 'no such file'], ['notes.txt', 'not a PNG or JPEG image'],
    ['truncated.png', 'a damaged or truncated PNG'], ['tiny.png', 'UNet.segmentTiled: image 4x4 is too small for 4 levels']]) {
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

test('a large PNG segments in strips within --memory, streamed, to the whole image\'s mask', async () => {
  // The bundled sample tiled 4 x 3 (a 1024 x 768 image of cells), with --memory small enough for strips.
  const sample = readImage(fileURLToPath(new URL('../../assets/sample.png', import.meta.url)), {maxPixels: 1e6});
  const width = 1024, height = 768;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(sample.data.subarray(4 * ((y % 256) * 256 + (x % 256)), 4 * ((y % 256) * 256 + (x % 256)) + 4), 4 * (y * width + x));
  }
  writePng(join(dir, 'large.png'), {width, height, data});
  const run = cli('segment', 'large.png', '--memory', '120', '--overlay');
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stdout, /large\.png: 1024x768, [\d.]+% foreground, \d+ ms, \d+ strips -> large\.mask\.png, large\.overlay\.png/);
  assert.match(run.stderr, /tiles \[#+\] \d+\/\d+/, 'a progress bar counts the tiles');
  await tf.setBackend('asc');
  const model = UNet.fromSafetensors(readFileSync(fileURLToPath(new URL('../../assets/unet-cells.safetensors', import.meta.url))));
  const expected = model.segment({data, width, height}).mask;
  model.dispose();
  const got = readImage(join(dir, 'large.mask.png'), {maxPixels: 1e7}).data;
  let differ = 0;
  for (let p = 0; p < width * height; p++) if ((got[4 * p] !== 0) !== (expected[p] !== 0)) differ++;
  assert.is(differ, 0, `${differ} mask pixels differ from the whole image's`);
  const overlay = readImage(join(dir, 'large.overlay.png'), {maxPixels: 1e7});
  assert.equal([overlay.width, overlay.height], [width, height]);
  for (const args of [['--memory', '8'], ['--tile', '0'], ['--memory', 'lots']]) {
    assert.is(cli('segment', 'large.png', ...args).status, 2, args.join(' '));
  }
  const tooSmall = cli('segment', 'large.png', '--memory', '20');
  assert.is(tooSmall.status, 1);
  assert.match(errors(tooSmall)[0], /asc-unet: large\.png: tiled U-Net: a budget of 20 MiB does not hold the model's weights/);
});

test('absurd dimensions: a PNG or JPEG header claiming billions of pixels is refused before decoding', () => {
  // A PNG of 100000 x 100000 RGBA pixels (IHDR only; 40 GB if decoded) and a JPEG frame of 60000 x 60000.
  const png = Buffer.alloc(45);
  Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]).copy(png, 0);
  png.writeUInt32BE(13, 8);
  png.write('IHDR', 12, 'latin1');
  png.writeUInt32BE(100000, 16);
  png.writeUInt32BE(100000, 20);
  png.set([8, 6], 24);
  png.write('IEND', 37, 'latin1');
  writeFileSync(join(dir, 'huge.png'), png);
  writeFileSync(join(dir, 'huge.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0xea, 0x60, 0xea, 0x60, 3, 1, 0x11, 0, 2, 0x11,
    0, 3, 0x11, 0, 0xff, 0xd9]));
  const png0 = Buffer.from(png);
  png0.writeUInt32BE(0, 16);
  writeFileSync(join(dir, 'empty.png'), png0);
  const started = performance.now();
  const run = cli('segment', 'huge.png', 'huge.jpg', 'empty.png');
  assert.is(run.status, 1, run.stderr);
  const lines = errors(run);
  assert.match(lines[0], 'asc-unet: huge.png: 100000x100000 is 10000000000 pixels, over the limit of 1000000000 (--max-pixels)');
  assert.match(lines[1], 'asc-unet: huge.jpg: over the limit of 100000000 pixels (--max-pixels)');
  assert.match(lines[2], /asc-unet: empty\.png: a damaged or truncated PNG/);
  assert.match(lines[3], 'asc-unet: 3 of 3 images failed');
  assert.ok(performance.now() - started < 30_000, 'refused without decoding');
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
