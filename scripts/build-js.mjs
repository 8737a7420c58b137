// Bundles src/ into dist/index.js (ESM) and dist/index.cjs (CJS); tfjs packages stay external.
import {build} from 'esbuild';

const common = {
  entryPoints: ['src/index.ts'],
  bundle: true,
  platform: 'neutral',
  target: 'es2022',
  external: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-core/*'],
  sourcemap: true,
  logLevel: 'warning',
};
await build({...common, format: 'esm', outfile: 'dist/index.js'});
await build({...common, format: 'cjs', outfile: 'dist/index.cjs'});
