// LiteRT.js (@litertjs/core: XNNPACK in wasm, relaxed SIMD, and threads in its threaded build)
// in Node. Its loader runs the Emscripten script with a script tag or importScripts; in Node the
// script is CommonJS, but its package declares ES modules, and the threaded build's workers load
// the script again themselves: so the runtime is copied into build/litert-wasm/, a CommonJS folder,
// and importScripts requires it there (the .wasm beside it is found from its __dirname). The
// threaded build needs relaxed SIMD.
import {copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

const require = createRequire(import.meta.url);

/** The runtime's files in a folder whose .js files are CommonJS; copied once. */
function commonJsRuntime() {
  const from = fileURLToPath(new URL('./wasm/', `file://${require.resolve('@litertjs/core/package.json')}`));
  const to = fileURLToPath(new URL('../build/litert-wasm/', import.meta.url));
  mkdirSync(to, {recursive: true});
  writeFileSync(`${to}package.json`, '{"type": "commonjs"}\n');
  for (const name of readdirSync(from)) {
    if (!existsSync(to + name) || statSync(to + name).size !== statSync(from + name).size) copyFileSync(from + name, to + name);
  }
  return to;
}

/** Loads LiteRT.js's wasm runtime (the threaded build when `threads`) in this Node process. */
export async function loadLiteRtInNode({threads = false} = {}) {
  const dir = commonJsRuntime();
  // The loader's worker-like globals, only while it loads: tfjs-backend-wasm takes a global `self`
  // for a web worker's.
  const hadSelf = 'self' in globalThis;
  globalThis.self ??= globalThis;
  globalThis.importScripts = (path) => {
    globalThis.ModuleFactory = require(path);
  };
  try {
    const {loadLiteRt} = await import('@litertjs/core');
    await loadLiteRt(dir, threads ? {threads: true} : {});
  } finally {
    delete globalThis.importScripts;
    if (!hadSelf) delete globalThis.self;
  }
}

/** Compiles a .tflite model for the CPU (XNNPACK) on `numThreads` threads. */
export async function compileTflite(bytes, numThreads) {
  const {loadAndCompile} = await import('@litertjs/core');
  return loadAndCompile(bytes, {accelerator: 'wasm', cpuOptions: {numThreads}});
}

/** Runs a compiled model on one float32 input; resolves to its first output's values (a copy). */
export async function runTflite(model, values, shape) {
  return (await runTfliteOutputs(model, values, shape))[0];
}

/** Runs a compiled model on one float32 input; resolves to every output's values (copies), in order. */
export async function runTfliteOutputs(model, values, shape) {
  const {Tensor} = await import('@litertjs/core');
  const input = new Tensor(values, shape);
  const outputs = await model.run(input);
  input.delete();
  const out = outputs.map((t) => t.toTypedArray().slice());
  for (const t of outputs) t.delete();
  return out;
}
