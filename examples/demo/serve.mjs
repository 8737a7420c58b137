// Serves the demo page on 127.0.0.1: npm run demo [-- --port 8080] [--weights model.safetensors]
// The page imports dist/browser.js (npm run build makes it) as a plain module script. Responses are
// cross-origin isolated (COOP/COEP), so asc runs its kernels on worker threads.
import {readFileSync} from 'node:fs';
import {createServer} from 'node:http';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const at = (path) => fileURLToPath(new URL(path, import.meta.url));
/** The shipped cell model (`asc-unet train`, see the README). */
export const DEFAULT_WEIGHTS = at('../../assets/unet-cells.safetensors');

/** Starts the server (port 0: any free one); resolves to it and its URL. */
export async function startDemoServer({port = 0, weights = DEFAULT_WEIGHTS} = {}) {
  const files = {
    '/': ['text/html', at('index.html')],
    '/demo.js': ['text/javascript', at('demo.js')],
    '/sample.png': ['image/png', at('../../assets/sample.png')],
    '/browser.js': ['text/javascript', at('../../dist/browser.js')],
    '/browser.js.map': ['application/json', at('../../dist/browser.js.map')],
    '/model.safetensors': ['application/octet-stream', weights],
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url, 'http://127.0.0.1').pathname];
    if (file == null) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': file[0], 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(readFileSync(file[1]));
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {server, url: `http://127.0.0.1:${server.address().port}/`};
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const {values} = parseArgs({options: {port: {type: 'string', default: '8080'}, weights: {type: 'string'}}});
  const {url} = await startDemoServer({port: Number(values.port), weights: values.weights});
  console.log(`U-Net demo: ${url} (weights: ${values.weights ?? DEFAULT_WEIGHTS}); Ctrl-C stops it`);
}
