// The seed's U-Net against real PyTorch (fixtures from scripts/make_unet_fixtures.py), on asc and cpu.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {readFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {createUNet, loadSafetensors, readSafetensors, toFloat32, UNet, writeSafetensors} from '../../dist/unet.js';
import {tf} from './helpers.mjs';

const FIXTURES = ['even', 'odd', 'batch2', 'three_levels', 'gray_multiclass'];
const fixture = (name, part) => readFileSync(new URL(`../fixtures/unet/${name}.${part}.safetensors`, import.meta.url));

/** PyTorch's input and output, NHWC. */
function io(name) {
  const {tensors} = readSafetensors(fixture(name, 'io'));
  const nhwc = (key) => tf.tidy(() => tf.transpose(tf.tensor(toFloat32(key, tensors.get(key)), tensors.get(key).shape), [0, 2, 3, 1]));
  return {x: nhwc('input'), y: nhwc('output')};
}

function maxAbsDiff(a, b) {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
const maxAbs = (t) => tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);

// asc with Winograd (its default) and with the direct GEMM only (ASC_WINOGRAD=false), and cpu.
for (const [backend, winograd] of [['asc', true], ['asc', false], ['cpu', true]]) {
  const path = backend === 'asc' ? (winograd ? ' (Winograd)' : ' (direct)') : '';
  test(`every fixture matches PyTorch within 1e-5 x max|y| on ${backend}${path}`, async () => {
    await tf.setBackend(backend);
    tf.env().set('ASC_WINOGRAD', winograd);
    for (const name of FIXTURES) {
      const model = UNet.fromSafetensors(fixture(name, 'weights'));
      const {x, y} = io(name);
      const before = tf.memory().numTensors;
      const out = model.predict(x);
      assert.is(tf.memory().numTensors, before + 1, `${name}: predict leaves only its output`);
      assert.equal(out.shape, y.shape, `${name}: shape`);
      const bound = 1e-5 * maxAbs(y);
      const err = maxAbsDiff(out, y);
      assert.ok(err <= bound, `${name} on ${backend}${path}: max error ${err} > ${bound}`);
      const unfused = model.predict(x, {fused: false});
      const unfusedErr = maxAbsDiff(unfused, y);
      assert.ok(unfusedErr <= bound, `${name} unfused on ${backend}${path}: max error ${unfusedErr} > ${bound}`);
      if (backend === 'cpu' || !winograd) {
        // Folding BatchNorm changes only float32 rounding: ||fused - unfused|| / ||unfused|| <= 1e-6 where a
        // conv sums its products in one rounding chain (Winograd's transforms round the two filters apart).
        const fusedErr = tf.tidy(() => tf.div(tf.norm(tf.sub(out, unfused)), tf.norm(unfused)).dataSync()[0]);
        assert.ok(fusedErr <= 1e-6, `${name}: fused differs from unfused by ${fusedErr} (L2-relative)`);
      }
      tf.dispose([x, y, out, unfused]);
      model.dispose();
    }
    tf.env().set('ASC_WINOGRAD', true);
  });
}

test('the architecture is read from the state_dict', () => {
  const model = UNet.fromSafetensors(fixture('three_levels', 'weights'));
  assert.equal(model.config, {inChannels: 1, outChannels: 3, features: [4, 8, 16]});
  model.dispose();
});

/** What `model.save` hands a tf.io handler. */
async function savedArtifacts(model) {
  let saved;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));
  return saved;
}

test('tf.io save -> load round-trips exactly', async () => {
  await tf.setBackend('asc');
  const model = UNet.fromSafetensors(fixture('odd', 'weights'));
  const loaded = await UNet.load(tf.io.fromMemory(await savedArtifacts(model)));
  assert.equal(loaded.config, model.config);
  const loadedState = loaded.stateDict();
  for (const [key, {shape, data}] of model.stateDict()) {
    const other = loadedState.get(key);
    assert.equal(other.shape, shape, key);
    assert.ok(other.data.every((v, i) => v === data[i]), `${key} differs`);
  }
  const {x} = io('odd');
  const a = model.predict(x);
  const b = loaded.predict(x);
  assert.is(maxAbsDiff(a, b), 0);
  tf.dispose([x, a, b]);
  model.dispose();
  loaded.dispose();
});

test('saved as model.json + weights.bin, loads through tfjs-core\'s http:// handler', async () => {
  await tf.setBackend('asc');
  const model = UNet.fromSafetensors(fixture('three_levels', 'weights'));
  const artifacts = await savedArtifacts(model);
  const files = {
    '/unet/model.json': JSON.stringify({modelTopology: artifacts.modelTopology, format: artifacts.format,
      generatedBy: artifacts.generatedBy, weightsManifest: [{paths: ['weights.bin'], weights: artifacts.weightSpecs}]}),
    '/unet/weights.bin': Buffer.from(artifacts.weightData),
  };
  const server = createServer((req, res) => {
    const body = files[req.url];
    res.writeHead(body == null ? 404 : 200).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const loaded = await UNet.load(`http://127.0.0.1:${server.address().port}/unet/model.json`);
    const x = tf.randomNormal([1, 21, 19, 1], 0, 1, 'float32', 2);
    const a = model.predict(x);
    const b = loaded.predict(x);
    assert.is(maxAbsDiff(a, b), 0);
    tf.dispose([x, a, b]);
    loaded.dispose();
  } finally {
    server.close();
    model.dispose();
  }
});

test('safetensors written by the model read back into the same model', async () => {
  await tf.setBackend('asc');
  const model = createUNet({inChannels: 3, outChannels: 2, features: [4, 8], seed: 5});
  const again = UNet.fromSafetensors(model.toSafetensors());
  const x = tf.randomNormal([1, 12, 10, 3], 0, 1, 'float32', 1);
  const a = model.predict(x);
  const b = again.predict(x);
  assert.is(maxAbsDiff(a, b), 0);
  tf.dispose([x, a, b]);
  model.dispose();
  again.dispose();
});

test('createUNet: the seed architecture, PyTorch init bounds, seeded', () => {
  const model = createUNet({seed: 1});
  assert.equal(model.config, {inChannels: 3, outChannels: 1, features: [64, 128, 256, 512]});
  const state = model.stateDict();
  assert.is(state.size, 4 * 12 + 4 * 14 + 12 + 2);
  const w = state.get('downs.1.conv.0.weight'); // [128, 64, 3, 3]: bound 1/sqrt(576)
  assert.ok(w.data.every((v) => Math.abs(v) <= 1 / 24) && w.data.some((v) => Math.abs(v) > 0.9 / 24));
  const t = state.get('ups.0.weight'); // ConvTranspose2d [1024, 512, 2, 2]: fan_in 512 * 4
  assert.ok(t.data.every((v) => Math.abs(v) <= 1 / Math.sqrt(2048)));
  assert.ok(state.get('bottleneck.conv.4.running_var').data.every((v) => v === 1));
  const again = createUNet({seed: 1});
  assert.ok(again.stateDict().get('final_conv.weight').data.every((v, i) => v === state.get('final_conv.weight').data[i]));
  model.dispose();
  again.dispose();
  assert.throws(() => createUNet({features: [8, 12]}), /features must double/);
});

test('segment: sigmoid threshold (one class) or argmax (several), from tensors or pixels, no tensors left', async () => {
  await tf.setBackend('asc');
  const model = UNet.fromSafetensors(fixture('even', 'weights'));
  const before = tf.memory().numTensors;
  const pixels = new Uint8ClampedArray(32 * 32 * 4).map((_, i) => (i * 37) % 256);
  const result = model.segment({data: pixels, width: 32, height: 32});
  assert.is(result.mask.length, 32 * 32);
  assert.ok(result.mask.every((v) => v === 0 || v === 1));
  // Same as thresholding the logits at 0 by hand.
  const expected = tf.tidy(() => {
    const x = tf.div(tf.slice(tf.tensor4d(Int32Array.from(pixels), [1, 32, 32, 4], 'int32'), [0, 0, 0, 0], [-1, -1, -1, 3]), 255);
    return tf.cast(tf.greater(model.predict(tf.cast(x, 'float32')), 0), 'int32').dataSync();
  });
  assert.ok(result.mask.every((v, i) => v === expected[i]));
  const image = tf.tensor3d(Int32Array.from(pixels.filter((_, i) => i % 4 !== 3)), [32, 32, 3], 'int32');
  const mask = model.segment(image, {threshold: 0.5});
  assert.equal(mask.shape, [32, 32]);
  tf.dispose([image, mask]);
  assert.is(tf.memory().numTensors, before);
  model.dispose();

  const multi = UNet.fromSafetensors(fixture('gray_multiclass', 'weights'));
  const gray = tf.randomUniform([2, 33, 47, 1], 0, 1, 'float32', 3);
  const classes = multi.segment(gray);
  assert.equal(classes.shape, [2, 33, 47]);
  const byHand = tf.tidy(() => tf.argMax(multi.predict(gray), 3));
  assert.is(maxAbsDiff(classes, byHand), 0);
  tf.dispose([gray, classes, byHand]);
  multi.dispose();
});

// ---- errors: each names the key, shape or byte offset, and nothing is half-loaded ----

const weightsBytes = () => new Uint8Array(fixture('three_levels', 'weights'));

/** The fixture's state_dict as {name: {shape, data}}, to edit and write back. */
function editableState() {
  const {tensors} = readSafetensors(weightsBytes());
  const out = {};
  for (const [k, v] of tensors) if (!k.endsWith('num_batches_tracked')) out[k] = {shape: v.shape, data: toFloat32(k, v)};
  return out;
}

/** A safetensors file with a hand-made header and `dataBytes` bytes of data. */
function rawSafetensors(header, dataBytes) {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

function expectLoadError(bytes, pattern) {
  const before = tf.memory().numTensors;
  assert.throws(() => UNet.fromSafetensors(bytes), pattern);
  assert.is(tf.memory().numTensors, before, 'nothing half-loaded');
}

test('state_dict errors: missing, unexpected, wrong shape, unsupported dtype', async () => {
  await tf.setBackend('asc');
  let state = editableState();
  delete state['downs.1.conv.3.bias'];
  expectLoadError(writeSafetensors(state), /missing key 'downs\.1\.conv\.3\.bias'/);
  state = editableState();
  state['extra.weight'] = {shape: [1], data: new Float32Array(1)};
  expectLoadError(writeSafetensors(state), /unexpected key 'extra\.weight'/);
  state = editableState();
  state['ups.3.conv.4.running_var'] = {shape: [5], data: new Float32Array(5)};
  expectLoadError(writeSafetensors(state), /'ups\.3\.conv\.4\.running_var' has shape \[5\], expected \[8\]/);
  expectLoadError(rawSafetensors({'x': {dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1]}}, 1), /'x' has unsupported dtype 'F8_E4M3'/);
  // A weight stored as integers: the right key and shape, the wrong dtype.
  const {tensors} = readSafetensors(weightsBytes());
  const header = {};
  let offset = 0;
  for (const [k, v] of tensors) {
    const dtype = k === 'final_conv.bias' ? 'I32' : v.dtype;
    header[k] = {dtype, shape: v.shape, data_offsets: [offset, offset + v.bytes.length]};
    offset += v.bytes.length;
  }
  expectLoadError(rawSafetensors(header, offset), /'final_conv\.bias' has dtype I32, expected a floating-point dtype/);
});

test('file errors: truncated, header length past the end, bad JSON, offsets out of range or overlapping', async () => {
  await tf.setBackend('asc');
  const bytes = weightsBytes();
  expectLoadError(bytes.subarray(0, 5), /shorter than the 8-byte header length/);
  expectLoadError(bytes.subarray(0, bytes.length - 100), /data_offsets \[\d+, \d+\] \(file bytes \d+ to \d+\) lie outside the \d+-byte data section/);
  const huge = bytes.slice();
  new DataView(huge.buffer).setBigUint64(0, 10n ** 12n, true);
  expectLoadError(huge, /header length 1000000000000 at byte 0 is over the 100000000-byte limit/);
  const badJson = bytes.slice();
  badJson[8] = '!'.charCodeAt(0);
  expectLoadError(badJson, /JSON header \(bytes 8 to \d+\) does not parse/);
  expectLoadError(rawSafetensors({a: {dtype: 'F32', shape: [2], data_offsets: [0, 8]},
    b: {dtype: 'F32', shape: [2], data_offsets: [4, 12]}}, 12), /'b' \(data bytes from 4\) overlaps 'a' \(to 8\)/);
  expectLoadError(rawSafetensors({a: {dtype: 'F32', shape: [3], data_offsets: [0, 8]}}, 8), /'a' \(F32 \[3\]\) needs 12 bytes, its data_offsets \[0, 8\] hold 8/);
});

test('input errors: channel count, rank, dtype, too small for the levels', async () => {
  await tf.setBackend('asc');
  const model = UNet.fromSafetensors(fixture('even', 'weights')); // 3 channels, 4 levels
  const bad = [
    [tf.zeros([1, 32, 32, 1]), /input has 1 channels, the model takes 3/],
    [tf.zeros([32, 32, 3]), /must be rank 4 \[batch, height, width, channels\], got rank 3/],
    [tf.zeros([1, 32, 32, 3], 'int32'), /dtype must be float32, got int32/],
    [tf.zeros([1, 15, 40, 3]), /input 15x40 is too small for 4 levels: height and width must be at least 16/],
  ];
  for (const [x, pattern] of bad) {
    assert.throws(() => model.predict(x), pattern);
    x.dispose();
  }
  const x = tf.zeros([1, 16, 16, 3]); // the smallest that runs
  model.predict(x).dispose();
  x.dispose();
  model.dispose();
});

test.run();
