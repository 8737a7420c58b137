// Trains a small convolutional network on the `asc` backend: a synthetic task (is the bright blob
// in the left or the right half of the image?), conv -> relu -> max-pool twice, then a dense layer.
// Forward and backward passes run through asc's wasm kernels (Conv2D, Conv2DBackpropInput/Filter,
// MaxPool(Grad), BatchMatMul, ...). Usage: node examples/train-convnet.mjs [steps]
import * as tf from '@tensorflow/tfjs-core';
import '../dist/index.js';

const steps = Number(process.argv[2] ?? 100);
const SIZE = 32;
const BATCH = 16;

await tf.setBackend('asc');
console.log(`backend: ${tf.getBackend()}`);

/** A batch of noisy images with one Gaussian blob; label 1 when the blob is in the right half. */
function makeBatch(seed) {
  let s = seed;
  const random = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const images = new Float32Array(BATCH * SIZE * SIZE);
  const labels = new Float32Array(BATCH);
  for (let b = 0; b < BATCH; b++) {
    const right = random() < 0.5;
    labels[b] = right ? 1 : 0;
    const cx = (right ? SIZE / 2 : 0) + 3 + random() * (SIZE / 2 - 6);
    const cy = 3 + random() * (SIZE - 6);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const blob = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 4);
        images[(b * SIZE + y) * SIZE + x] = blob + 0.8 * (random() - 0.5);
      }
    }
  }
  return {x: tf.tensor4d(images, [BATCH, SIZE, SIZE, 1]), y: tf.tensor2d(labels, [BATCH, 1])};
}

const init = (shape, fanIn) => tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 7), Math.sqrt(2 / fanIn)));
const params = {
  w1: init([3, 3, 1, 8], 9), b1: tf.variable(tf.zeros([8])),
  w2: init([3, 3, 8, 16], 72), b2: tf.variable(tf.zeros([16])),
  w3: init([(SIZE / 4) * (SIZE / 4) * 16, 1], 1024), b3: tf.variable(tf.zeros([1])),
};

function logits(x) {
  let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, params.w1, 1, 'same'), params.b1)), 2, 2, 'valid');
  h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, params.w2, 1, 'same'), params.b2)), 2, 2, 'valid');
  return tf.add(tf.matMul(tf.reshape(h, [BATCH, -1]), params.w3), params.b3);
}

const optimizer = tf.train.adam(0.01);
const started = performance.now();
for (let step = 1; step <= steps; step++) {
  const {x, y} = makeBatch(step);
  const loss = optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(y, logits(x)), true);
  if (step % 10 === 0 || step === 1) console.log(`step ${String(step).padStart(3)}  loss ${loss.dataSync()[0].toFixed(4)}`);
  tf.dispose([x, y, loss]);
}
const msPerStep = (performance.now() - started) / steps;

const test = makeBatch(999_999);
const accuracy = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.greater(logits(test.x), 0), tf.cast(test.y, 'bool')), 'float32')));
console.log(`accuracy on a held-out batch: ${(accuracy.dataSync()[0] * 100).toFixed(0)}%`);
console.log(`${msPerStep.toFixed(1)} ms per training step; tensors alive: ${tf.memory().numTensors}`);
