// The demo server binds 127.0.0.1 by default and serves its own files only: raw requests that try
// path traversal, encodings, absolute forms, bad URLs and other methods get 4xx, and it keeps serving.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {readFileSync} from 'node:fs';
import {connect} from 'node:net';
import {startDemoServer} from '../../examples/demo/serve.mjs';

/** Sends `request` byte for byte (no client-side normalization) and resolves to {status, body}. */
function raw(port, request) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const chunks = [];
    socket.on('data', (c) => chunks.push(c)).on('error', reject).on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({status: Number(text.split(' ')[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4)});
    });
  });
}
const get = (port, target) => raw(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);

test('binds 127.0.0.1 by default', async () => {
  const {server, url} = await startDemoServer();
  try {
    assert.is(server.address().address, '127.0.0.1');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  } finally {
    server.close();
  }
});

test('serves its own files and nothing else; traversal attempts get 4xx and leak nothing', async () => {
  const {server} = await startDemoServer();
  const port = server.address().port;
  const secrets = [readFileSync(new URL('../../package.json', import.meta.url), 'latin1').slice(0, 40), 'root:x:0:0'];
  try {
    const page = await get(port, '/');
    assert.is(page.status, 200);
    assert.match(page.body, /<html/i);
    assert.is((await get(port, '/model.safetensors')).status, 200);
    for (const target of [
      '/../package.json', '/../../package.json', '/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json',
      '/%2e%2e%2f%2e%2e%2fpackage.json', '/demo.js/../../../package.json', '/..\\..\\package.json', '//etc/passwd',
      '/etc/passwd', '/../../../../../../etc/passwd', 'http://127.0.0.1/../../package.json', '/index.html',
      '/serve.mjs', '/sample.png%00.js', '/%00', '/%', '/assets/unet-cells.safetensors', '/__proto__', '/constructor',
      '*', '//[', 'http://[::1', '/dist/browser.js',
    ]) {
      const {status, body} = await get(port, target);
      assert.ok(status >= 400 && status < 500, `${target}: status ${status}`);
      for (const secret of secrets) assert.not.ok(body.includes(secret), `${target} leaked a file`);
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'TRACE']) {
      const {status} = await raw(port, `${method} / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      assert.is(status, 405, method);
    }
    const head = await raw(port, 'HEAD /demo.js HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    assert.is(head.status, 200);
    assert.is(head.body, '');
    assert.is((await get(port, '/')).status, 200, 'still serving after all of that');
  } finally {
    server.close();
  }
});

test.run();
