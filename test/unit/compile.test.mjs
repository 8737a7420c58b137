// compile(fn) (src/compile.ts, src/graph/trace.ts): a function of tensors traced once per input shapes,
// then replayed without tfjs-core's ops; results equal the function's own, memory stays flat, and
// what cannot be replayed (reads, data-dependent shapes, disposed weights) runs as it is.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {randomTensor, randomValues, rng, tf} from './helpers.mjs';
import {compile, registerAscBackend} from '../../dist/index.js';

registerAscBackend('asc-compile', {capture: true});
registerAscBackend('asc-compile-ops', {capture: false});

/** A MobileNetV3-like block with a scalar operand made per call (tf.add(y, 3)), two outputs by name. */
function block(random) {
  const w = {
    expand: randomTensor(random, [1, 1, 8, 16]), bias: randomTensor(random, [16]),
    dw: randomTensor(random, [3, 3, 16, 1]), project: randomTensor(random, [1, 1, 16, 8]),
    squeeze: randomTensor(random, [1, 1, 16, 4]), excite: randomTensor(random, [1, 1, 4, 16]),
  };
  const fn = (x) => {
    const e = tf.fused.conv2d({x, filter: w.expand, strides: 1, pad: 'same', bias: w.bias});
    let h = tf.mul(e, tf.div(tf.relu6(tf.add(e, 3)), 6));
    h = tf.relu(tf.depthwiseConv2d(h, w.dw, 1, 'same'));
    const gate = tf.fused.conv2d({x: tf.fused.conv2d({x: tf.mean(h, [1, 2], true), filter: w.squeeze, strides: 1, pad: 'same',
      activation: 'relu'}), filter: w.excite, strides: 1, pad: 'same', activation: 'sigmoid'});
    const y = tf.add(x, tf.conv2d(tf.mul(h, gate), w.project, 1, 'same'));
    return {y, pooled: tf.reshape(tf.mean(y, [1, 2]), [-1])};
  };
  return {fn, w};
}

const inputOf = (seed, shape = [1, 9, 9, 8]) => tf.tensor(randomValues(rng(seed), shape.reduce((a, b) => a * b)), shape);

/** Runs `f` on `inputs` (seeds), reading every output; returns the values per run. */
function runAll(f, seeds, shape) {
  return seeds.map((seed) => {
    const x = inputOf(seed, shape);
    const out = f(x);
    const values = Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.dataSync()]));
    tf.dispose([x, ...Object.values(out)]);
    return values;
  });
}

function assertSame(got, want, label) {
  got.forEach((run, i) => Object.keys(want[i]).forEach((k) => {
    assert.is(run[k].length, want[i][k].length, `${label}: run ${i} ${k} length`);
    for (let j = 0; j < run[k].length; j++) {
      if (run[k][j] !== want[i][k][j]) assert.unreachable(`${label}: run ${i} ${k}[${j}]: ${run[k][j]} vs ${want[i][k][j]}`);
    }
  }));
}

for (const backend of ['asc-compile', 'asc-compile-ops']) {
  test(`${backend}: a compiled block replays its trace with the function's results, bit for bit, memory flat`, async () => {
    await tf.setBackend(backend);
    const {fn, w} = block(rng(5));
    const want = runAll((x) => tf.tidy(() => fn(x)), [1, 2, 3, 4, 5]);
    const compiled = compile(fn);
    const got = runAll(compiled, [1], undefined);
    assert.match(compiled.lastRun, /traced/);
    got.push(...runAll(compiled, [2, 3, 4, 5]));
    assert.is(compiled.lastRun, null, 'later calls replay');
    assertSame(got, want, 'compiled');
    const before = {tensors: tf.memory().numTensors, bytes: tf.memory().numBytesInWasm};
    for (let i = 0; i < 30; i++) runAll(compiled, [6 + i]);
    assert.equal({tensors: tf.memory().numTensors, bytes: tf.memory().numBytesInWasm}, before, 'nothing grows');
    compiled.dispose();
    tf.dispose(Object.values(w));
  });
}

test('replays become a program: an arena, one step per kernel call, results bit for bit; other inputs, aliased results, kernels in JavaScript and repacked weights', async () => {
  await tf.setBackend('asc-compile');
  const {fn, w} = block(rng(9));
  const compiled = compile(fn);
  const x = inputOf(1), other = inputOf(2);
  const want = runAll((v) => tf.tidy(() => fn(v)), [1, 2]);
  const call = (input) => {
    const out = compiled(input);
    const values = Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.dataSync()]));
    tf.dispose(Object.values(out));
    return values;
  };
  const statuses = [];
  for (let i = 0; i < 5; i++) {
    assertSame([call(x)], [want[0]], `call ${i}`);
    statuses.push(compiled.lastProgram);
  }
  assert.match(statuses[1], /logged/);
  assert.match(statuses[2], /recorded/);
  assert.equal(statuses.slice(3), [null, null], 'the program runs');
  assert.ok(compiled.arenaBytes > 0);
  // Another input, elsewhere in memory: copied into the arena as the first was.
  for (let i = 0; i < 4; i++) {
    assertSame([call(i % 2 ? x : other)], [want[1 - (i % 2)]], `alternating ${i}`);
    assert.is(compiled.lastProgram, null);
  }
  const before = {tensors: tf.memory().numTensors, bytes: tf.memory().numBytesInWasm};
  for (let i = 0; i < 10; i++) call(x);
  assert.equal({tensors: tf.memory().numTensors, bytes: tf.memory().numBytesInWasm}, before, 'program runs leave nothing');
  // A weight's packed block replaced (the filter with another bias): the program is made anew.
  const bias = randomTensor(rng(3), [16]);
  tf.tidy(() => tf.fused.conv2d({x: tf.ones([1, 2, 2, 8]), filter: w.expand, strides: 1, pad: 'same', bias}).dataSync());
  const afterRepack = [];
  for (let i = 0; i < 5; i++) {
    assertSame([call(x)], [want[0]], `after repacking ${i}`);
    afterRepack.push(compiled.lastProgram);
  }
  assert.match(afterRepack[0], /packed or folded again/);
  assert.is(afterRepack[4], null);
  compiled.dispose();
  assert.ok(tf.memory().numBytesInWasm < before.bytes, 'dispose frees the arena');

  // Results that are an input, a weight, or one tensor twice; a kernel in JavaScript (no program).
  const aliasing = compile((v) => {
    const y = tf.relu(v);
    return [y, y, v, w.bias];
  });
  const inJs = compile((v) => tf.relu(tf.cumsum(v, 1)));
  // Fill kernels write from JavaScript: the program repeats the write where the data were then.
  const fills = compile((v) => tf.addN([tf.relu(v), tf.onesLike(v), tf.fill(v.shape, 2.5)]));
  for (let i = 0; i < 5; i++) {
    const outs = aliasing(x);
    assert.equal(Array.from(outs[0].dataSync()), Array.from(outs[1].dataSync()));
    assert.equal(Array.from(outs[2].dataSync()), Array.from(x.dataSync()));
    assert.equal(Array.from(outs[3].dataSync()), Array.from(w.bias.dataSync()));
    // The traced call returns what the function returns (x itself); replays, tensors of their own.
    tf.dispose(i === 0 ? outs[0] : outs);
    const filled = fills(x);
    const filledWant = tf.tidy(() => tf.addN([tf.relu(x), tf.onesLike(x), tf.fill(x.shape, 2.5)]));
    assert.equal(Array.from(filled.dataSync()), Array.from(filledWant.dataSync()));
    tf.dispose([filled, filledWant]);
    const y = inJs(x);
    const yWant = tf.tidy(() => tf.relu(tf.cumsum(x, 1)));
    assert.equal(Array.from(y.dataSync()), Array.from(yWant.dataSync()));
    tf.dispose([y, yWant]);
  }
  assert.is(aliasing.lastProgram, null, 'aliased results');
  assert.is(fills.lastProgram, null, 'fills');
  assert.is(inJs.lastRun, null, 'replayed');
  assert.match(inJs.lastProgram, /Cumsum ran in JavaScript/);
  assert.ok(!x.isDisposed && !w.bias.isDisposed, 'aliased inputs and weights keep their references');
  aliasing.dispose();
  fills.dispose();
  inJs.dispose();
  tf.dispose([x, other, bias, ...Object.values(w)]);
});

test('new input shapes trace again; a disposed weight traces again; results stay right', async () => {
  await tf.setBackend('asc-compile');
  const random = rng(7);
  let filter = randomTensor(random, [3, 3, 3, 4]);
  const fn = (x) => ({y: tf.relu(tf.conv2d(x, filter, 1, 'same'))});
  const compiled = compile(fn);
  const check = (shape, seeds) => assertSame(runAll(compiled, seeds, shape), runAll((x) => tf.tidy(() => fn(x)), seeds, shape), 'shape');
  check([1, 6, 6, 3], [1, 2]);
  check([2, 5, 7, 3], [3]);
  assert.match(compiled.lastRun, /traced/, 'a new shape');
  check([2, 5, 7, 3], [4]);
  assert.is(compiled.lastRun, null);
  filter.dispose();
  filter = randomTensor(random, [3, 3, 3, 4]);
  const x = inputOf(5, [2, 5, 7, 3]);
  // The function now reads the new filter: its first call after the old one went traces again.
  const {y} = compiled(x);
  assert.match(compiled.lastRun, /disposed: traced again/);
  const want = tf.tidy(() => fn(x).y);
  assert.equal(Array.from(y.dataSync()), Array.from(want.dataSync()));
  tf.dispose([x, y, want, filter]);
  compiled.dispose();
});

test('a function that reads data, or whose output shapes depend on data, runs as it is', async () => {
  await tf.setBackend('asc-compile');
  const reads = compile((x) => (tf.sum(x).dataSync()[0] > 0 ? tf.relu(x) : tf.neg(x)));
  for (const values of [[1, -2, 3], [-5, 1, 1], [2, 2, 2]]) {
    const y = reads(tf.tensor(values));
    assert.equal(Array.from(y.dataSync()), values.reduce((a, b) => a + b) > 0 ? values.map((v) => Math.max(v, 0)) : values.map((v) => -v));
    y.dispose();
  }
  assert.match(reads.lastRun, /reads tensor data/);
  // Reading a weight (as tfjs-converter reads its shape tensors) reads what the trace holds fixed.
  const scale = tf.tensor([3]);
  const readsWeight = compile((x) => tf.mul(x, scale.dataSync()[0]));
  for (const values of [[1, 2], [4, 5], [7, 8]]) {
    const y = readsWeight(tf.tensor(values));
    assert.equal(Array.from(y.dataSync()), values.map((v) => 3 * v));
    y.dispose();
  }
  assert.is(readsWeight.lastRun, null, 'replayed');
  // So is reading what the run computes from weights alone (a converted graph's shape arithmetic).
  const readsDerived = compile((x) => tf.mul(x, tf.add(scale, 1).dataSync()[0]));
  for (const values of [[1, 2], [4, 5], [7, 8]]) {
    const y = readsDerived(tf.tensor(values));
    assert.equal(Array.from(y.dataSync()), values.map((v) => 4 * v));
    y.dispose();
  }
  assert.is(readsDerived.lastRun, null, 'replayed');
  scale.dispose();
  readsWeight.dispose();
  readsDerived.dispose();
  const unique = compile((x) => tf.unique(tf.relu(x)).values);
  for (const values of [[1, 1, 2], [3, 4, 5], [0, 0, 0]]) {
    const y = unique(tf.tensor(values));
    assert.equal(Array.from(y.dataSync()), [...new Set(values)]);
    y.dispose();
  }
  assert.match(unique.lastRun, /depend on data/);
});

test('on another backend the function runs as it is', async () => {
  await tf.setBackend('cpu');
  const compiled = compile((x) => tf.mul(x, 2));
  const y = compiled(tf.tensor([1, 2]));
  assert.equal(Array.from(y.dataSync()), [2, 4]);
  assert.match(compiled.lastRun, /not asc/);
  await tf.setBackend('asc');
});

test.run();
