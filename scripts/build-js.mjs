// Builds dist/ afresh (a file left by an older build would ship in the package): the type
// declarations (tsc, which also type-checks src/), then src/index.ts (the backend) and
// src/unet/index.ts (the U-Net) bundled as ESM (.js) and CJS (.cjs), unminified (a stack trace reads
// as the source does), without source maps.
// tfjs-core, tfjs-backend-cpu and tfjs-backend-webgpu stay external, except tfjs-core's gradient
// registrations: its ESM-only dist/ files cannot be imported by Node, so they are bundled, as
// @tensorflow/tfjs does (the copies register into tfjs-core's global registry and run on its
// global engine).
import {build} from 'esbuild';
import {execFileSync} from 'node:child_process';
import {copyFileSync, rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import {cjsImportMetaUrl} from './cjs-import-meta.mjs';

rmSync('dist', {recursive: true, force: true});
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], {stdio: 'inherit'});

const require = createRequire(import.meta.url);
const bundleTfjsCoreFiles = {
  name: 'bundle-tfjs-core-files',
  setup(b) {
    b.onResolve({filter: /^@tensorflow\/tfjs-core\/dist\//}, (args) => ({path: require.resolve(`${args.path}.js`)}));
  },
};

const common = {
  bundle: true,
  platform: 'neutral',
  target: 'es2022',
  external: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-webgpu'],
  plugins: [bundleTfjsCoreFiles],
  logLevel: 'warning',
};
for (const [entry, name] of [['src/index.ts', 'index'], ['src/unet/index.ts', 'unet']]) {
  await build({...common, entryPoints: [entry], format: 'esm', outfile: `dist/${name}.js`});
  await build({...common, ...cjsImportMetaUrl, entryPoints: [entry], format: 'cjs', outfile: `dist/${name}.cjs`});
}

// dist/browser.js: everything in one minified ES module (see src/browser.ts). Its source map is
// for the demo (its server links it by a SourceMap header); the package ships no maps, so the bundle
// names none (no tool then looks for a missing file).
await build({
  entryPoints: ['src/browser.ts'], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true,
  plugins: [bundleTfjsCoreFiles], sourcemap: 'external', logLevel: 'warning', outfile: 'dist/browser.js',
});

// tsc emits no .d.ts for a .d.ts source: the kernel exports' types (wasm_module.d.ts imports them)
// are copied beside the emitted ones.
copyFileSync('src/generated/kernels.d.ts', 'dist/types/generated/kernels.d.ts');
