// The seed U-Net in headless Chromium (Debian's, through playwright-core): asc against LiteRT.js on
// one and on two threads, each in a cross-origin isolated page of its own (LiteRT.js loads one
// runtime per page). Prints the medians and their ratio; writes bench/results/browser.json.
// Usage: npm run build && node bench/browser.mjs [--quick]   (npm run bench -- --browser)
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import {dirname, join} from 'node:path';
import {bundlePage, launchChromium, modulePage, pageResult, serve} from '../test/browser/browser.mjs';
import {unetCases} from './cases.mjs';

const quick = process.argv.includes('--quick');
const require = createRequire(import.meta.url);
const wasmDir = join(dirname(require.resolve('@litertjs/core/package.json')), 'wasm');
const files = {
  '/bench.html': ['text/html', modulePage('bench.js')],
  '/bench.js': ['text/javascript', await bundlePage(new URL('./browser_page.js', import.meta.url).pathname)],
};
for (const name of readdirSync(wasmDir)) {
  files[`/litert/${name}`] = [name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript', readFileSync(join(wasmDir, name))];
}
const {server, base} = await serve(files);
const browser = await launchChromium();
const cases = unetCases(quick).filter((c) => c.features[0] === 64);
const runs = [];
for (const threads of [1, 2]) {
  const url = `${base}/isolated/bench.html?threads=${threads}&rounds=${quick ? 3 : 5}&cases=${encodeURIComponent(JSON.stringify(cases))}`;
  const result = await pageResult(browser, url, 600000);
  if (result.error) throw new Error(result.error);
  runs.push(result);
  for (const r of result.results) {
    console.log(`${r.case}, ${threads} thread${threads > 1 ? 's' : ''} (${result.threadsStarted} started): asc ${r.asc.toFixed(1)} ms, ` +
        `LiteRT.js ${r.litert.toFixed(1)} ms, asc/litert ${(r.asc / r.litert).toFixed(2)}`);
  }
}
const chromium = browser.version();
await browser.close();
server.close();
const machine = {cpu: os.cpus()[0]?.model, cores: os.cpus().length, chromium, userAgent: runs[0].userAgent};
mkdirSync(new URL('./results/', import.meta.url), {recursive: true});
writeFileSync(new URL(`./results/browser${quick ? '-quick' : ''}.json`, import.meta.url),
    JSON.stringify({date: new Date().toISOString(), machine, quick, runs}, null, 2) + '\n');
console.log(`wrote bench/results/browser${quick ? '-quick' : ''}.json`);
