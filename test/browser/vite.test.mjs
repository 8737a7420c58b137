// The package through Vite as an app uses it: `vite build` of test/browser/vite_app, which has no
// Vite config and imports the package by name (linked into its node_modules as npm would install
// it), then the built page in headless Chromium with WebGPU.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {execFileSync} from 'node:child_process';
import {cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync} from 'node:fs';
import {extname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {launchChromium, pageResult, serve} from './browser.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const app = join(root, 'build', 'vite-app');
rmSync(app, {recursive: true, force: true});
cpSync(join(root, 'test', 'browser', 'vite_app'), app, {recursive: true});
mkdirSync(join(app, 'node_modules'));
symlinkSync(root, join(app, 'node_modules', 'tfjs-backend-asc'), 'dir');
execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
    {cwd: app, stdio: ['ignore', 'inherit', 'inherit']});

const TYPES = {'.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.map': 'application/json'};
const files = {};
for (const path of readdirSync(join(app, 'dist'), {recursive: true, withFileTypes: true})) {
  if (!path.isFile()) continue;
  const full = join(path.parentPath, path.name);
  files[full.slice(join(app, 'dist').length)] = [TYPES[extname(full)] ?? 'application/octet-stream', readFileSync(full)];
}
const {server, base} = await serve(files);
const browser = await launchChromium(['--enable-unsafe-webgpu', '--disable-gpu-sandbox']);

test('a Vite build with no configuration runs the package: asc by default on SwiftShader, webgpu when software is allowed, asc beside it, same numbers', async () => {
  const result = await pageResult(browser, `${base}/index.html`, 120000);
  assert.not.ok(result.error, result.error);
  assert.is(result.byDefault.chosen, 'asc');
  assert.match(result.byDefault.skipped[0].reason, /software rasterizer \(swiftshader/);
  assert.is(result.chosen, 'webgpu');
  const sums = [4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4];
  assert.equal(result.webgpu.sums, sums);
  assert.equal(result.asc.sums, sums);
  const scale = Math.max(...result.asc.logits.map(Math.abs));
  const diff = Math.max(...result.asc.logits.map((v, i) => Math.abs(v - result.webgpu.logits[i])));
  assert.ok(scale > 0 && diff <= 1e-4 * scale, `U-Net logits: webgpu and asc differ by ${diff} (max ${scale})`);
});

test.after(async () => {
  await browser.close();
  server.close();
});

test.run();
