// Runs tfjs-core's op suite on webgpu (Dawn in Node) with the per-kernel fallback to asc, and
// requires that no spec fails for a missing kernel and that every spec that ran a fallback kernel
// passes. What else fails is tfjs-backend-webgpu's own (listed, with its first message).
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const json = join(here, '..', '..', 'build', 'conformance-webgpu.json');
try {
  execFileSync(process.execPath, [...process.execArgv, join(here, 'run.mjs'), 'webgpu', '--json', json], {stdio: ['ignore', 'ignore', 'inherit']});
} catch {
  // tfjs-backend-webgpu's own failures make the run exit non-zero; they are judged below.
}
const {counts, failures, fallbackSpecs} = JSON.parse(readFileSync(json, 'utf8'));
const missingKernel = failures.filter((f) => f.messages.some((m) => /not registered for backend/.test(m)));
const failedFallbacks = failures.filter((f) => fallbackSpecs[f.name] != null);
const fallbackRuns = Object.keys(fallbackSpecs).length;
const kernels = new Set(Object.values(fallbackSpecs).flat());
console.log(`conformance on 'webgpu': ${counts.passed} passed, ${counts.failed} failed; ${fallbackRuns} specs ran ` +
    `${kernels.size} kernels through the fallback to asc (${[...kernels].sort().join(', ')})`);
for (const f of failures) {
  if (!missingKernel.includes(f) && !failedFallbacks.includes(f)) console.log(`webgpu's own: ${f.name}: ${f.messages[0]?.split('\n')[0]}`);
}
for (const f of missingKernel) console.log(`missing kernel: ${f.name}: ${f.messages[0]}`);
for (const f of failedFallbacks) console.log(`fallback failed (${fallbackSpecs[f.name].join(', ')}): ${f.name}: ${f.messages[0]}`);
const failed = missingKernel.length + failedFallbacks.length;
console.log(`${fallbackRuns - failedFallbacks.length} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
