// Runs tfjs-core's own op test suite (shipped in @tensorflow/tfjs-core/dist/tests) against one backend.
// Usage: node test/conformance/run.mjs asc|cpu [--json results.json]
import {build} from 'esbuild';
import Jasmine from 'jasmine';
import {mkdirSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {createRequire} from 'node:module';
import {cjsImportMetaUrl} from '../../scripts/cjs-import-meta.mjs';

const require = createRequire(import.meta.url);

const backend = process.argv[2] ?? 'asc';
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outDir = join(root, 'build');
mkdirSync(outDir, {recursive: true});
const outfile = join(outDir, `conformance-${backend}.cjs`);

await build({
  ...cjsImportMetaUrl,
  entryPoints: [join(here, `entry_${backend}.js`)],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // tfjs-core marks its test files side-effect free; keep them.
  ignoreAnnotations: true,
  // One copy of tfjs-core: resolve every import to its ESM build, as the tests do.
  mainFields: ['module', 'main'],
  outfile,
  logLevel: 'warning',
  external: ['node-fetch', 'fs', 'path', 'crypto', 'util', 'worker_threads'],
  plugins: [{
    // jasmine_util requires a jasmine-core file that the package's "exports" map hides.
    name: 'jasmine-core-file',
    setup(b) {
      b.onResolve({filter: /^jasmine-core\/lib\//}, (args) => ({path: require.resolve(join(root, 'node_modules', args.path))}));
    },
  }],
});

globalThis.__CONFORMANCE_BACKEND__ = backend;
const jasmine = new Jasmine();
jasmine.exitOnCompletion = false;
jasmine.loadConfig({spec_files: [outfile], random: false});
const counts = {passed: 0, failed: 0, pending: 0};
const failures = [];
const statuses = {};
jasmine.clearReporters();
jasmine.addReporter({
  specDone(result) {
    (statuses[result.fullName] ??= []).push(result.status); // a few specs share a name
    if (result.status === 'passed') counts.passed++;
    else if (result.status === 'failed') {
      counts.failed++;
      failures.push({name: result.fullName, messages: result.failedExpectations.map((e) => e.message)});
    } else counts.pending++;
  },
});
const started = Date.now();
const result = await jasmine.execute();
for (const f of failures) console.log(`FAILED: ${f.name}\n    ${f.messages.join('\n    ')}`);
console.log(`conformance on '${backend}': ${counts.passed} passed, ${counts.failed} failed, ${counts.pending} pending` +
    ` (${((Date.now() - started) / 1000).toFixed(0)} s, jasmine: ${result.overallStatus})`);
const jsonAt = process.argv.indexOf('--json');
if (jsonAt > 0) {
  // An entry may leave more to report (entry_webgpu.js: the specs that ran a handed-off kernel).
  writeFileSync(process.argv[jsonAt + 1], JSON.stringify({backend, counts, statuses, failures, ...globalThis.__CONFORMANCE_EXTRA__}));
}
process.exitCode = counts.failed === 0 && result.overallStatus === 'passed' ? 0 : 1;
