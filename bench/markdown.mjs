// Prints a benchmark result (bench/results/*.json) as the markdown table the README shows.
// Usage: node bench/markdown.mjs bench/results/latest.json
import {readFileSync} from 'node:fs';

const {date, machine, yardsticks, rows} = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const backends = ['asc', 'wasm', 'onnxruntime-web', 'cpu'];
const names = {asc: 'asc', wasm: 'tfjs-wasm', 'onnxruntime-web': 'onnxruntime-web', cpu: 'tfjs-cpu'};
const ms = (r) => (r == null ? '–' : r.ms >= 100 ? r.ms.toFixed(0) : r.ms >= 10 ? r.ms.toFixed(1) : r.ms.toFixed(2));
console.log(`Measured ${date.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, one thread. ` +
    `Yardsticks: f32x4 mul+add peak ${yardsticks.simd.toFixed(1)} GFLOP/s` +
    (yardsticks.relaxed ? ` (relaxed_madd ${yardsticks.relaxed.toFixed(1)})` : '') +
    `, copy ${yardsticks.copy.gbps.toFixed(1)} GB/s.\n`);
console.log(`| case | ${backends.map((b) => `${names[b]} ms`).join(' | ')} | asc rate | % of yardstick | asc / tfjs-wasm | asc / onnxruntime-web |`);
console.log(`| --- | ${backends.map(() => '---:').join(' | ')} | ---: | ---: | ---: | ---: |`);
for (const label of [...new Set(rows.map((r) => r.case))]) {
  const by = Object.fromEntries(rows.filter((r) => r.case === label).map((r) => [r.backend, r]));
  const asc = by.asc;
  const rate = asc.gflops != null ? `${asc.gflops.toFixed(1)} GFLOP/s` : `${asc.gbps.toFixed(1)} GB/s`;
  const share = `${((asc.ofPeak ?? asc.ofCopy) * 100).toFixed(0)}%`;
  const ratio = (b) => (by[b] ? (asc.ms / by[b].ms).toFixed(2) : '–');
  console.log(`| ${label} | ${backends.map((b) => ms(by[b])).join(' | ')} | ${rate} | ${share} | ${ratio('wasm')} | ${ratio('onnxruntime-web')} |`);
}
