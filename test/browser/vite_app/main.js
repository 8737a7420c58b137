// An app as a user writes it: the package by name, built by Vite with no configuration.
import * as tf from '@tensorflow/tfjs-core';
import {initBackend} from 'tfjs-backend-asc';
import {createUNet} from 'tfjs-backend-asc/unet';

async function main() {
  // By default a software adapter (SwiftShader here) is passed over for asc; asked for, it is taken.
  const byDefault = await initBackend();
  const report = await initBackend({softwareWebGpu: true});
  const result = {byDefault: {chosen: byDefault.chosen, skipped: byDefault.skipped}, chosen: report.chosen, skipped: report.skipped};
  for (const backend of [report.chosen, 'asc']) {
    await tf.setBackend(backend);
    // A 3x3 box filter over ones: each output counts its in-bounds neighbours.
    const sums = tf.conv2d(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1]), 1, 'same');
    const model = createUNet({inChannels: 3, outChannels: 2, features: [4, 8], seed: 1});
    const logits = model.predict(tf.ones([1, 16, 16, 3]));
    result[backend] = {sums: Array.from(await sums.data()), logits: Array.from(await logits.data())};
    tf.dispose([sums, logits]);
    model.dispose();
  }
  return result;
}

main().then((result) => window.result = result, (e) => window.result = {error: String(e.stack ?? e)});
