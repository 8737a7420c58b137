// Tiled U-Net inference: equal to whole-image inference bit for bit (odd sizes, batch 2, strips
// narrower than the halo, an image smaller than one strip, fused and unfused, 1 and 2 threads,
// every depth, asc and cpu), the memory a run holds within its budget and nothing left behind, the narrow-halo
// option's error where it is expected, and bad options and sources refused with a clear error.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {setThreadsCount} from '../../dist/index.js';
import {createUNet} from '../../dist/unet.js';
import {rng, tf} from './helpers.mjs';

await tf.setBackend('asc');

/** Resolves when `run()` rejects with a message matching `pattern`. */
async function rejects(run, pattern, what) {
  try {
    await run();
  } catch (e) {
    assert.match(e.message, pattern, what);
    return;
  }
  assert.unreachable(`${what ?? pattern}: did not throw`);
}

/** A seeded input [n, h, w, c] in [-1, 1). */
function input(seed, shape) {
  const random = rng(seed);
  const values = Float32Array.from({length: shape.reduce((a, b) => a * b, 1)}, () => random() * 2 - 1);
  return tf.tensor4d(values, shape);
}

/** Indices where two outputs differ in any bit (NaN-safe). */
function bitDifferences(a, b) {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length), y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let count = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) count++;
  return count;
}

const ARCHITECTURES = [
  {features: [4], inChannels: 3, outChannels: 1},
  {features: [4, 8], inChannels: 1, outChannels: 2},
  {features: [4, 8, 16], inChannels: 3, outChannels: 1},
  {features: [2, 4, 8, 16], inChannels: 3, outChannels: 3},
];

test('tiled equals whole-image inference bit for bit: every depth, odd sizes, batch 2, narrow strips', async () => {
  for (const [a, config] of ARCHITECTURES.entries()) {
    const model = createUNet({...config, seed: 11 + a});
    const field = model.receptiveField();
    const min = 2 ** config.features.length;
    for (const [shape, options] of [
      [[1, 37, 53], {stripWidth: 16, bandRows: 5}],
      [[2, 2 * min + 3, 3 * min + 1], {stripWidth: min, bandRows: 3}], // strips narrower than the halo
      [[1, min, min + 1], {}], // smaller than one strip: the default plan
      [[1, 45, 29], {stripWidth: 7, bandRows: 1, fused: false}],
    ]) {
      const x = input(a, [...shape, config.inChannels]);
      const whole = model.predict(x, {fused: options.fused ?? true});
      const tiled = await model.predictTiled(x, options);
      const plan = model.planTiles(shape[0], shape[1], shape[2], options);
      assert.ok(plan.exact, 'the default halo is exact');
      if (options.stripWidth != null) {
        // The halo: the receptive field, each 3x3 conv's run widened to whole Winograd tiles (up to 3
        // more pixels a side at its scale, so at most 4x the field), and odd sizes' align-corners
        // resizes stretching the cone by less than a pixel per level.
        assert.ok(plan.strips.length > 1 && plan.halo <= 4 * field + min,
            `${plan.strips.length} strips, halo ${plan.halo}, field ${field}`);
      }
      assert.equal(tiled.shape, whole.shape);
      const differ = bitDifferences(whole.dataSync(), tiled.dataSync());
      assert.is(differ, 0, `${JSON.stringify(config)} ${shape} ${JSON.stringify(options)}: ${differ} values differ`);
      tf.dispose([x, whole, tiled]);
    }
    model.dispose();
  }
});

test('on tfjs-backend-cpu too, tiled equals whole-image inference bit for bit', async () => {
  await tf.setBackend('cpu');
  const model = createUNet({features: [4, 8, 16], seed: 21});
  const x = input(5, [2, 29, 43, 3]);
  for (const fused of [true, false]) {
    const whole = model.predict(x, {fused});
    const tiled = await model.predictTiled(x, {stripWidth: 16, bandRows: 6, fused});
    assert.is(bitDifferences(whole.dataSync(), tiled.dataSync()), 0, `fused ${fused}`);
    tf.dispose([whole, tiled]);
  }
  x.dispose();
  model.dispose();
  await tf.setBackend('asc');
});

test('the receptive field comes from the architecture (two 3x3 convs per level, pools and upsamplings)', () => {
  // Per level l of L: 2 convs on the way down and 2 up, each one pixel at scale 2^l, the bottleneck's
  // 2 at 2^L: 6 * 2^L - 4; the pools' rounding adds up to 2^L - 1 with the column's phase.
  for (const [levels, expected] of [[1, 9], [2, 23], [3, 51], [4, 107], [5, 219]]) {
    const model = createUNet({features: Array.from({length: levels}, (_, i) => 2 << i), seed: 1});
    assert.is(model.receptiveField(), expected, `${levels} levels`);
    model.dispose();
  }
});

test('1 and 2 threads tile alike, and equal the whole image', async () => {
  const model = createUNet({features: [8, 16, 32], seed: 5});
  const x = input(9, [1, 61, 67, 3]);
  const whole = model.predict(x).dataSync();
  for (const threads of [1, 2]) {
    setThreadsCount(threads);
    const tiled = await model.predictTiled(x, {stripWidth: 24, bandRows: 8});
    assert.is(bitDifferences(whole, tiled.dataSync()), 0, `${threads} threads`);
    tiled.dispose();
  }
  setThreadsCount(0);
  x.dispose();
  model.dispose();
});

test('segmentTiled gives segment\'s mask, from pixels and from a source of rows in odd pieces', async () => {
  for (const config of [{features: [4, 8, 16], inChannels: 3, outChannels: 1}, {features: [4, 8], inChannels: 1, outChannels: 3}]) {
    const model = createUNet({...config, seed: 3});
    const width = 45, height = 38;
    const random = rng(4);
    const data = Uint8Array.from({length: width * height * 4}, () => Math.floor(random() * 256));
    const expected = model.segment({data, width, height}).mask;
    if (config.inChannels === 1) {
      // RGBA pixels into a gray model: the rounded mean of R, G, B, then scaled as 8-bit values are.
      const gray = Int32Array.from({length: width * height}, (_, p) => Math.round((data[4 * p] + data[4 * p + 1] + data[4 * p + 2]) / 3));
      const fromGray = model.segment(tf.tensor3d(gray, [height, width, 1], 'int32'));
      assert.equal(Uint8Array.from(fromGray.dataSync()), expected, 'gray from RGBA');
      fromGray.dispose();
    }
    const fromPixels = await model.segmentTiled({data, width, height}, {stripWidth: 16, bandRows: 6});
    assert.equal(fromPixels.mask, expected);
    const rows = {width, height, channels: 4, *rows() {
      for (let at = 0; at < data.length; at += 4 * width * 3 + 8) yield data.subarray(at, at + 4 * width * 3 + 8);
    }};
    const bands = [];
    const streamed = await model.segmentTiled(rows, {stripWidth: 20, bandRows: 4, onMask: (mask, r, c) => bands.push([mask, r, c])});
    assert.is(streamed.mask, undefined, 'onMask takes the bands');
    const gathered = new Uint8Array(width * height);
    for (const [mask, [y0, y1], [x0, x1]] of bands) {
      for (let y = y0; y < y1; y++) gathered.set(mask.subarray((y - y0) * (x1 - x0), (y - y0 + 1) * (x1 - x0)), y * width + x0);
    }
    assert.equal(gathered, expected);
    model.dispose();
  }
});

test('a run holds at most its budget and leaves nothing behind', async () => {
  const model = createUNet({features: [16, 32, 64, 128], seed: 2});
  const [height, width] = [256, 1024];
  tf.dispose(model.predict(tf.zeros([1, 32, 32, 3]))); // weights packed
  const before = tf.memory();
  const budget = 104 * 2 ** 20;
  const plan = model.planTiles(1, height, width, {memoryBytes: budget});
  assert.ok(plan.strips.length > 1, `a budget this small takes strips (${plan.strips.length})`);
  const random = rng(8);
  const data = Uint8Array.from({length: height * width * 3}, () => Math.floor(random() * 256));
  const source = {width, height, channels: 3, rows: () => [data]};
  for (let run = 0; run < 2; run++) {
    let peak = 0;
    await model.segmentTiled(source, {memoryBytes: budget, onMask: () => {
      peak = Math.max(peak, tf.memory().numBytes);
    }});
    assert.ok(peak <= budget, `peak ${peak} bytes over the budget ${budget}`);
    assert.ok(peak - before.numBytes <= plan.peakRowBytes, `rows in flight ${peak - before.numBytes} over the plan's ${plan.peakRowBytes}`);
    assert.is(tf.memory().numTensors, before.numTensors, `run ${run}: tensors left`);
    assert.is(tf.memory().numBytes, before.numBytes, `run ${run}: bytes left`);
  }
  model.dispose();
});

test('a halo narrower than the receptive field: exact away from the strips\' edges, and said so', async () => {
  const model = createUNet({features: [4, 8, 16], seed: 7});
  const [height, width, stripWidth] = [40, 512, 256];
  const x = input(2, [1, height, width, 3]);
  const whole = model.predict(x).dataSync();
  const halo = 16;
  const plan = model.planTiles(1, height, width, {stripWidth, halo});
  assert.is(plan.exact, false);
  assert.is(plan.halo, halo);
  const tiled = (await model.predictTiled(x, {stripWidth, halo})).dataSync();
  // Columns 0..255 are computed from columns 0..271 (aligned to the stride 8), 256..511 from 224..511
  // (the origin aligned to the stride times Winograd's 4);
  // rounding alike reaches as far as the exact halo of a strip no image edge clips (the receptive
  // field widened to whole Winograd tiles).
  const exactHalo = model.planTiles(1, height, 4096, {stripWidth: 1024}).halo;
  let edgeDiffers = 0, far = 0;
  for (let y = 0; y < height; y++) {
    for (let c = 0; c < width; c++) {
      const i = y * width + c;
      if (c < stripWidth ? c < 272 - exactHalo : c >= 224 + exactHalo) {
        assert.is(tiled[i], whole[i], `column ${c} far from the strip's edge`);
        far++;
      } else if (tiled[i] !== whole[i]) {
        edgeDiffers++;
      }
    }
  }
  assert.ok(far > 0 && edgeDiffers > 0, `a narrow halo changes the strips' edges only (${far} values far from them)`);
  x.dispose();
  model.dispose();
});

test('bad options and sources are refused with an error that names the problem', async () => {
  const model = createUNet({features: [4, 8], seed: 1});
  const x = input(1, [1, 16, 16, 3]);
  for (const [options, message] of [
    [{memoryBytes: 0}, /memoryBytes must be a positive number of bytes, got 0/],
    [{memoryBytes: NaN}, /memoryBytes must be a positive number of bytes, got NaN/],
    [{stripWidth: 0}, /stripWidth must be an integer >= 1, got 0/],
    [{stripWidth: 2.5}, /stripWidth must be an integer >= 1, got 2.5/],
    [{bandRows: -1}, /bandRows must be an integer >= 1, got -1/],
    [{halo: -3}, /halo must be an integer >= 0, got -3/],
    [{memoryBytes: 1024}, /a budget of 0 MiB does not hold the model's weights/],
  ]) {
    await rejects(() => model.predictTiled(x, options), message, JSON.stringify(options));
  }
  const big = createUNet({features: [32, 64, 128, 256], seed: 1});
  assert.throws(() => big.planTiles(1, 4096, 4096, {memoryBytes: 50 * 2 ** 20}), /does not hold the model's weights/);
  assert.throws(() => big.planTiles(1, 4096, 4096, {memoryBytes: 200 * 2 ** 20}), /needs \d+ MiB of rows in flight .* raise memoryBytes/);
  assert.throws(() => model.planTiles(1, 3, 16), /input 3x16 is too small for 2 levels/);
  big.dispose();
  const short = {width: 16, height: 16, channels: 3, rows: () => [new Uint8Array(16 * 10 * 3)]};
  await rejects(() => model.segmentTiled(short), /the image source ended after 10 of its 16 rows/);
  await rejects(() => model.segmentTiled({width: 0, height: 5, rows: () => []}), /positive integer width and height/);
  const before = tf.memory().numTensors;
  await rejects(() => model.predictTiled(tf.zeros([1, 16, 16, 2])), /input has 2 channels, the model takes 3/);
  assert.ok(tf.memory().numTensors <= before + 1, 'nothing but the bad input left');
  x.dispose();
  model.dispose();
});

test.run();
