// Prints a benchmark result (bench/results/*.json) as the markdown table the README shows.
// Usage: node bench/markdown.mjs bench/results/latest.json
import {readFileSync} from 'node:fs';

const result = JSON.parse(readFileSync(process.argv[2], 'utf8'));
if (result.geomean != null) {
  printModels(result);
  process.exit();
}
const {date, machine, yardsticks, ascFeatures, wasmThreads, rows} = result;
const backends = ['asc', 'asc-plain', 'asc-2t', 'wasm', 'onnxruntime-web', 'onnxruntime-web-2t', 'litert', 'litert-2t', 'cpu'];
const names = {
  'asc': 'asc', 'asc-plain': 'asc plain SIMD', 'asc-2t': 'asc 2 threads', 'wasm': 'tfjs-wasm',
  'onnxruntime-web': 'ORT', 'onnxruntime-web-2t': 'ORT 2 threads', 'litert': 'LiteRT.js', 'litert-2t': 'LiteRT.js 2 threads',
  'cpu': 'tfjs-cpu',
};
/** Which GEMM tile asc ran, and what its calibration measured. */
function tileNote(choice) {
  if (choice == null) return '';
  const measured = choice.calibration ?
    `: ${Object.entries(choice.calibration.gflops).map(([t, g]) => `${t} ${g}`).join(', ')} GFLOP/s` : '';
  return `, GEMM tile ${choice.tile} (${choice.how}${measured})`;
}
const ms = (r) => (r == null ? '–' : r.ms >= 100 ? r.ms.toFixed(0) : r.ms >= 10 ? r.ms.toFixed(1) : r.ms.toFixed(2));
// Node 20 and 21 have relaxed SIMD behind a V8 flag (npm run bench sets it: cli/relaxed_simd.mjs).
const relaxedBy = !ascFeatures.relaxedSimd ? 'no flags: plain SIMD' :
  Number(machine.node.slice(1).split('.')[0]) < 22 ? 'relaxed SIMD by its V8 flag' : 'relaxed SIMD on by default';
console.log(`Measured ${date.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores), Node ${machine.node} ` +
    `(${relaxedBy}); asc ran its ${ascFeatures.variant} module${tileNote(ascFeatures.igemmTile)}. ` +
    `Yardsticks (one core): f32x4 mul+add ${yardsticks.simd.toFixed(1)} GFLOP/s` +
    (yardsticks.relaxed ? `, relaxed_madd ${yardsticks.relaxed.toFixed(1)} GFLOP/s` : '') +
    `, copy ${yardsticks.copy.gbps.toFixed(1)} GB/s. ` +
    (wasmThreads.started ? '' : `tfjs-backend-wasm's threaded build does not start in Node (${wasmThreads.error}).`) + '\n');
console.log(`| case | ${backends.map((b) => `${names[b]} ms`).join(' | ')} | asc rate | % of yardstick | ` +
    'asc / tfjs-wasm | asc / ORT | asc / LiteRT.js | relaxed gain | 2-thread scaling | asc 2t / ORT 2t | asc 2t / LiteRT.js 2t |');
console.log(`| --- | ${backends.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
for (const label of [...new Set(rows.map((r) => r.case))]) {
  const by = Object.fromEntries(rows.filter((r) => r.case === label).map((r) => [r.backend, r]));
  const asc = by.asc ?? by['asc-2t'];
  const rate = asc.gflops != null ? `${asc.gflops.toFixed(1)} GFLOP/s` : asc.gbps != null ? `${asc.gbps.toFixed(1)} GB/s` : '–';
  const share = asc.ofPeak ?? asc.ofCopy ? `${((asc.ofPeak ?? asc.ofCopy) * 100).toFixed(0)}%` : '–';
  const ratio = (a, b) => (by[a] && by[b] ? (by[a].ms / by[b].ms).toFixed(2) : '–');
  console.log(`| ${label} | ${backends.map((b) => ms(by[b])).join(' | ')} | ${rate} | ${share} | ` +
      `${ratio('asc', 'wasm')} | ${ratio('asc', 'onnxruntime-web')} | ${ratio('asc', 'litert')} | ${ratio('asc-plain', 'asc')} | ` +
      `${by['asc-1t'] ? ratio('asc-1t', 'asc-2t') : ratio('asc', 'asc-2t')} | ${ratio('asc-2t', 'onnxruntime-web-2t')} | ` +
      `${ratio('asc-2t', 'litert-2t')} |`);
}

/** bench/results/models-node*.json (bench/models.mjs): one row per model. */
function printModels({date, machine, rounds, geomean, geomeanLitert, rows, perCall}) {
  const relaxedBy = Number(machine.node.slice(1).split('.')[0]) < 22 ? 'no flags: plain SIMD' : 'relaxed SIMD on by default';
  const f = (v) => (v == null ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const ratio = (a, b) => (a != null && b != null ? (a / b).toFixed(2) : '–');
  const litert = geomeanLitert ? Object.entries(geomeanLitert).map(([t, g]) =>
    `, asc${t.endsWith('-compiled') ? ' compiled' : ''} / LiteRT.js (${t.replace('-compiled', '')}): ${g.toFixed(2)}`).join('') : '';
  console.log(`Measured ${date.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores), Node ${machine.node} (${relaxedBy}); ` +
      `median of ${rounds} interleaved rounds${tileNote(machine.igemmTile)}. Geomean asc / tfjs-wasm (one thread): ` +
      `${geomean.toFixed(2)}${litert}.\n`);
  console.log('| model | source | asc ms | asc op by op ms | asc 2 threads ms | asc compiled ms | asc compiled 2 threads ms | ' +
      'tfjs-wasm ms | LiteRT.js ms | LiteRT.js 2 threads ms | tfjs-cpu ms | asc / tfjs-wasm | asc / LiteRT.js | ' +
      'asc / LiteRT.js, 2 threads | compiled / LiteRT.js | compiled / LiteRT.js, 2 threads | 2-thread scaling | ' +
      'fused per inference | peak MiB, planned / op by op / compiled arena | max error vs cpu (asc, tfjs-wasm) | in JavaScript |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |');
  for (const r of rows) {
    const js = r.jsKernels.length ? `${(100 * r.jsShare).toFixed(1)}% (${r.jsKernels.join(', ')})` : '0%';
    const fused = r.capture ? Object.entries(r.capture.fusions).map(([k, n]) => `${k} ${n}`).join(', ') ||
        (r.capture.bypassed > 0 ? 'none (plan idle: op by op)' : 'none') : '–';
    const arena = r.program == null ? '' : ` / ${r.program.status == null ? (r.program.arenaBytes / 2 ** 20).toFixed(1) : 'no program'}`;
    const peak = r.peakBytes ? `${(r.peakBytes['asc-1t'] / 2 ** 20).toFixed(1)} / ${(r.peakBytes['asc-1t-ops'] / 2 ** 20).toFixed(1)}${arena}` : '–';
    console.log(`| ${r.name} | ${r.source} | ${f(r.ms['asc-1t'])} | ${f(r.ms['asc-1t-ops'])} | ${f(r.ms['asc-2t'])} | ` +
        `${f(r.ms['asc-1t-compiled'])} | ${f(r.ms['asc-2t-compiled'])} | ${f(r.ms.wasm)} | ${f(r.ms['litert-1t'])} | ` +
        `${f(r.ms['litert-2t'])} | ${r.cpu ? f(r.cpu.ms) : '–'} | ${ratio(r.ms['asc-1t'], r.ms.wasm)} | ` +
        `${ratio(r.ms['asc-1t'], r.ms['litert-1t'])} | ${ratio(r.ms['asc-2t'], r.ms['litert-2t'])} | ` +
        `${ratio(r.ms['asc-1t-compiled'], r.ms['litert-1t'])} | ${ratio(r.ms['asc-2t-compiled'], r.ms['litert-2t'])} | ` +
        `${ratio(r.ms['asc-1t'], r.ms['asc-2t'])} | ${fused} | ${peak} | ` +
        `${r.cpu ? `${r.cpu.errorAsc.toExponential(1)}, ${r.cpu.errorWasm.toExponential(1)}` : '–'} | ${js} |`);
  }
  if (perCall) {
    console.log('\n| per call, tiny tensors | asc µs | tfjs-wasm µs |\n| --- | ---: | ---: |');
    for (const [name, us] of Object.entries(perCall)) console.log(`| ${name} | ${us.asc.toFixed(2)} | ${us.wasm.toFixed(2)} |`);
  }
}
