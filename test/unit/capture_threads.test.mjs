// Flush programs on two threads (src/graph/flush_program.ts): a worker begins the next inference's
// program while its calls are still deferred; the flush uses its results only when they are the
// program's on this inference's inputs. Every result here is compared with op by op's, bit for bit.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {randomValues, rng, tf} from './helpers.mjs';
import {captureReport, registerAscBackend, resetCaptureReport} from '../../dist/index.js';

// Every kernel splits (minParallelWork 1): the workers run, and a program can be led.
registerAscBackend('asc-led', {capture: true, threads: 2, minParallelWork: 1});
registerAscBackend('asc-led-reference', {capture: false, threads: 1});

const SHAPES = {w1: [3, 3, 8, 16], b1: [16], w2: [1, 1, 16, 8], b2: [8]};

/** Weights from `seed` on the active backend. */
function weights(seed) {
  const random = rng(seed);
  return Object.fromEntries(Object.entries(SHAPES).map(([k, shape]) =>
    [k, tf.tensor(randomValues(random, shape.reduce((a, b) => a * b)), shape)]));
}

const OFFSETS = [0.5, -0.25, 0.125, 1, -1, 0, 0.75, -0.5];

/**
 * conv + bias, hard-swish with `k` for its 3 (a scalar made per inference: the fusion asks its
 * value), 1x1 conv + bias + relu, plus `offsets` (a small tensor made per inference: the program
 * copies it); `peek` reads the hard-swish's output in the middle.
 */
function predict(w, x, {k = 3, offsets = OFFSETS, peek = false} = {}) {
  return tf.tidy(() => {
    const h = tf.fused.conv2d({x, filter: w.w1, bias: w.b1, strides: 1, pad: 'same'});
    const hs = tf.mul(h, tf.div(tf.relu6(tf.add(h, k)), 6));
    if (peek) hs.dataSync();
    const y = tf.fused.conv2d({x: hs, filter: w.w2, bias: w.b2, strides: 1, pad: 'same', activation: 'relu'});
    return tf.add(y, tf.tensor1d(offsets));
  });
}

/** Runs `runs` (each: input seed, weight seed, options) on `backend`; the outputs' values. */
async function outputs(backend, runs) {
  await tf.setBackend(backend);
  if (backend === 'asc-led') await tf.backend().startThreads();
  const weightsBySeed = new Map();
  const results = runs.map(({input, weightSeed = 1, options, pause = 0}) => {
    if (!weightsBySeed.has(weightSeed)) {
      for (const w of weightsBySeed.values()) tf.dispose(Object.values(w));
      weightsBySeed.clear();
      weightsBySeed.set(weightSeed, weights(weightSeed));
    }
    const x = tf.tensor(randomValues(rng(input), 12 * 12 * 8), [1, 12, 12, 8]);
    const y = predict(weightsBySeed.get(weightSeed), x, options);
    // A model's JavaScript that takes a while: the worker runs all of the program before the read.
    for (const end = performance.now() + pause; performance.now() < end;) {}
    const values = y.dataSync();
    tf.dispose([x, y]);
    return values;
  });
  for (const w of weightsBySeed.values()) tf.dispose(Object.values(w));
  return results;
}

function assertSame(got, want) {
  got.forEach((values, run) => {
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== want[run][i]) assert.unreachable(`run ${run} [${i}]: ${values[i]} vs ${want[run][i]}`);
    }
  });
}

test('a worker runs the program of each repeated inference on new inputs, all of it or its first steps, with op by op\'s results', async () => {
  // Every other inference pauses before its read: its program's steps all ran on the worker by then.
  const runs = Array.from({length: 16}, (_, i) => ({input: 100 + i, pause: i % 2 === 0 ? 0 : 5}));
  const want = await outputs('asc-led-reference', runs);
  await tf.setBackend('asc-led');
  resetCaptureReport('asc-led');
  const before = tf.backend().memory().numBytesInWasm - tf.backend().memory().numBytesInPrograms;
  assertSame(await outputs('asc-led', runs), want);
  const report = captureReport('asc-led');
  assert.ok(tf.backend().threadsStarted > 1, 'the workers started');
  assert.ok(report.programsLed >= 5, `programs a worker began: ${report.programsLed} of ${report.programRuns}`);
  assert.is(tf.backend().memory().numBytesInWasm - tf.backend().memory().numBytesInPrograms, before, 'bytes outside the arenas');
});

test('a changed constant, a read in the middle and new weights make the flush run anew, with op by op\'s results', async () => {
  // Each pauses before its read, so that the worker has run the program.
  const runs = [];
  for (let i = 0; i < 6; i++) runs.push({input: i, pause: 5});
  runs.push({input: 6, pause: 5, options: {offsets: OFFSETS.map((v) => -v)}}); // a small copied input differs from the worker's
  runs.push({input: 7, pause: 5, options: {k: 2.5}}); // another fusion result: another program
  runs.push({input: 7, pause: 5});
  runs.push({input: 8, pause: 5, options: {peek: true}}); // the replay ends early: the worker is stopped
  for (let i = 9; i < 13; i++) runs.push({input: i, pause: 5});
  for (let i = 13; i < 18; i++) runs.push({input: i, pause: 5, weightSeed: 2}); // the old weights disposed: the programs go
  const want = await outputs('asc-led-reference', runs);
  await tf.setBackend('asc-led');
  resetCaptureReport('asc-led');
  assertSame(await outputs('asc-led', runs), want);
  const report = captureReport('asc-led');
  assert.ok(report.programsLed > 0 && report.programsLed < report.programRuns,
      `some program runs were the worker's (${report.programsLed} of ${report.programRuns})`);
});

test.run();
