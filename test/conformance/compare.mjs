// Runs tfjs-core's op suite on tfjs-backend-cpu and on asc, each in its own process, and requires
// every spec that passes on cpu to pass on asc. There is no exclude list: a spec cpu passes that
// asc does not run at all (the suite defines a few for cpu alone) is listed by name. Node's flags
// (e.g. --import ./cli/relaxed_simd.mjs) and the environment (e.g. ASC_THREADS) reach both runs.
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const build = join(here, '..', '..', 'build');

function runSuite(backend) {
  const json = join(build, `conformance-${backend}.json`);
  try {
    execFileSync(process.execPath, [...process.execArgv, join(here, 'run.mjs'), backend, '--json', json], {stdio: ['ignore', 'pipe', 'inherit']});
  } catch {
    // A failing run still writes its results; they are judged below.
  }
  const results = JSON.parse(readFileSync(json, 'utf8'));
  console.log(`conformance on '${backend}': ${results.counts.passed} passed, ${results.counts.failed} failed`);
  // Spec names carry the backend's test environment name; drop it to compare across backends.
  // A few specs share a name: each name maps to its statuses in run order.
  const normalized = {};
  for (const [name, statuses] of Object.entries(results.statuses)) {
    normalized[name.replaceAll(` ${backend} {`, ' {')] = statuses;
  }
  return {counts: results.counts, statuses: normalized};
}

console.log(`node flags: ${process.execArgv.join(' ') || 'none'}; ASC_THREADS=${process.env.ASC_THREADS ?? '(default)'}`);
const cpu = runSuite('cpu');
const asc = runSuite('asc');
const notPassing = [];
const cpuOnly = [];
for (const [name, statuses] of Object.entries(cpu.statuses)) {
  statuses.forEach((status, i) => {
    if (status !== 'passed') return;
    const onAsc = asc.statuses[name]?.[i];
    if (onAsc == null) cpuOnly.push(name);
    else if (onAsc !== 'passed') notPassing.push(`${name}: ${onAsc}`);
  });
}
for (const name of cpuOnly) console.log(`defined for cpu only, not run on asc: ${name}`);
for (const line of notPassing) console.log(`passes on cpu, not on asc: ${line}`);
const failed = Math.max(asc.counts.failed, notPassing.length);
console.log(`${asc.counts.passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
