// Served as it is, no bundler: it imports dist/browser.js the way a plain <script type="module">
// does. initBackend picks the backend (?nogpu first removes navigator.gpu; ?software takes a
// software adapter such as SwiftShader, which it passes over by default), the U-Net runs every
// PyTorch fixture on it, and, when that was webgpu, on asc too. The result goes to window.result.
import {initBackend, readSafetensors, tf, toFloat32, UNet} from './browser.js';

const FIXTURES = ['even', 'odd', 'batch2', 'three_levels', 'gray_multiclass'];
const fetchBytes = async (path) => new Uint8Array(await (await fetch(path)).arrayBuffer());

/** Each fixture on the active backend: max error against PyTorch, max|y|, tensors left behind, outputs. */
async function runFixtures() {
  const results = {};
  for (const name of FIXTURES) {
    const {tensors} = readSafetensors(await fetchBytes(`fixtures/${name}.io.safetensors`));
    const model = UNet.fromSafetensors(await fetchBytes(`fixtures/${name}.weights.safetensors`));
    const nhwc = (key) => tf.tidy(() => tf.transpose(tf.tensor(toFloat32(key, tensors.get(key)), tensors.get(key).shape), [0, 2, 3, 1]));
    const [x, y] = [nhwc('input'), nhwc('output')];
    const before = tf.memory().numTensors;
    const out = model.predict(x);
    const leaked = tf.memory().numTensors - before - 1;
    const [got, want] = await Promise.all([out.data(), y.data()]);
    let error = 0, scale = 0;
    want.forEach((v, i) => {
      error = Math.max(error, Math.abs(got[i] - v));
      scale = Math.max(scale, Math.abs(v));
    });
    // On asc, tensor data live in wasm memory.
    const bytesInWasm = tf.getBackend() === 'asc' ? tf.backend().memory().numBytesInWasm : null;
    results[name] = {error, scale, leaked, bytesInWasm, values: Array.from(got)};
    tf.dispose([x, y, out]);
    model.dispose();
  }
  return results;
}

async function main() {
  const params = new URLSearchParams(location.search);
  if (params.has('nogpu')) delete Navigator.prototype.gpu;
  const report = await initBackend({softwareWebGpu: params.has('software')});
  const result = {report, hasGpu: 'gpu' in navigator, fixtures: {[report.chosen]: await runFixtures()}};
  if (report.chosen === 'webgpu') {
    await tf.setBackend('asc');
    result.fixtures.asc = await runFixtures();
  }
  result.ascFeatures = tf.backend().features;
  return result;
}

main().then((result) => window.result = result, (e) => window.result = {error: String(e.stack ?? e)});
