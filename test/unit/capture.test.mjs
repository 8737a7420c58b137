// Whole-graph capture (src/graph/): a repeated inference is deferred and fused; the results equal
// op by op's bit for bit; reads mid-graph, changed shapes, disposed inputs, the profiler and memory
// behave as without capture.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {randomTensor, randomValues, rng, tf} from './helpers.mjs';
import {captureReport, registerAscBackend, resetCaptureReport} from '../../dist/index.js';

registerAscBackend('asc-capture', {capture: true});
registerAscBackend('asc-no-capture', {capture: false});
// A backend of its own for counting reuses from a first recording (plans outlive a test).
registerAscBackend('asc-capture-fresh', {capture: true});

/** A MobileNetV3-like block: conv, hard-swish (tfjs-converter's spelling), depthwise + relu, SE, residual. */
function block(random) {
  const w = {
    expand: randomTensor(random, [1, 1, 8, 16]), bias: randomTensor(random, [16]),
    dw: randomTensor(random, [3, 3, 16, 1]), project: randomTensor(random, [1, 1, 16, 8]),
    squeeze: randomTensor(random, [1, 1, 16, 4]), squeezeBias: randomTensor(random, [4]),
    excite: randomTensor(random, [1, 1, 4, 16]), exciteBias: randomTensor(random, [16]),
  };
  const hardSwish = (y) => tf.mul(y, tf.div(tf.relu6(tf.add(y, 3)), 6));
  const predict = (x, {alsoExpanded = false} = {}) => tf.tidy(() => {
    const expanded = tf.fused.conv2d({x, filter: w.expand, strides: 1, pad: 'same', bias: w.bias});
    let h = hardSwish(expanded);
    h = tf.relu(tf.depthwiseConv2d(h, w.dw, 1, 'same'));
    const squeezed = tf.fused.conv2d({x: tf.mean(h, [1, 2], true), filter: w.squeeze, strides: 1, pad: 'same',
      bias: w.squeezeBias, activation: 'relu'});
    h = tf.mul(h, tf.fused.conv2d({x: squeezed, filter: w.excite, strides: 1, pad: 'same', bias: w.exciteBias,
      activation: 'sigmoid'}));
    const y = tf.add(x, tf.conv2d(h, w.project, 1, 'same'));
    return alsoExpanded ? [y, expanded] : y;
  });
  return {predict, dispose: () => tf.dispose(Object.values(w))};
}

async function runOn(backend, inputs, options) {
  await tf.setBackend(backend);
  const model = block(rng(3));
  const results = inputs.map((values) => {
    const x = tf.tensor(values.data, values.shape);
    const ys = [model.predict(x, options)].flat();
    const out = ys.map((y) => y.dataSync());
    tf.dispose([x, ...ys]);
    return out;
  });
  model.dispose();
  return results;
}

const input = (shape, seed) => ({shape, data: randomValues(rng(seed), shape.reduce((a, b) => a * b))});

function assertBitIdentical(got, want, label) {
  assert.is(got.length, want.length, label);
  got.forEach((outs, i) => outs.forEach((values, o) => {
    for (let k = 0; k < values.length; k++) {
      if (values[k] !== want[i][o][k]) assert.unreachable(`${label}: run ${i} output ${o}[${k}]: ${values[k]} vs ${want[i][o][k]}`);
    }
  }));
}

test('a repeated inference replays its plan, fuses hard-swish and relu into the convolutions and the squeeze-excite block into one call, and equals op by op', async () => {
  const inputs = [1, 2, 3, 4].map((seed) => input([1, 9, 9, 8], seed));
  const want = await runOn('asc-no-capture', inputs);
  await tf.setBackend('asc-capture');
  resetCaptureReport();
  assertBitIdentical(await runOn('asc-capture', inputs), want, 'fused');
  const report = captureReport();
  assert.ok(report.replays >= 3, `replays: ${report.replays}`);
  assert.is(report.fusions.hardSwish, 3, 'one hard-swish per replayed inference');
  assert.is(report.fusions.activation, 3, 'the depthwise relu per replayed inference');
  assert.is(report.fusions.squeezeExcite, 3, 'one squeeze-excite block per replayed inference');
  assert.ok(report.ranCalls < report.deferredCalls, `${report.ranCalls} calls ran of ${report.deferredCalls} deferred`);
});

test('an intermediate the caller keeps is not fused away; a changed shape leaves the plan', async () => {
  const inputs = [input([1, 9, 9, 8], 1), input([1, 9, 9, 8], 2), input([1, 6, 7, 8], 3), input([1, 6, 7, 8], 4)];
  const want = await runOn('asc-no-capture', inputs, {alsoExpanded: true});
  await tf.setBackend('asc-capture');
  resetCaptureReport();
  assertBitIdentical(await runOn('asc-capture', inputs, {alsoExpanded: true}), want, 'kept intermediate');
  const report = captureReport();
  assert.is(report.fusions.hardSwish, 0, 'hard-swish reads a tensor the caller keeps');
  assert.ok(report.fusions.activation >= 1);
});

test('a replay reuses the fusion result of the last flush of its calls, unless the caller keeps what it fused away', async () => {
  const kept = [false, false, false, true, false];
  const inputs = kept.map((_, i) => input([1, 9, 9, 8], i + 1));
  const run = async (backend) => {
    await tf.setBackend(backend);
    const model = block(rng(3));
    const results = inputs.map((values, i) => {
      const x = tf.tensor(values.data, values.shape);
      const ys = [model.predict(x, {alsoExpanded: kept[i]})].flat();
      const out = ys.map((y) => y.dataSync());
      tf.dispose([x, ...ys]);
      return out;
    });
    model.dispose();
    return results;
  };
  const want = await run('asc-no-capture');
  assertBitIdentical(await run('asc-capture-fresh'), want, 'reused fusion');
  const report = captureReport('asc-capture-fresh');
  // Recorded; fused; reused; the expanded tensor kept (fused anew, no hard-swish); fused anew.
  assert.is(report.fusionReuses, 1, 'the third inference reuses the second one\'s fusion');
  assert.is(report.fusions.hardSwish, 3, 'hard-swish fused in the three replays that dispose the expanded tensor');
});

/**
 * A squeeze-excite block alone: a batch of 2, the gate as the product's first operand, and forms the
 * fused kernel runs as its four kernels (a filter holding NaN, which FusedConv2D leaves to
 * tfjs-backend-cpu; one squeezed channel, which Conv2D computes as a dot product; a bias of shape
 * [1, 1, 1, n]). Results equal op by op's bit for bit (NaN where it has NaN).
 */
test('squeeze-excite blocks fuse into one call in every form, with op by op\'s results', async () => {
  const variants = [
    {name: 'batch 2, gate first', squeezed: 6, gateFirst: true},
    {name: 'NaN in a filter', squeezed: 6, nan: true},
    {name: 'one squeezed channel', squeezed: 1},
    {name: 'a [1,1,1,n] bias', squeezed: 6, bias4d: true},
  ];
  for (const variant of variants) {
    const run = async (backend) => {
      await tf.setBackend(backend);
      const random = rng(11);
      const c = 12, s = variant.squeezed;
      const f1 = randomTensor(random, [1, 1, c, s]), f2 = variant.nan ?
        tf.tensor(randomValues(random, s * c).map((v, i) => (i === 3 ? NaN : v)), [1, 1, s, c]) : randomTensor(random, [1, 1, s, c]);
      const b1 = randomTensor(random, variant.bias4d ? [1, 1, 1, s] : [s]), b2 = randomTensor(random, [c]);
      const x = randomTensor(random, [2, 5, 7, c]);
      const outs = [];
      for (let i = 0; i < 3; i++) {
        const y = tf.tidy(() => {
          const pooled = tf.mean(x, [2, 1], true);
          const gate = tf.fused.conv2d({x: tf.fused.conv2d({x: pooled, filter: f1, strides: 1, pad: 'valid', bias: b1,
            activation: 'relu6'}), filter: f2, strides: 1, pad: 'same', bias: b2, activation: 'sigmoid'});
          return variant.gateFirst ? tf.mul(gate, x) : tf.mul(x, gate);
        });
        outs.push(y.dataSync());
        y.dispose();
      }
      tf.dispose([f1, f2, b1, b2, x]);
      return outs;
    };
    const want = await run('asc-no-capture');
    resetCaptureReport('asc-capture');
    const got = await run('asc-capture');
    assert.is(captureReport('asc-capture').fusions.squeezeExcite, 2, `${variant.name}: fused on both replays`);
    got.forEach((values, i) => values.forEach((v, k) => {
      if (!Object.is(v, want[i][k])) assert.unreachable(`${variant.name}: run ${i} [${k}]: ${v} vs ${want[i][k]}`);
    }));
  }
});

test('inputs and weights disposed before the read, and reads in the middle of a replay', async () => {
  await tf.setBackend('asc-capture');
  const model = block(rng(3));
  const want = [];
  for (let i = 0; i < 3; i++) {
    const x = randomTensor(rng(i), [1, 9, 9, 8]);
    const y = model.predict(x);
    x.dispose();
    want.push(y.dataSync());
    y.dispose();
  }
  await tf.setBackend('asc-no-capture');
  const reference = block(rng(3));
  for (let i = 0; i < 3; i++) {
    const x = randomTensor(rng(i), [1, 9, 9, 8]);
    assert.equal(Array.from(tf.tidy(() => reference.predict(x)).dataSync()), Array.from(want[i]), `inference ${i}`);
    x.dispose();
  }
  reference.dispose();
  // A read of another tensor in the middle ends the deferred run early; results stay the same.
  await tf.setBackend('asc-capture');
  const x = randomTensor(rng(0), [1, 9, 9, 8]);
  const early = tf.tidy(() => {
    const a = tf.relu(tf.mul(x, 2));
    a.dataSync();
    return tf.add(a, 1);
  });
  const direct = tf.add(tf.relu(tf.mul(x, 2)), 1);
  assert.equal(Array.from(early.dataSync()), Array.from(direct.dataSync()));
  tf.dispose([x, early, direct]);
  model.dispose();
});

test('the profiler sees every kernel run; memory returns to where it was after many inferences', async () => {
  await tf.setBackend('asc-capture');
  const model = block(rng(3));
  const x = randomTensor(rng(1), [1, 9, 9, 8]);
  for (let i = 0; i < 3; i++) tf.dispose(model.predict(x));
  const profile = await tf.profile(() => model.predict(x).dataSync());
  const names = profile.kernels.map((k) => k.name);
  assert.ok(names.includes('Relu6') && names.includes('FusedConv2D'), names.join(' '));
  const before = {tensors: tf.memory().numTensors, bytes: tf.backend().memory().numBytesInWasm};
  for (let i = 0; i < 100; i++) {
    const y = model.predict(x);
    if (i % 2 === 0) y.dataSync();
    y.dispose();
  }
  tf.backend().readSync(x.dataId);
  assert.equal({tensors: tf.memory().numTensors, bytes: tf.backend().memory().numBytesInWasm}, before);
  tf.dispose(x);
  model.dispose();
});

test('a plan whose replay fused nothing runs as a program, with the same results', async () => {
  await tf.setBackend('asc-capture');
  const random = rng(5);
  const [filter, bias, x] = [randomTensor(random, [3, 3, 8, 8]), randomTensor(random, [8]), randomTensor(random, [1, 9, 9, 8])];
  const f = () => tf.tidy(() => tf.maxPool(tf.fused.conv2d({x, filter, strides: 1, pad: 'same', bias, activation: 'relu'}), 2, 2, 'same'));
  resetCaptureReport();
  const results = [];
  for (let i = 0; i < 6; i++) {
    const y = f();
    results.push(Array.from(y.dataSync()));
    y.dispose();
  }
  const report = captureReport();
  assert.is(report.replays, 5, 'every inference after the first replays the plan');
  assert.is(report.bypassed, 0);
  assert.is(report.ranCalls, report.deferredCalls, 'nothing fused');
  assert.is(report.programRuns, 2, 'logged, recorded, then run as a program');
  for (const r of results) assert.equal(r, results[0]);
  tf.dispose([filter, bias, x]);
});

test('a flush program whose inputs include an intermediate disposed before it ran frees that intermediate', async () => {
  await tf.setBackend('asc-capture');
  const random = rng(7);
  const [filter, bias, x] = [randomTensor(random, [3, 3, 8, 8]), randomTensor(random, [8]), randomTensor(random, [1, 12, 12, 8])];
  const conv = (h) => tf.fused.conv2d({x: h, filter, strides: 1, pad: 'same', bias, activation: 'relu'});
  // GatherV2 runs at once (it checks its indices): the first conv's flush runs before it; its output,
  // disposed by the tidy, is an input from outside of the second flush.
  const f = () => {
    const y = tf.tidy(() => conv(tf.gather(conv(x), tf.tensor1d([0, 2, 4, 6, 8, 10], 'int32'), 1)));
    const values = y.dataSync();
    y.dispose();
    return values;
  };
  resetCaptureReport();
  const expected = f();
  const outside = () => {
    const {numBytesInWasm, numBytesInPrograms} = tf.backend().memory();
    return numBytesInWasm - numBytesInPrograms;
  };
  const before = outside();
  for (let i = 0; i < 8; i++) assert.equal(f(), expected);
  assert.ok(captureReport().programRuns > 0, 'flushes ran as programs');
  assert.is(outside(), before, 'wasm bytes outside the programs\' arenas');
  tf.dispose([filter, bias, x]);
});

test('disposing a weight a flush program reads in place frees the program\'s arena', async () => {
  await tf.setBackend('asc-capture');
  const random = rng(13);
  const [filter, bias, x] = [randomTensor(random, [3, 3, 8, 8]), randomTensor(random, [8]), randomTensor(random, [1, 16, 16, 8])];
  const f = () => tf.tidy(() => tf.maxPool(tf.fused.conv2d({x, filter, strides: 1, pad: 'same', bias, activation: 'relu'}), 2, 2, 'same').dataSync());
  const before = tf.backend().memory().numBytesInPrograms;
  for (let i = 0; i < 6; i++) f();
  assert.ok(tf.backend().memory().numBytesInPrograms > before, 'the inference is a program with an arena');
  tf.dispose([filter, bias]);
  assert.is(tf.backend().memory().numBytesInPrograms, before, 'its arena went with the model\'s weights');
  tf.dispose(x);
});

test('a plan that fuses nothing and cannot become a program runs op by op afterwards, with the same results', async () => {
  await tf.setBackend('asc-capture');
  const random = rng(5);
  const [bias, x] = [randomTensor(random, [8]), randomTensor(random, [1, 9, 9, 8])];
  const values = randomTensor(random, [3, 3, 8, 8]).dataSync();
  // A filter made anew for every inference is packed anew: no recording holds.
  const f = () => tf.tidy(() => tf.maxPool(tf.fused.conv2d({x, filter: tf.tensor4d(values, [3, 3, 8, 8]), strides: 1, pad: 'same',
    bias, activation: 'relu'}), 2, 2, 'same'));
  resetCaptureReport();
  const results = [];
  for (let i = 0; i < 16; i++) {
    const y = f();
    results.push(Array.from(y.dataSync()));
    y.dispose();
  }
  const report = captureReport();
  assert.is(report.programRuns, 0);
  assert.ok(report.bypassed > 0, 'runs op by op once the program is given up');
  for (const r of results) assert.equal(r, results[0]);
  tf.dispose([bias, x]);
});

test('two segments that begin alike and take each other\'s plan in turn run op by op after three divergences', async () => {
  await tf.setBackend('asc-capture');
  const x = randomTensor(rng(9), [1, 8, 8, 4]);
  const a = () => tf.tidy(() => Array.from(tf.relu(tf.add(x, x)).dataSync()));
  const b = () => tf.tidy(() => Array.from(tf.sigmoid(tf.add(x, x)).dataSync()));
  resetCaptureReport();
  const [wantA, wantB] = [a(), b()];
  for (let i = 0; i < 10; i++) {
    assert.equal(a(), wantA);
    assert.equal(b(), wantB);
  }
  const report = captureReport();
  assert.is(report.divergences, 3, 'the replays that diverged before the plan\'s segments ran op by op');
  assert.ok(report.bypassed >= 16, `${report.bypassed} segments ran op by op`);
  tf.dispose(x);
});

test('a stream of calls nobody reads is recorded once, then runs op by op unrecorded', async () => {
  await tf.setBackend('asc-capture');
  const x = tf.ones([1, 1, 1, 64]);
  resetCaptureReport();
  for (let i = 0; i < 5000; i++) tf.relu(x).dispose();
  const report = captureReport();
  assert.is(report.plansRecorded, 0, 'a segment ended by the call limit is no plan');
  assert.is(report.bypassed, 1, 'the stream, once seen, is not recorded again');
  assert.equal(Array.from(tf.relu(tf.neg(x)).dataSync()), new Array(64).fill(0));
  tf.dispose(x);
});

test.run();
