// Threads in headless Chromium: a cross-origin isolated page runs kernels on 2 threads with results
// bit-identical to 1 thread; a page that is not isolated falls back to one thread and says why. Both
// agree with tfjs-backend-cpu.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {bundlePage, launchChromium, modulePage, pageResult, serve} from './browser.mjs';

const script = await bundlePage(new URL('./threads_page.js', import.meta.url).pathname);
const loop = await bundlePage(new URL('./loop_page.js', import.meta.url).pathname);
const {server, base} = await serve({
  '/threads.html': ['text/html', modulePage('threads.js')],
  '/threads.js': ['text/javascript', script],
  '/loop.html': ['text/html', modulePage('loop.js')],
  '/loop.js': ['text/javascript', loop],
});
const browser = await launchChromium();

/** The unit tests' bound (test/unit/helpers.mjs): float32 rounding over 3 * 3 * 32 summed terms. */
function assertMatchesCpu(result) {
  const tolerance = 2 ** -22 * (288 + 1) * result.maxAbs;
  assert.ok(result.maxErrorVsCpu <= tolerance, `max error ${result.maxErrorVsCpu} vs cpu (tolerance ${tolerance})`);
}

test('a cross-origin isolated page runs asc on 2 threads, bit-identical to 1 thread', async () => {
  const result = await pageResult(browser, `${base}/isolated/threads.html`);
  assert.not.ok(result.error, result.error);
  assert.ok(result.crossOriginIsolated);
  assert.ok(result.features.threadsSupported, result.threadsReason);
  assert.ok(result.features.variant.endsWith('-shared'), result.features.variant);
  assert.ok(result.features.relaxedSimd, 'Chromium runs relaxed SIMD');
  assert.is(result.splitOnOne, 0);
  assert.ok(result.splitOnTwo > 0, 'the convolution was split across threads');
  assert.ok(result.bitIdentical);
  assertMatchesCpu(result);
});

test('inferences back to back, never yielding to the event loop, run on every thread from the first', async () => {
  // Chromium starts a worker only once the page yields: the backend starts its workers as it is created.
  const result = await pageResult(browser, `${base}/isolated/loop.html`);
  assert.not.ok(result.error, result.error);
  assert.ok(result.threads >= 2, `threads ${result.threads}`);
  assert.is(result.threadsStarted, result.threads, 'every worker runs when setBackend resolves');
  assert.ok(result.parallelRuns > 0, 'kernels split across threads');
});

test('a page that is not cross-origin isolated runs asc on one thread and reports why', async () => {
  const result = await pageResult(browser, `${base}/plain/threads.html`);
  assert.not.ok(result.error, result.error);
  assert.is(result.crossOriginIsolated, false);
  assert.not.ok(result.features.threadsSupported);
  assert.not.ok(result.features.variant.endsWith('-shared'), result.features.variant);
  assert.is(result.threads, 1);
  assert.match(result.threadsReason, /cross-origin isolated/);
  assert.is(result.splitOnTwo, 0);
  assert.ok(result.bitIdentical);
  assertMatchesCpu(result);
});

test.after(async () => {
  await browser.close();
  server.close();
});

test.run();
