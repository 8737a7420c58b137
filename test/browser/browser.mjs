// Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core,
// pages bundled with esbuild and served from 127.0.0.1. Pages under /isolated/ are served with the
// COOP/COEP headers that make them cross-origin isolated (SharedArrayBuffer, so threads); pages
// under /plain/, or at their own path, are not.
import {build} from 'esbuild';
import {createServer} from 'node:http';
import {existsSync} from 'node:fs';
import {chromium} from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const ISOLATION_HEADERS = {'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp'};

/** Bundles `entry` (a page script) for the browser; returns its source. */
export async function bundlePage(entry) {
  const result = await build({entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', write: false,
    logLevel: 'warning'});
  return result.outputFiles[0].text;
}

/**
 * Serves `files` ({'/path': [contentType, body]}) at /isolated/path, /plain/path and /path on
 * 127.0.0.1; anything else is a 404. Resolves to the server and its base URL.
 */
export async function serve(files) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const match = /^(?:\/(isolated|plain)(?=\/))?(\/.*)$/.exec(url.pathname);
    const file = match && files[match[2]];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {'Content-Type': file[0], ...(match[1] === 'isolated' ? ISOLATION_HEADERS : {})});
    res.end(file[1]);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {server, base: `http://127.0.0.1:${server.address().port}`};
}

/** A page that loads one module script. */
export function modulePage(script) {
  return `<!doctype html><meta charset="utf-8"><script type="module" src="${script}"></script>`;
}

export async function launchChromium(extraArgs = []) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`);
  }
  return chromium.launch({executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', ...extraArgs]});
}

/** Opens `url` and waits for the page to set window.result; returns it. */
export async function pageResult(browser, url, timeout = 60000) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.result !== undefined, null, {timeout});
    return await page.evaluate(() => window.result);
  } catch (e) {
    throw new Error(`${url}: ${e.message}${errors.length ? `\npage errors: ${errors.join('\n')}` : ''}`);
  } finally {
    await page.close();
  }
}

