// jsFallbackReport: which kernels of a program ran on tfjs-backend-cpu's JavaScript, with calls and
// time; wasm kernels never appear; the flag ASC_LOG_JS_FALLBACK logs each kernel's first call once.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {jsFallbackReport, resetJsFallbackReport} from '../../dist/index.js';
import {tf} from './helpers.mjs';

test('kernels without a wasm kernel are counted with calls and time; wasm kernels are not', async () => {
  await tf.setBackend('asc');
  resetJsFallbackReport();
  tf.tidy(() => {
    const x = tf.tensor2d([[3, 1, 2], [0, 5, 4]]);
    for (let i = 0; i < 3; i++) tf.reverse(tf.add(x, i), 1);
    tf.cumsum(tf.sigmoid(x), 1);
    tf.conv2d(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1]), 1, 'same');
  });
  const report = jsFallbackReport();
  const byKernel = Object.fromEntries(report.map((r) => [r.kernel, r]));
  assert.is(byKernel.Reverse.calls, 3);
  assert.is(byKernel.Cumsum.calls, 1);
  for (const r of report) assert.ok(r.ms >= 0 && Number.isFinite(r.ms), JSON.stringify(r));
  for (const wasm of ['Add', 'Sigmoid', 'Conv2D']) assert.not.ok(byKernel[wasm], `${wasm} runs in wasm`);
  assert.equal(report.map((r) => r.ms), report.map((r) => r.ms).sort((a, b) => b - a), 'slowest first');
  resetJsFallbackReport();
  assert.equal(jsFallbackReport(), []);
});

test('a wasm kernel on a dtype it does not take is counted too', async () => {
  await tf.setBackend('asc');
  resetJsFallbackReport();
  tf.tidy(() => tf.neg(tf.tensor1d([1, 2, 3], 'int32')));
  assert.equal(jsFallbackReport().map((r) => [r.kernel, r.calls]), [['Neg', 1]]);
});

test('ASC_LOG_JS_FALLBACK logs the first call of each kernel, once', async () => {
  const logged = [];
  const warn = console.warn;
  console.warn = (message) => logged.push(message);
  tf.env().set('ASC_LOG_JS_FALLBACK', true);
  try {
    // A fresh backend: its counts start empty.
    tf.removeBackend('asc');
    const {AscBackend} = await import('../../dist/index.js');
    tf.registerBackend('asc', () => AscBackend.create(), 2);
    await tf.setBackend('asc');
    tf.tidy(() => {
      for (let i = 0; i < 3; i++) tf.reverse(tf.tensor1d([1, 3, 2]));
      tf.add(tf.scalar(1), tf.scalar(2));
    });
  } finally {
    tf.env().set('ASC_LOG_JS_FALLBACK', false);
    console.warn = warn;
  }
  assert.equal(logged, ["asc: kernel 'Reverse' runs in JavaScript (tfjs-backend-cpu's implementation)"]);
  assert.throws(() => jsFallbackReport('cpu'), /jsFallbackReport: backend 'cpu' is not an asc backend/);
});

test.run();
