// asc-unet info: what this machine offers and which backend `auto` would pick.
import {parseCommand} from './args.mjs';
import {chooseBackend, describeBackend} from './backend.mjs';

const HELP = `Usage: asc-unet info [--json]

Prints WebAssembly SIMD and relaxed SIMD support, asc's threads, the WebGPU adapter (if any), and the
backend segment --backend auto would choose, with the reasons for any it skipped.`;

export async function info(args) {
  const parsed = parseCommand(args, {json: {type: 'boolean'}}, HELP);
  if (parsed == null) return;
  const report = await chooseBackend('auto');
  if (parsed.values.json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const {features} = report;
  const gpu = features.webgpu;
  const lines = [
    ['WebAssembly SIMD', features.wasmSimd ? 'yes' : 'no'],
    ['relaxed SIMD', features.relaxedSimd ? 'yes' : `no (${features.relaxedSimdReason})`],
    ['asc threads', `${features.threads} of ${features.cores} cores${features.threadsReason ? ` (${features.threadsReason})` : ''}`],
    ['WebGPU', gpu ? `${[gpu.vendor, gpu.architecture, gpu.device, gpu.description].filter(Boolean).join(', ')} ` +
      `(${gpu.featureLevel}${gpu.software ? ', software' : ''})` : `none (${features.webgpuReason})`],
    ['chosen', describeBackend(report)],
    ...report.skipped.map((s) => [`skipped ${s.backend}`, s.reason]),
  ];
  for (const [key, value] of lines) console.log(`${`${key}:`.padEnd(18)}${value}`);
}
