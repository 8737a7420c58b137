// The demo: initBackend picks WebGPU or asc, the U-Net (PyTorch weights, safetensors) segments the
// image, and the mask is drawn over it. A software WebGPU adapter (SwiftShader) is passed over at
// first, as initBackend does by default, and can still be picked with the switch. window.demo holds the last run's facts (for the tests).
import {initBackend, tf, UNet, warmup} from './browser.js';

const $ = (id) => document.getElementById(id);
const image = $('image');
const overlay = $('overlay');
/** Class colors (RGBA) for the overlay; class 0 is background and stays clear. */
const COLORS = [[0, 0, 0, 0], [255, 40, 40, 140], [40, 200, 255, 140], [255, 220, 0, 140], [120, 255, 80, 140]];
window.demo = {runs: 0};

const report = await initBackend();
window.demo.report = report;
const webgpuRadio = document.querySelector('input[value=webgpu]');
webgpuRadio.disabled = report.features.webgpu == null;
/** Whether tfjs-backend-webgpu is set up on the adapter (initBackend does it when it chooses webgpu). */
let webgpuReady = report.chosen === 'webgpu';
$('reason').textContent = report.skipped.map((s) => `(${s.backend} skipped: ${s.reason})`).join(' ');
const weights = await (await fetch('model.safetensors')).arrayBuffer();
let model = null;
/** The backend the model's weights were built on. */
let modelBackend = null;

/**
 * Makes `name` the backend, with the model's weights built on it (moving them from webgpu would
 * need a synchronous GPU read, which some platforms lack).
 */
async function useBackend(name) {
  if (name === 'webgpu' && !webgpuReady) {
    await initBackend({prefer: ['webgpu'], softwareWebGpu: true});
    webgpuReady = true;
  }
  if (name !== modelBackend) {
    await tf.setBackend(name);
    model?.dispose();
    model = UNet.fromSafetensors(weights);
    modelBackend = name;
  }
  document.querySelector(`input[value=${name}]`).checked = true;
  const features = name === 'asc' ? `, ${tf.backend().features.variant}, ${tf.backend().threads} threads` :
      name === 'webgpu' ? `, ${report.features.webgpu.vendor} ${report.features.webgpu.architecture}` : '';
  $('backend').textContent = `${name}${features}`;
  $('status').textContent = 'warming up…';
  const {ms} = await warmup(model, [1, image.height, image.width, model.config.inChannels]);
  $('status').textContent = `warm-up ${ms.toFixed(0)} ms`;
}

async function segment() {
  const started = performance.now();
  const mask = tf.tidy(() => model.segment(tf.browser.fromPixels(image, model.config.inChannels === 1 ? 1 : 3)));
  const classes = await mask.data();
  const ms = performance.now() - started;
  mask.dispose();
  const pixels = new ImageData(image.width, image.height);
  let foreground = 0;
  classes.forEach((c, i) => {
    pixels.data.set(COLORS[c % COLORS.length], 4 * i);
    if (c !== 0) foreground++;
  });
  overlay.width = image.width;
  overlay.height = image.height;
  overlay.getContext('2d').putImageData(pixels, 0, 0);
  $('timing').textContent = `${tf.getBackend()}: ${ms.toFixed(1)} ms per inference (${image.width}x${image.height}), ` +
      `${(100 * foreground / classes.length).toFixed(1)}% foreground`;
  Object.assign(window.demo, {backend: tf.getBackend(), ms, foreground, mask: Array.from(classes), runs: window.demo.runs + 1});
}

async function loadImage(source) {
  const bitmap = await createImageBitmap(source);
  image.width = bitmap.width;
  image.height = bitmap.height;
  image.getContext('2d').drawImage(bitmap, 0, 0);
  await useBackend(tf.getBackend());
  await segment();
}

/** One action at a time: a click while a run is going waits for it. */
let queue = Promise.resolve();
const act = (action) => {
  queue = queue.then(action).catch((e) => {
    $('status').textContent = `error: ${e.message}`;
    window.demo.error = e.message;
  });
};
for (const radio of document.querySelectorAll('input[name=backend]')) {
  radio.addEventListener('change', () => act(async () => {
    await useBackend(radio.value);
    await segment();
  }));
}
$('file').addEventListener('change', () => $('file').files[0] && act(() => loadImage($('file').files[0])));
$('sample').addEventListener('click', () => act(async () => loadImage(await (await fetch('sample.png')).blob())));
$('sample').click();
