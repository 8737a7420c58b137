// The GPU path in headless Chromium (WebGPU there runs on SwiftShader): (a) with WebGPU (software
// adapters allowed), initBackend picks webgpu and the U-Net matches PyTorch's fixtures; (b) without
// it (flag off, or navigator.gpu removed) asc is chosen with the reason, same output; (c) asc runs
// its wasm SIMD kernels in the page; (d) the demo page segments the sample image end to end, on asc
// (SwiftShader passed over) and after the switch on webgpu (screenshots in build/artifacts/). Pages
// load dist/browser.js as a plain module script.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {mkdirSync, readdirSync, readFileSync} from 'node:fs';
import {startDemoServer} from '../../examples/demo/serve.mjs';
import {launchChromium, modulePage, pageResult, serve} from './browser.mjs';

const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--disable-gpu-sandbox'];
const at = (path) => new URL(path, import.meta.url);
const files = {
  '/unet.html': ['text/html', modulePage('unet_page.js')],
  '/unet_page.js': ['text/javascript', readFileSync(at('./unet_page.js'))],
  '/browser.js': ['text/javascript', readFileSync(at('../../dist/browser.js'))],
};
for (const name of readdirSync(at('../fixtures/unet/'))) {
  files[`/fixtures/${name}`] = ['application/octet-stream', readFileSync(at(`../fixtures/unet/${name}`))];
}
const {server, base} = await serve(files);
const withGpu = await launchChromium(WEBGPU_FLAGS);
const withoutGpu = await launchChromium();
const artifacts = at('../../build/artifacts/');
/** The WebGPU page's result, for (a) and (c). */
const withGpuResult = pageResult(withGpu, `${base}/plain/unet.html?software`, 300000);
mkdirSync(artifacts, {recursive: true});

/** Every fixture within `tolerance` x max|y| of PyTorch, with nothing left behind. */
function assertFixtures(fixtures, tolerance, label) {
  assert.equal(Object.keys(fixtures).length, 5, `${label}: five fixtures`);
  for (const [name, {error, scale, leaked}] of Object.entries(fixtures)) {
    assert.ok(error <= tolerance * scale, `${label} ${name}: max error ${error} > ${tolerance} x ${scale}`);
    assert.is(leaked, 0, `${label} ${name}: predict leaves only its output`);
  }
}

test('(a) with WebGPU and softwareWebGpu, initBackend picks webgpu and the U-Net matches PyTorch within 1e-4 x max|y|', async () => {
  const result = await withGpuResult;
  assert.not.ok(result.error, result.error);
  assert.is(result.report.chosen, 'webgpu');
  assert.equal(result.report.skipped, []);
  assert.is(result.report.features.webgpu.source, 'navigator.gpu');
  assert.is(result.report.features.webgpu.architecture, 'swiftshader');
  assert.is(result.report.features.webgpu.software, true);
  // SwiftShader reads GPU data back as zeros through tfjs's canvas path: reported, and refused.
  assert.is(result.report.features.webgpu.syncReads, false);
  assert.ok(result.report.kernelHandoff.includes('Unique'));
  assertFixtures(result.fixtures.webgpu, 1e-4, 'webgpu');
});

test('(c) asc runs its wasm SIMD kernels in the page, and agrees with webgpu and PyTorch', async () => {
  const result = await withGpuResult;
  assert.not.ok(result.error, result.error);
  assert.is(result.report.features.wasmSimd, true);
  assert.ok(['simd', 'relaxed'].includes(result.ascFeatures.variant), `not isolated: ${result.ascFeatures.variant}`);
  assert.is(result.ascFeatures.relaxedSimd, true, 'Chromium runs relaxed SIMD');
  assertFixtures(result.fixtures.asc, 1e-5, 'asc');
  for (const [name, {values, bytesInWasm}] of Object.entries(result.fixtures.asc)) {
    assert.ok(bytesInWasm > 0, `${name}: asc tensors live in wasm memory`);
    const gpu = result.fixtures.webgpu[name];
    const diff = Math.max(...values.map((v, i) => Math.abs(v - gpu.values[i])));
    assert.ok(diff <= 1e-4 * gpu.scale, `${name}: asc and webgpu differ by ${diff}`);
  }
});

test('(b) without WebGPU (flag off) asc is chosen with the reason, same output', async () => {
  const result = await pageResult(withoutGpu, `${base}/plain/unet.html`, 300000);
  assert.not.ok(result.error, result.error);
  assert.is(result.report.chosen, 'asc');
  assert.equal(result.report.skipped, [{backend: 'webgpu', reason: 'navigator.gpu exists but requestAdapter() returned no adapter'}]);
  assert.is(result.report.features.webgpu, null);
  assertFixtures(result.fixtures.asc, 1e-5, 'asc');
});

test('(b) without WebGPU (navigator.gpu removed) asc is chosen with the reason, same output', async () => {
  const result = await pageResult(withGpu, `${base}/plain/unet.html?nogpu`, 300000);
  assert.not.ok(result.error, result.error);
  assert.is(result.hasGpu, false);
  assert.is(result.report.chosen, 'asc');
  assert.equal(result.report.skipped.map((s) => s.backend), ['webgpu']);
  assert.match(result.report.skipped[0].reason, 'no navigator.gpu');
  assertFixtures(result.fixtures.asc, 1e-5, 'asc');
});

test('(d) the demo page segments the sample image on asc (SwiftShader passed over), and on webgpu after the switch', async () => {
  const demo = await startDemoServer();
  const page = await withGpu.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(demo.url);
    const state = async (runs) => {
      await page.waitForFunction((n) => window.demo?.runs >= n || window.demo?.error, runs, {timeout: 300000});
      return page.evaluate(() => window.demo);
    };
    const onAsc = await state(1);
    assert.not.ok(onAsc.error, onAsc.error);
    assert.is(onAsc.backend, 'asc');
    assert.is(onAsc.mask.length, 256 * 256);
    assert.match(await page.textContent('#backend'), /asc, relaxed-shared, \d+ threads/);
    assert.match(await page.textContent('#reason'), /webgpu skipped: the WebGPU adapter is a software rasterizer/);
    assert.match(await page.textContent('#timing'), /asc: [\d.]+ ms per inference \(256x256\)/);
    await page.screenshot({path: new URL('demo-asc.png', artifacts).pathname, fullPage: true});
    await page.click('input[value=webgpu]');
    const onGpu = await state(2);
    assert.not.ok(onGpu.error, onGpu.error);
    assert.is(onGpu.backend, 'webgpu');
    assert.match(await page.textContent('#backend'), 'webgpu');
    const agree = onAsc.mask.filter((c, i) => c === onGpu.mask[i]).length / onAsc.mask.length;
    assert.ok(agree >= 0.999, `the masks agree on ${(100 * agree).toFixed(2)}% of pixels`);
    await page.screenshot({path: new URL('demo-webgpu.png', artifacts).pathname, fullPage: true});
    assert.equal(errors, []);
  } finally {
    await page.close();
    demo.server.close();
  }
});

test.after(async () => {
  await Promise.all([withGpu.close(), withoutGpu.close()]);
  server.close();
});

test.run();
