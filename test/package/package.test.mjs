// The package as a user gets it: `npm pack`, the tarball checked against the committed budget
// (budget.json: the exact file list and the most bytes packed and unpacked), then installed with its
// peer into an empty folder and used there: ESM import and CJS require of both entry points, a
// TypeScript check of a consumer, `asc-unet --help` and `asc-unet segment` on the bundled sample.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const budget = JSON.parse(readFileSync(new URL('./budget.json', import.meta.url), 'utf8'));
const ours = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'asc-package-'));
const app = join(work, 'app');
const run = (command, args, options = {}) =>
  spawnSync(command, args, {cwd: app, encoding: 'utf8', timeout: 300_000, ...options});

// dist/ is built by `npm test`'s first step: pack what is there (no prepare script).
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work],
    {cwd: root, encoding: 'utf8'}));
const tarball = join(work, packed.filename);

test('the tarball holds exactly the files of the budget, within its sizes', () => {
  const files = packed.files.map((f) => f.path).sort();
  const unexpected = files.filter((f) => !budget.files.includes(f));
  const missing = budget.files.filter((f) => !files.includes(f));
  assert.equal({unexpected, missing}, {unexpected: [], missing: []}, 'update test/package/budget.json if intended');
  assert.ok(packed.size <= budget.maxPackedBytes, `packed ${packed.size} B > ${budget.maxPackedBytes} B`);
  assert.ok(packed.unpackedSize <= budget.maxUnpackedBytes, `unpacked ${packed.unpackedSize} B > ${budget.maxUnpackedBytes} B`);
  console.log(`tarball ${packed.filename}: ${packed.size} B packed, ${packed.unpackedSize} B unpacked, ${files.length} files`);
});

test('it installs with its peer into an empty folder', () => {
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({name: 'app', private: true, type: 'module'}));
  const started = performance.now();
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball,
    `@tensorflow/tfjs-core@${ours.peerDependencies['@tensorflow/tfjs-core']}`]);
  assert.is(install.status, 0, install.stderr);
  const installed = spawnSync('du', ['-sb', join(app, 'node_modules')], {encoding: 'utf8'}).stdout.split('\t')[0];
  console.log(`npm install: ${((performance.now() - started) / 1000).toFixed(1)} s, node_modules ${installed} B`);
});

test('ESM import and CJS require of tfjs-backend-asc and tfjs-backend-asc/unet run a convolution and a U-Net', () => {
  const esm = run(process.execPath, ['--input-type=module', '-e', `
    import * as tf from '@tensorflow/tfjs-core';
    import 'tfjs-backend-asc';
    import {createUNet} from 'tfjs-backend-asc/unet';
    await tf.setBackend('asc');
    const y = tf.conv2d(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1]), 1, 'same');
    const u = createUNet({features: [4, 8], seed: 1}).predict(tf.ones([1, 16, 16, 3]));
    console.log(JSON.stringify({backend: tf.getBackend(), sums: Array.from(y.dataSync()), shape: u.shape}));`]);
  assert.is(esm.status, 0, esm.stderr);
  const cjs = run(process.execPath, ['-e', `
    const tf = require('@tensorflow/tfjs-core');
    require('tfjs-backend-asc');
    const {createUNet} = require('tfjs-backend-asc/unet');
    tf.setBackend('asc').then(() => {
      const y = tf.conv2d(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1]), 1, 'same');
      const u = createUNet({features: [4, 8], seed: 1}).predict(tf.ones([1, 16, 16, 3]));
      console.log(JSON.stringify({backend: tf.getBackend(), sums: Array.from(y.dataSync()), shape: u.shape}));
    });`]);
  assert.is(cjs.status, 0, cjs.stderr);
  const want = {backend: 'asc', sums: [4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4], shape: [1, 16, 16, 1]};
  assert.equal(JSON.parse(esm.stdout), want);
  assert.equal(JSON.parse(cjs.stdout), want);
});

test('its types check in a TypeScript consumer', () => {
  writeFileSync(join(app, 'main.ts'), `
    import * as tf from '@tensorflow/tfjs-core';
    import {initBackend, type BackendReport, type AscBackend} from 'tfjs-backend-asc';
    import {createUNet, UNet} from 'tfjs-backend-asc/unet';
    const report: BackendReport = await initBackend({prefer: ['asc']});
    const chosen: string = report.chosen;
    const model: UNet = createUNet({features: [4, 8], seed: 1});
    const y: tf.Tensor4D = model.predict(tf.ones([1, 16, 16, 3]) as tf.Tensor4D);
    const bytes: number = (tf.backend() as AscBackend).memory().numBytesInWasm;
    console.log(chosen, y.shape, bytes);
  `);
  const tsc = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext',
    '--target', 'es2022', '--lib', 'es2022,dom', '--types', '', '--skipLibCheck', 'main.ts']);
  assert.is(tsc.status, 0, tsc.stdout + tsc.stderr);
});

test('asc-unet --help, and asc-unet segment on the bundled sample, with nothing on stderr', () => {
  const help = run('npx', ['--no', '--', 'asc-unet', '--help']);
  assert.is(help.status, 0, help.stderr);
  assert.match(help.stdout, /^Usage: asc-unet <command>/m);
  const segment = run('npx', ['--no', '--', 'asc-unet', 'segment', '-o', 'out']);
  assert.is(segment.status, 0, segment.stderr);
  assert.is(segment.stderr, '');
  assert.match(segment.stdout, /sample\.png: 256x256, [\d.]+% foreground/);
  assert.ok(existsSync(join(app, 'out/sample.mask.png')) && existsSync(join(app, 'out/sample.overlay.png')));
});

test.after(() => rmSync(work, {recursive: true, force: true}));

test.run();
