// Hostile files: safetensors with absurd headers, offsets and keys; tf.io models with missing or
// short weights. Each gets an Error naming the problem, leaves no tensor behind and pollutes nothing.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {createServer} from 'node:http';
import {createUNet, readSafetensors, UNet} from '../../dist/unet.js';
import {tf} from './helpers.mjs';

/** A safetensors file from a header object (as JSON text or object) and `dataBytes` zero bytes. */
function safetensors(header, dataBytes = 0, declaredLength) {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

/** Asserts reading `bytes` as a U-Net throws `pattern` and leaves no tensor and no polluted prototype. */
function expectRefused(bytes, pattern) {
  const tensors = tf.memory().numTensors;
  assert.throws(() => UNet.fromSafetensors(bytes), (e) => e instanceof Error && pattern.test(e.message),
      `expected ${pattern}`);
  assert.is(tf.memory().numTensors, tensors, 'tensors left behind');
  assert.is(({}).polluted, undefined, 'Object.prototype polluted');
  assert.is(Object.prototype.dtype, undefined, 'Object.prototype polluted');
}

test('safetensors: giant or overflowing header lengths are refused before anything is read', async () => {
  await tf.setBackend('asc');
  expectRefused(safetensors({}, 0, 2n ** 64n - 1n), /header length 18446744073709551615 at byte 0 is over the 100000000-byte limit/);
  expectRefused(safetensors({}, 0, 200_000_000n), /header length 200000000 at byte 0 is over the 100000000-byte limit/);
  expectRefused(safetensors({}, 0, 5000n), /header length 5000 at byte 0 runs past the end of the \d+-byte file/);
});

test('safetensors: offsets that overflow, run past the data, overlap or disagree with dtype and shape', async () => {
  await tf.setBackend('asc');
  const f32 = (shape, offsets) => ({dtype: 'F32', shape, data_offsets: offsets});
  expectRefused(safetensors({a: f32([2], [0, 2 ** 64])}, 8), /'a' has invalid data_offsets \[0,18446744073709552000\]/);
  expectRefused(safetensors({a: f32([2], [2 ** 53 + 2, 2 ** 53 + 10])}, 8), /'a' has invalid data_offsets/);
  expectRefused(safetensors({a: f32([2], [-8, 0])}, 8), /'a' has invalid data_offsets \[-8,0\]/);
  expectRefused(safetensors({a: f32([2], [0.5, 8.5])}, 16), /'a' has invalid data_offsets/);
  expectRefused(safetensors({a: f32([2], [8, 0])}, 8), /'a' data_offsets \[8, 0\] .* lie outside the 8-byte data section/);
  expectRefused(safetensors({a: f32([2], [0, 16])}, 8), /'a' data_offsets \[0, 16\] .* lie outside the 8-byte data section/);
  expectRefused(safetensors({a: f32([2], [0, 8]), b: f32([2], [4, 12])}, 12), /'b' \(data bytes from 4\) overlaps 'a' \(to 8\)/);
  // Shapes whose element count overflows, or is not a count at all.
  expectRefused(safetensors({a: f32([2 ** 31, 2 ** 31, 2 ** 31], [0, 8])}, 8), /'a' \(F32 \[2147483648, 2147483648, 2147483648\]\) needs \d.* bytes, its data_offsets \[0, 8\] hold 8/);
  expectRefused(safetensors({a: f32([1e300, 2], [0, 8])}, 8), /'a' has an invalid shape \[1e\+300,2\]/);
  expectRefused(safetensors({a: f32([-2], [0, 8])}, 8), /'a' has an invalid shape \[-2\]/);
  expectRefused(safetensors({a: f32('2', [0, 8])}, 8), /'a' has an invalid shape "2"/);
  expectRefused(safetensors({a: {dtype: 'I64', shape: [3], data_offsets: [0, 8]}}, 8), /'a' \(I64 \[3\]\) needs 24 bytes/);
});

test('safetensors: keys and dtypes that name Object.prototype\'s properties are plain strings', async () => {
  await tf.setBackend('asc');
  const f32 = {dtype: 'F32', shape: [1], data_offsets: [0, 4]};
  const proto = safetensors('{"__proto__": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "polluted": true}}', 4);
  assert.equal([...readSafetensors(proto).tensors.keys()], ['__proto__']);
  expectRefused(proto, /UNet state_dict: missing key 'downs\.0\.conv\.0\.weight'/);
  for (const dtype of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
    expectRefused(safetensors({a: {...f32, dtype}}, 4), new RegExp(`'a' has unsupported dtype '${dtype}'`));
  }
  expectRefused(safetensors({constructor: f32, toString: f32}, 4), /overlaps/);
  expectRefused(safetensors({a: null}, 4), /tensor 'a' is null, not \{dtype, shape, data_offsets\}/);
  expectRefused(safetensors({a: [1, 2]}, 4), /tensor 'a' is \[1,2\], not/);
  expectRefused(safetensors({__metadata__: {format: 1}}, 0), /__metadata__ must map names to strings/);
  expectRefused(safetensors({__metadata__: 'pt'}, 0), /__metadata__ must map names to strings/);
  const metadata = readSafetensors(safetensors('{"__metadata__": {"__proto__": "x", "format": "pt"}}')).metadata;
  assert.equal(Object.keys(metadata), ['__proto__', 'format']);
  assert.is(Object.getPrototypeOf(metadata), Object.prototype);
});

/** Serves `files` (path -> body) from 127.0.0.1 while `use(base URL)` runs. */
async function serving(files, use) {
  const server = createServer((req, res) => {
    const body = files[req.url];
    res.writeHead(body == null ? 404 : 200).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await use(`http://127.0.0.1:${server.address().port}`);
  } finally {
    server.close();
  }
}

test('tf.io: a model.json whose weights file is missing, short, long or of another dtype gets a clear Error', async () => {
  await tf.setBackend('asc');
  const model = createUNet({inChannels: 1, outChannels: 1, features: [2, 4], seed: 3});
  let artifacts;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));
  model.dispose();
  const weights = Buffer.from(artifacts.weightData);
  const json = (specs = artifacts.weightSpecs, topology = artifacts.modelTopology) =>
    JSON.stringify({modelTopology: topology, format: artifacts.format, weightsManifest: [{paths: ['weights.bin'], weights: specs}]});
  const tensors = tf.memory().numTensors;
  const cases = [
    // tfjs-core's http handler hands over 0 bytes for a weights file that answers 404.
    [{'/m.json': json()}, new RegExp(`weights hold 0 bytes, the manifest lists ${weights.length} \\(a weights file is missing`)],
    [{'/m.json': json(), '/weights.bin': weights.subarray(0, weights.length - 4)}, new RegExp(`weights hold ${weights.length - 4} bytes, the manifest lists ${weights.length}`)],
    [{'/m.json': json(), '/weights.bin': Buffer.concat([weights, Buffer.alloc(8)])}, new RegExp(`weights hold ${weights.length + 8} bytes`)],
    [{'/m.json': json(), '/weights.bin': Buffer.alloc(0)}, /weights hold 0 bytes/],
    [{'/m.json': json(artifacts.weightSpecs.map((s, i) => (i === 0 ? {...s, dtype: 'int32'} : s))), '/weights.bin': weights}, /weight '[^']+' is int32, expected float32/],
    [{'/m.json': json(artifacts.weightSpecs.map((s, i) => (i === 0 ? {...s, shape: [-1]} : s))), '/weights.bin': weights}, /has an invalid shape \[-1\]/],
    [{'/m.json': json(artifacts.weightSpecs.map((s, i) => (i === 1 ? {...artifacts.weightSpecs[0]} : s))), '/weights.bin': weights}, /is missing or repeated/],
    [{'/m.json': json(undefined, {format: 'tfjs-backend-asc/unet'}), '/weights.bin': weights}, /not a U-Net saved by tfjs-backend-asc/],
    [{'/m.json': json(undefined, {format: 'layers-model'}), '/weights.bin': weights}, /not a U-Net saved by tfjs-backend-asc \(modelTopology.format is "layers-model"\)/],
    [{'/m.json': '{"modelTopology": '}, /JSON|parse|Unexpected/i],
  ];
  for (const [files, pattern] of cases) {
    await serving(files, async (base) => {
      let error;
      try {
        (await UNet.load(`${base}/m.json`)).dispose();
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof Error && pattern.test(error.message), `expected ${pattern}, got ${error?.message}`);
    });
  }
  assert.is(tf.memory().numTensors, tensors, 'tensors left behind');
  // The intact files still load.
  await serving({'/m.json': json(), '/weights.bin': weights}, async (base) => (await UNet.load(`${base}/m.json`)).dispose());
});

test.run();
