// Serves the demo page: npm run demo [-- --port 8080] [--host 127.0.0.1] [--weights model.safetensors]
// The page imports dist/browser.js (npm run build makes it) as a plain module script. Responses are
// cross-origin isolated (COOP/COEP), so asc runs its kernels on worker threads. Only the files
// listed below are served (a request path is a key, never a file path), to 127.0.0.1 by default.
import {readFile} from 'node:fs/promises';
import {createServer} from 'node:http';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const at = (path) => fileURLToPath(new URL(path, import.meta.url));
/** The shipped cell model (`asc-unet train`, see the README). */
export const DEFAULT_WEIGHTS = at('../../assets/unet-cells.safetensors');

/** Starts the server (port 0: any free one); resolves to it and its URL. */
export async function startDemoServer({port = 0, host = '127.0.0.1', weights = DEFAULT_WEIGHTS} = {}) {
  const files = new Map([
    ['/', ['text/html', at('index.html')]],
    ['/demo.js', ['text/javascript', at('demo.js')]],
    ['/sample.png', ['image/png', at('../../assets/sample.png')]],
    ['/browser.js', ['text/javascript', at('../../dist/browser.js')]],
    ['/browser.js.map', ['application/json', at('../../dist/browser.js.map')]],
    ['/model.safetensors', ['application/octet-stream', weights]],
  ]);
  const server = createServer(async (req, res) => {
    const reply = (status, headers = {}, body = undefined) => {
      res.writeHead(status, {'X-Content-Type-Options': 'nosniff', ...headers});
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, {Allow: 'GET, HEAD'});
    let path;
    try {
      path = new URL(req.url, 'http://demo.invalid').pathname;
    } catch {
      return reply(400);
    }
    const file = files.get(path);
    if (file == null) return reply(404);
    let body;
    try {
      body = await readFile(file[1]);
    } catch {
      return reply(404); // e.g. dist/ not built
    }
    reply(200, {'Content-Type': file[0], 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
      ...(path === '/browser.js' ? {SourceMap: '/browser.js.map'} : {})}, body);
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const {address, port: bound} = server.address();
  return {server, url: `http://${address.includes(':') ? `[${address}]` : address}:${bound}/`};
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const {values} = parseArgs({options: {port: {type: 'string', default: '8080'}, host: {type: 'string', default: '127.0.0.1'},
    weights: {type: 'string'}}});
  const {url} = await startDemoServer({port: Number(values.port), host: values.host, weights: values.weights});
  if (!['127.0.0.1', 'localhost', '::1'].includes(values.host)) {
    console.log(`note: --host ${values.host} lets other machines load the page and the weights`);
  }
  console.log(`U-Net demo: ${url} (weights: ${values.weights ?? DEFAULT_WEIGHTS}); Ctrl-C stops it`);
}
