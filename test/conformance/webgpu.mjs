// Runs tfjs-core's op suite on webgpu (Dawn in Node) with the kernel handoff to asc, and
// requires that no spec fails for a missing kernel and that every spec that ran a handed-off kernel
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
const {counts, failures, handoffSpecs} = JSON.parse(readFileSync(json, 'utf8'));
const missingKernel = failures.filter((f) => f.messages.some((m) => /not registered for backend/.test(m)));
const failedHandoffs = failures.filter((f) => handoffSpecs[f.name] != null);
const handoffRuns = Object.keys(handoffSpecs).length;
const kernels = new Set(Object.values(handoffSpecs).flat());
console.log(`conformance on 'webgpu': ${counts.passed} passed, ${counts.failed} failed; ${handoffRuns} specs ran ` +
    `${kernels.size} kernels handed to asc (${[...kernels].sort().join(', ')})`);
for (const f of failures) {
  if (!missingKernel.includes(f) && !failedHandoffs.includes(f)) console.log(`webgpu's own: ${f.name}: ${f.messages[0]?.split('\n')[0]}`);
}
for (const f of missingKernel) console.log(`missing kernel: ${f.name}: ${f.messages[0]}`);
for (const f of failedHandoffs) console.log(`handoff failed (${handoffSpecs[f.name].join(', ')}): ${f.name}: ${f.messages[0]}`);
const failed = missingKernel.length + failedHandoffs.length;
console.log(`${handoffRuns - failedHandoffs.length} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
